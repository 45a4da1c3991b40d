package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.stack.WholeStack;

/**
 * A joinable session joined with a new screen (PROTOCOL.md 3) through the whole stack: the
 * gateway persists the screen and tells the instance, whose display (an X11 program's Xvfb
 * through RandR, or the synthetic application) and encoders follow; the page in headless Chromium,
 * connected all along, decodes the new size from the same session and instance, without a new
 * session or a new peer connection.
 */
class ScreenResizeStreamTest extends WholeStackBrowserTest {

  @Override
  protected WholeStack startStack() throws Exception {
    WholeStack started = WholeStack.withMediaNodeInProcess();
    ApiClient.Reply app = started.ams.post("/1.0/applications", Map.of("name", "xlogo",
        "source", Map.of("type", "x11", "command", List.of("xlogo", "-geometry", "400x300+0+0"))), started.amsToken);
    assertEquals(2, app.status() / 100, app.body());
    // The gateway hears of applications through the agent, a heartbeat later.
    Await.until("the gateway to list xlogo", Duration.ofSeconds(15),
        () -> started.gateway.get("/1.0/applications", started.clientToken).body().contains("\"xlogo\""));
    return started;
  }

  @Test
  void anX11ProgramsDisplayAndStreamFollowAJoinWithANewScreen() {
    joinWithANewScreenResizesTheStream("xlogo", "H264");
  }

  @Test
  void theSyntheticApplicationFollowsAJoinWithANewScreen() {
    joinWithANewScreenResizesTheStream("demo", "VP8");
  }

  private void joinWithANewScreenResizesTheStream(String app, String codec) {
    JsonNode session = stack.createSession(Map.of("app", app, "joinable", true,
        "screen", Map.of("width", 640, "height", 360, "fps", 30)));
    String sessionId = session.path("id").asText();
    browser.openClient(Map.of("ws", session.path("url").asText(), "codecs", codec));
    Await.until("frames of 640x360", Duration.ofSeconds(20),
        () -> browser.number("streamStats.frames") > 10 && videoSize().equals(List.of(640L, 360L)));
    String instanceId = stack.instanceOfSession(sessionId).path("id").asText();

    ApiClient.Reply join = stack.gateway.post("/1.0/sessions/" + sessionId + "/join",
        Map.of("screen", Map.of("width", 960, "height", 540)), stack.clientToken);
    assertEquals(200, join.status(), join.body());
    Await.until("the page's video to take the new size, 960x540", Duration.ofSeconds(15),
        () -> videoSize().equals(List.of(960L, 540L)));
    long atResize = browser.number("streamStats.frames");
    Await.until("frames of the new size decoded", Duration.ofSeconds(10),
        () -> browser.number("streamStats.frames") - atResize >= 30);
    assertEquals(List.of(960L, 540L), videoSize());

    JsonNode now = stack.session(sessionId);
    assertEquals(960, now.path("screen").path("width").asInt(), now.toString());
    assertEquals(540, now.path("screen").path("height").asInt());
    assertEquals(30, now.path("screen").path("fps").asInt(), "the fps the session had, kept");
    assertEquals("active", now.path("status").asText());
    assertEquals(instanceId, stack.instanceOfSession(sessionId).path("id").asText(), "the same instance");
    assertTrue(((List<?>) browser.script("return window.streamStats.errors;")).isEmpty(),
        "no error on the page: " + browser.script("return window.streamStats.errors;"));

    if (app.equals("xlogo")) {
      // An X11 display grows only within the framebuffer its Xvfb started with: a larger screen
      // is refused by the instance, which says so to the client and keeps streaming its size.
      ApiClient.Reply tooLarge = stack.gateway.post("/1.0/sessions/" + sessionId + "/join",
          Map.of("screen", Map.of("width", 2560, "height", 1440)), stack.clientToken);
      assertEquals(200, tooLarge.status(), tooLarge.body());
      Await.until("the page to hear why the screen stays 960x540", Duration.ofSeconds(15),
          () -> browser.script("return window.streamStats.errors.join('; ');").toString()
              .contains("the instance keeps its screen 960x540"));
      long atRefusal = browser.number("streamStats.frames");
      Await.until("frames still decoded", Duration.ofSeconds(10),
          () -> browser.number("streamStats.frames") - atRefusal >= 10);
      assertEquals(List.of(960L, 540L), videoSize());
    }
    assertEquals(200, stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken).status());
  }

  @SuppressWarnings("unchecked")
  private List<Long> videoSize() {
    return (List<Long>) browser.script(
        "const v = document.getElementById('video'); return [v.videoWidth, v.videoHeight];");
  }
}
