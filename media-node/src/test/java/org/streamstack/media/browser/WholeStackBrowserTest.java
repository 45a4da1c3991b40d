package org.streamstack.media.browser;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.media.stack.WholeStack;

/**
 * One whole stack (nats-server, a cluster node of every role, a media node) and one headless
 * Chromium for a test class, both stopped after it; each test leaves a blank page behind, so that
 * no stream of one test runs on into the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WholeStackBrowserTest {

  protected WholeStack stack;
  protected HeadlessChromium browser;

  /** The stack of this class, ready for its tests: by default one with its media node in process. */
  protected WholeStack startStack() throws Exception {
    return WholeStack.withMediaNodeInProcess();
  }

  @BeforeAll
  final void startStackAndBrowser() throws Exception {
    stack = startStack();
    browser = new HeadlessChromium();
  }

  @AfterAll
  final void stopStackAndBrowser() {
    if (browser != null) browser.close();
    if (stack != null) stack.close();
  }

  @AfterEach
  final void leavePage() {
    if (browser != null) browser.blank();
  }
}
