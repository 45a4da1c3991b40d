package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.media.instance.InstanceSpec;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.x11.EchoingMessageProgram;
import org.streamstack.media.x11.X11Codec;
import org.streamstack.media.x11.X11Connection;
import org.streamstack.media.x11.X11Program;

/**
 * An X11 program streamed to the gateway's demo page in headless Chromium: xlogo drawn over the
 * screen and xev listening on the root window for keys. The page shows the program's picture; keys
 * typed in the page reach the program (xev prints them); the pointer and a held click land on the
 * display where the page pointed, within two pixels. A program's message socket carries the page's
 * out-of-band messages and gamepad events to it and its answers back to the page.
 */
class X11StreamTest extends BrowserTest {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;

  @TempDir
  Path directory;

  @Test
  void anX11ProgramStreamsAndTheClientDrivesIt() throws Exception {
    Path displayFile = directory.resolve("display");
    Path events = directory.resolve("events");
    // The page's session; its instance is the X11 program this test starts by hand.
    String sessionId = startFromThePage();

    // xlogo covers the left half; xev hears the keys that reach the root window.
    X11Program program = new X11Program(List.of("sh", "-c", "echo $DISPLAY > " + displayFile
        + "; xlogo -geometry " + WIDTH / 2 + "x" + HEIGHT + "+0+0 & exec xev -root -event keyboard > " + events),
        null, Map.of());
    InstanceSpec spec = new InstanceSpec("x11-stream", sessionId, fixture.gateway.instanceSocketUrl(sessionId),
        WIDTH, HEIGHT, 30, List.of(VideoCodec.H264), EncoderPreference.CPU, program);
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(fixture.media.system());
    fixture.endsWithTheSession(fixture.media.startInstance(spec, owner.getRef()));
    assertTrue(owner.receiveMessage(Duration.ofSeconds(10)) instanceof InstanceRuntime.Started);

    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> pageNumber("framesDecoded()") > 0);
    Await.until("xlogo in the picture: white with black strokes", Duration.ofSeconds(10), this::xlogoShows);
    Await.until("the stream's size", Duration.ofSeconds(3),
        () -> pageNumber("stats.width") == WIDTH && pageNumber("stats.height") == HEIGHT);
    assertEquals("streaming", page("state"));
    assertNull(page("lastError"));

    // Keys typed in the page reach the program on the display.
    new Actions(driver()).sendKeys("qz").perform();
    Await.until("xev to print the keys", Duration.ofSeconds(5), () -> {
      String text = read(events);
      return text.contains("(keysym 0x71, q)") && text.contains("(keysym 0x7a, z)");
    });

    // The pointer over the picture lands on the display pixel under it, and a held click holds button 1.
    int display = Integer.parseInt(Files.readString(displayFile).trim().substring(1));
    try (X11Connection x = X11Connection.open(display, new byte[0])) {
      int targetX = 450;
      int targetY = 300;
      WebElement video = driver().findElement(By.id("video"));
      @SuppressWarnings("unchecked")
      Map<String, Number> box = (Map<String, Number>) fixture.browser.script("""
          const rect = document.getElementById('video').getBoundingClientRect();
          return {width: rect.width, height: rect.height};
          """);
      double scale = Math.min(box.get("width").doubleValue() / WIDTH, box.get("height").doubleValue() / HEIGHT);
      int offsetX = (int) Math.round((targetX - WIDTH / 2.0 + 0.5) * scale);
      int offsetY = (int) Math.round((targetY - HEIGHT / 2.0 + 0.5) * scale);
      new Actions(driver()).moveToElement(video, offsetX, offsetY).clickAndHold().perform();
      Await.until("button 1 held on the display", Duration.ofSeconds(3),
          () -> (buttons(x) & 0x100) != 0);
      X11Codec.PointerReply pointer = x.queryPointer();
      // Two pixels at the stream's scale: the page's rounding to its CSS pixels.
      double tolerance = Math.max(2, 2 / scale);
      assertTrue(Math.abs(pointer.rootX() - targetX) <= tolerance && Math.abs(pointer.rootY() - targetY) <= tolerance,
          "pointer at (" + pointer.rootX() + ", " + pointer.rootY() + "), page clicked (" + targetX + ", " + targetY
              + ") at scale " + scale);
      new Actions(driver()).release().perform();
      Await.until("button 1 released on the display", Duration.ofSeconds(3),
          () -> (buttons(x) & 0x100) == 0);
    }
  }

  @Test
  void thePageAndAnX11ProgramTalkThroughItsMessageSocket() throws Exception {
    // The page's session; its instance is the X11 program this test starts by hand.
    String sessionId = startFromThePage();

    Path record = directory.resolve("received");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    X11Program program = new X11Program(List.of(java, "-cp", System.getProperty("java.class.path"),
        EchoingMessageProgram.class.getName(), record.toString()), null, Map.of());
    InstanceSpec spec = new InstanceSpec("x11-messages-page", sessionId, fixture.gateway.instanceSocketUrl(sessionId),
        WIDTH, HEIGHT, 30, List.of(VideoCodec.H264), EncoderPreference.CPU, program);
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(fixture.media.system());
    fixture.endsWithTheSession(fixture.media.startInstance(spec, owner.getRef()));
    assertTrue(owner.receiveMessage(Duration.ofSeconds(10)) instanceof InstanceRuntime.Started);
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> pageNumber("framesDecoded()") > 0);

    fixture.browser.script("window.streamstack.sendControl('app::hello', {n: 1, text: 'from the page'});");
    fixture.browser.script("window.streamstack.sendControl('input::gamepad-button', {id: 0, index: 2, pressed: true});");
    Await.until("the program's two answers on the page", Duration.ofSeconds(20),
        () -> ((List<?>) page("controlReceived")).size() >= 2);
    assertEquals(List.of(
        Map.of("type", "echo::app::hello", "data", Map.of("n", 1L, "text", "from the page")),
        Map.of("type", "echo::input::gamepad-button", "data", Map.of("id", 0L, "index", 2L, "pressed", true))),
        page("controlReceived"));
    assertEquals(List.of("{\"type\":\"app::hello\",\"data\":{\"n\":1,\"text\":\"from the page\"}}",
        "{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":2,\"pressed\":true}}"),
        Files.readAllLines(record));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int buttons(X11Connection display) {
    try {
      return display.queryPointer().buttonMask();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean xlogoShows() {
    // xlogo's window is white, the rest of the screen is Xvfb's black root window.
    List<Long> background = pixelAt(WIDTH / 2 + 100, 20);
    boolean blackRoot = background != null && background.stream().allMatch(channel -> channel < 40);
    int white = 0;
    int dark = 0;
    for (int y = 10; y < HEIGHT; y += 40) {
      for (int x = 10; x < WIDTH / 2; x += 40) {
        List<Long> pixel = pixelAt(x, y);
        if (pixel == null) return false;
        if (pixel.stream().allMatch(channel -> channel > 200)) white++;
        if (pixel.stream().allMatch(channel -> channel < 60)) dark++;
      }
    }
    return blackRoot && white > 10 && dark > 3;
  }

}
