package org.streamstack.media.browser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

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
}
