package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.interactions.Actions;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.app.SyntheticApplication;

/**
 * A person streams through the whole stack: the gateway's page in headless Chromium creates the
 * session over HTTP with a client token, the agent has AMS start an instance on the media node,
 * and the page decodes it and drives it. Nothing is connected by hand.
 */
class WholeStackStreamingTest extends WholeStackBrowserTest {

  private Object page(String expression) {
    return browser.demoPage(expression);
  }

  private long pageNumber(String expression) {
    return browser.demoPageNumber(expression);
  }

  private List<Long> pixelAt(int x, int y) {
    return browser.demoPagePixel(x, y);
  }

  private String startFromThePage(boolean joinable) {
    return browser.startOnDemoPage(stack.gateway.base, stack.clientToken, "demo", "H264", 60, joinable);
  }

  private String status(String sessionId) {
    return stack.session(sessionId).path("status").asText();
  }

  @Test
  void aSessionCreatedFromThePageStreamsAndTakesInput() {
    String sessionId = startFromThePage(false);
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> pageNumber("framesDecoded()") > 0);
    @SuppressWarnings("unchecked")
    Map<String, Number> timings = (Map<String, Number>) page("timings");
    long first = pageNumber("framesDecoded()");
    long started = System.nanoTime();
    Await.until("250 more decoded frames", Duration.ofSeconds(10), () -> pageNumber("framesDecoded()") - first >= 250);
    System.out.printf("whole stack: POST to first frame %.0f ms; 250 frames in %d ms; %s%n",
        timings.get("firstFrame").doubleValue() - timings.get("requested").doubleValue(),
        (System.nanoTime() - started) / 1_000_000, page("stats"));
    assertEquals("streaming", page("state"));
    assertNull(page("lastError"));
    assertEquals("active", status(sessionId));

    SyntheticApplication.Region swatch = new SyntheticApplication(1280, 720).inputSwatch();
    // The page asks for a screen the size of its window; the swatch sits where the app draws it for that size.
    int width = (int) pageNumber("stats.width");
    int height = (int) pageNumber("stats.height");
    swatch = new SyntheticApplication(width, height).inputSwatch();
    SyntheticApplication.Region at = swatch;
    List<Long> before = pixelAt(at.centreX(), at.centreY());
    new Actions(browser.driver()).sendKeys("a").perform();
    Await.until("the key to reach the application (its swatch changes colour)", Duration.ofSeconds(3),
        () -> !before.equals(pixelAt(at.centreX(), at.centreY())));

    JsonNode instance = stack.instanceOfSession(sessionId);
    browser.driver().findElement(By.id("stop")).click();
    Await.until("the session to end", Duration.ofSeconds(10), () -> "terminated".equals(status(sessionId)));
    Await.until("its instance to be stopped and deleted", Duration.ofSeconds(10),
        () -> stack.instanceStatus(instance.path("id").asText()).equals("deleted"));
  }

  @Test
  void aClientLeavingAJoinableSessionCanJoinTheSameInstanceAgain() {
    String sessionId = startFromThePage(true);
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> pageNumber("framesDecoded()") > 0);
    String instanceId = stack.instanceOfSession(sessionId).path("id").asText();

    // Stop on a joinable session says stream::disconnect and leaves the session to its grace period.
    browser.driver().findElement(By.id("stop")).click();
    Await.until("the page to leave", Duration.ofSeconds(5), () -> "ready".equals(page("state")));
    browser.blank();
    ApiClient.Reply join = stack.gateway.post("/1.0/sessions/" + sessionId + "/join", Map.of(), stack.clientToken);
    assertEquals(200, join.status(), join.body());
    assertEquals("running", stack.instance(instanceId).path("status").asText(), "the instance outlives its client");

    browser.openClient(Map.of("ws", join.json().path("metadata").path("url").asText(), "codecs", "H264"));
    Await.until("frames from the same instance again", Duration.ofSeconds(15),
        () -> browser.number("streamStats.frames") > 30);
    assertEquals(instanceId, stack.instanceOfSession(sessionId).path("id").asText());
    assertEquals(200, stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken).status());
  }

  @Test
  void aClientLeavingANonJoinableSessionEndsItAndItsInstance() {
    JsonNode session = stack.createSession(Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    browser.openClient(Map.of("ws", session.path("url").asText(), "codecs", "H264"));
    Await.until("the first frames", Duration.ofSeconds(15), () -> browser.number("streamStats.frames") > 10);
    String instanceId = stack.instanceOfSession(sessionId).path("id").asText();

    browser.script("sendControl({type: 'stream::disconnect', data: {}}); return null;");
    Await.until("the session to end", Duration.ofSeconds(10), () -> "terminated".equals(status(sessionId)));
    assertTrue(stack.session(sessionId).path("status_message").asText().contains("left"),
        stack.session(sessionId).toString());
    Await.until("its instance to be stopped and deleted", Duration.ofSeconds(10),
        () -> stack.instanceStatus(instanceId).equals("deleted"));
  }
}
