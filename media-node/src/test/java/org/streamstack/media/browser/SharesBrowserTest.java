package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.metrics.MediaMetrics;

/**
 * Shares through the whole stack (issue 6): one instance, three people in one headless Chromium,
 * each in a window of their own. The owner streams from the demo page; a view share and a control
 * share are created through the REST API; the view share is joined through its join endpoint
 * ({@code POST /1.0/shares/{id}/join}, no account token) by the test client page, the control
 * share's link is opened on the demo page. All three
 * decode the instance's video; the owner's and the control peer's input reach the application
 * (its input swatch changes colour in the video everyone decodes, its cursor follows the control
 * peer's mouse), the view peer's does not (the swatch stays, and the media node counts what it
 * dropped); the instance's one encoder runs at the stream's fps, not three times that; and
 * deleting the view share stops its stream and no other.
 */
class SharesBrowserTest extends WholeStackBrowserTest {

  private static final int FPS = 30;
  private static final Duration STEP = Duration.ofSeconds(20);

  @Test
  void ownerViewAndControlPeersWatchOneEncodeAndOnlyTheViewPeerCannotDrive() throws Exception {
    String owner = browser.driver().getWindowHandle();
    String sessionId = browser.startOnDemoPage(stack.gateway.base, stack.clientToken, "demo", "H264", FPS, false);
    Await.until("the owner's first decoded frames", STEP, () -> browser.demoPageNumber("framesDecoded()") > 10);

    JsonNode viewShare = stack.createShare(sessionId, "view");
    JsonNode controlShare = stack.createShare(sessionId, "control");
    assertEquals("view", viewShare.path("type").asText());
    assertEquals("control", controlShare.path("type").asText());
    // The view peer: the join endpoint, and the test client page, which (unlike the demo page, which
    // sends no input for a view peer) sends whatever it is told: the media node must hold it back.
    String viewer = openJoined(stack.joinShare(viewShare.path("url").asText()), "view");
    // The control peer: its link opened on the demo page, as a person does.
    browser.driver().switchTo().newWindow(WindowType.WINDOW);
    browser.open(controlShare.path("url").asText());
    String controller = browser.driver().getWindowHandle();
    Await.until("the demo page to join through the control share's link", STEP,
        () -> "control".equals(browser.demoPage("shareType")));

    // All three decode.
    Await.until("the view peer's frames", STEP, () -> in(viewer, () -> browser.number("streamStats.frames")) > 30);
    Await.until("the control peer's frames", STEP,
        () -> in(controller, () -> browser.demoPageNumber("framesDecoded()")) > 30);
    long ownerFrames = in(owner, () -> browser.demoPageNumber("framesDecoded()"));
    Await.until("the owner to keep decoding", STEP,
        () -> in(owner, () -> browser.demoPageNumber("framesDecoded()")) > ownerFrames + 30);

    // The encoder runs once: its frame count advances at the stream's fps while three streams are sent.
    PrometheusText before = mediaMetrics();
    long started = System.nanoTime();
    Thread.sleep(5000);
    PrometheusText after = mediaMetrics();
    double seconds = (System.nanoTime() - started) / 1e9;
    double encodedFps = (after.value("streamstack_encode_seconds_count")
        - before.value("streamstack_encode_seconds_count")) / seconds;
    double sentFps = (after.value("streamstack_video_frames_sent_total")
        - before.value("streamstack_video_frames_sent_total")) / seconds;
    System.out.printf("shares: encoder %.1f fps encoded, %.1f fps sent over %d streams%n", encodedFps, sentFps,
        (long) after.value("streamstack_streams"));
    assertEquals(3, (long) after.value("streamstack_streams"), "three peers stream");
    assertTrue(encodedFps > 0 && encodedFps <= FPS * 1.2, "one encode at " + FPS + " fps, not one per peer: "
        + encodedFps + " fps encoded");
    assertTrue(sentFps >= 2.5 * encodedFps, "every encoded frame goes to the three peers: " + sentFps
        + " fps sent, " + encodedFps + " encoded");

    // The view peer's key and mouse presses do not reach the application: the swatch keeps its colour.
    SyntheticApplication.Region swatch = in(viewer, this::swatchOfClient);
    List<Long> colour = in(viewer, () -> clientPixel(swatch.centreX(), swatch.centreY()));
    double droppedBefore = dropped("input");
    in(viewer, () -> browser.script("sendControl({type:'input::key', data:{code:30, pressed:true}});"
        + "sendControl({type:'input::key', data:{code:30, pressed:false}});"
        + "sendControl({type:'input::mouse-move', data:{x:200, y:300, rx:0, ry:0}});"
        + "sendControl({type:'input::mouse-button', data:{button:1, pressed:true}});"
        + "sendControl({type:'input::mouse-button', data:{button:1, pressed:false}}); return null;"));
    Await.until("the media node to drop the view peer's five input messages", STEP,
        () -> dropped("input") - droppedBefore == 5);
    long viewFrames = in(viewer, () -> browser.number("streamStats.frames"));
    Await.until("a second more of the view peer's video", STEP,
        () -> in(viewer, () -> browser.number("streamStats.frames")) > viewFrames + FPS);
    List<Long> stillColour = in(viewer, () -> clientPixel(swatch.centreX(), swatch.centreY()));
    assertTrue(!differ(colour, stillColour), "the view peer's presses did not change the swatch: " + colour + " then "
        + stillColour);

    // The control peer's key press does: everyone sees the swatch change.
    in(controller, () -> {
      new Actions(browser.driver()).sendKeys("a").perform();
      return null;
    });
    Await.until("the control peer's key to change the swatch", STEP,
        () -> differ(colour, in(viewer, () -> clientPixel(swatch.centreX(), swatch.centreY()))));
    // ... and its mouse moves the cursor: the pointer at the middle of its video, the cursor at
    // the middle of the picture.
    in(controller, () -> {
      new Actions(browser.driver()).moveToElement(browser.driver().findElement(By.id("video"))).perform();
      return null;
    });
    Await.until("the cursor where the control peer's pointer is", STEP, () -> in(controller, () -> browser.demoPagePixel(
        (int) browser.demoPageNumber("stats.width") / 2, (int) browser.demoPageNumber("stats.height") / 2))
        .stream().allMatch(channel -> channel > 200));
    System.out.println("shares: the cursor drawn where the control peer's pointer is");

    // The owner's key press on the demo page changes it again.
    List<Long> afterControl = in(owner, () -> ownerSwatchColour());
    in(owner, () -> {
      new Actions(browser.driver()).sendKeys("a").perform();
      return null;
    });
    Await.until("the owner's key to change the swatch", STEP, () -> differ(afterControl, in(owner, this::ownerSwatchColour)));
    assertEquals(5, dropped("input") - droppedBefore, "only the view peer's input was dropped");

    // Deleting the view share cuts its peer: the media node stops streaming to it, not to the others.
    assertEquals(200, stack.gateway.delete("/1.0/shares/" + viewShare.path("id").asText(), stack.clientToken).status());
    Await.until("the media node to stop the view peer's stream", STEP,
        () -> mediaMetrics().value("streamstack_streams") == 2);
    long controlFrames = in(controller, () -> browser.demoPageNumber("framesDecoded()"));
    Await.until("the control peer to keep decoding", STEP,
        () -> in(controller, () -> browser.demoPageNumber("framesDecoded()")) > controlFrames + 30);
  }

