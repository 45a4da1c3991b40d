package org.streamstack.media.browser;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebDriver;

/**
 * A test class that streams to headless Chromium: one gateway, media node and browser for the
 * whole class, one session per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTest {

  protected StreamFixture fixture;

  /** Settings laid over the media node's defaults for this class. */
  protected String mediaSettings() {
    return "";
  }

  @BeforeAll
  void startFixture() throws Exception {
    fixture = new StreamFixture(mediaSettings());
  }

  @AfterAll
  void stopFixture() {
    if (fixture != null) fixture.close();
  }

  @AfterEach
  void endSession() {
    fixture.endSession();
  }

  // --- the demo page, for the tests that drive it ---------------------------------------------

  protected WebDriver driver() {
    return fixture.browser.driver();
  }

  /** A JavaScript expression evaluated against the demo page's test hook. */
  protected Object page(String expression) {
    return fixture.browser.demoPage(expression);
  }

  protected long pageNumber(String expression) {
    return fixture.browser.demoPageNumber(expression);
  }

  /** The decoded video's pixel at ({@code x}, {@code y}) of the stream, as [r, g, b]. */
  protected List<Long> pixelAt(int x, int y) {
    return fixture.browser.demoPagePixel(x, y);
  }

  /** Opens the demo page, chooses demo and H.264 at 30 fps, presses Start; the session it created. */
  protected String startFromThePage() {
    return fixture.browser.startOnDemoPage(fixture.gateway.baseUrl(), fixture.token, "demo", "H264", 30, false);
  }
}