  /**
   * Whether two decoded pixels show different swatch colours: the six colours are far apart, the
   * same colour decoded twice differs by a few steps of coding noise.
   */
  private static boolean differ(List<Long> a, List<Long> b) {
    long most = 0;
    for (int i = 0; i < 3; i++) most = Math.max(most, Math.abs(a.get(i) - b.get(i)));
    return most > 40;
  }

  /** Opens the test client page on a share peer's socket in a window of its own; its handle. */
  private String openJoined(JsonNode joined, String type) {
    assertEquals(type, joined.path("type").asText());
    browser.driver().switchTo().newWindow(WindowType.WINDOW);
    browser.openClient(Map.of("ws", joined.path("url").asText(), "codecs", "H264"));
    return browser.driver().getWindowHandle();
  }

  /** Runs {@code action} in the window {@code handle}. */
  private <T> T in(String handle, Supplier<T> action) {
    browser.driver().switchTo().window(handle);
    return action.get();
  }

  private SyntheticApplication.Region swatchOfClient() {
    return new SyntheticApplication((int) browser.number("streamStats.width"), (int) browser.number("streamStats.height"))
        .inputSwatch();
  }

  /**
   * The RGB of the pixel at ({@code x}, {@code y}) of the client page's decoded video, in the
   * video's own pixels (the page draws the video onto a 1280x720 canvas to read it).
   */
  @SuppressWarnings("unchecked")
  private List<Long> clientPixel(int x, int y) {
    long width = browser.number("streamStats.width");
    long height = browser.number("streamStats.height");
    return (List<Long>) browser.script("return pixelAt(" + x * 1280 / width + "," + y * 720 / height + ");");
  }

  private List<Long> ownerSwatchColour() {
    SyntheticApplication.Region swatch = new SyntheticApplication((int) browser.demoPageNumber("stats.width"),
        (int) browser.demoPageNumber("stats.height")).inputSwatch();
    return browser.demoPagePixel(swatch.centreX(), swatch.centreY());
  }

  private PrometheusText mediaMetrics() {
    return PrometheusText.parse(MediaMetrics.get(stack.mediaNodesInProcess().get(0).system()).scrape());
  }

  private double dropped(String kind) {
    return mediaMetrics().value("streamstack_view_peer_messages_dropped_total", "kind", kind);
  }
}
