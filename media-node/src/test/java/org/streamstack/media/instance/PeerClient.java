package org.streamstack.media.instance;

import java.time.Duration;
import org.streamstack.cluster.testing.SignalingClient;
import org.streamstack.media.bench.TestBrowser;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * One client socket of a session (the owner's, {@code peer} null, or a share peer's) and a {@link
 * TestBrowser} playing Chromium behind it.
 */
final class PeerClient implements AutoCloseable {

  private static final Duration STEP = Duration.ofSeconds(30);

  final String peer;
  final SignalingClient socket;
  final TestBrowser browser;
  String offer;
  private Thread reader;

  PeerClient(String url, String peer) throws Exception {
    this.peer = peer;
    this.socket = SignalingClient.connect(url);
    this.browser = new TestBrowser(VideoCodec.H264, TestBrowser.chromiumAnswer(VideoCodec.H264),
        DtlsSettings.defaults());
    browser.nackGenerator(true);
  }

  void send(String frame) {
    socket.send(frame);
  }

  /** Reads frames (the browser sees each) until one of {@code type}; that frame. */
  String awaitFrame(String type) throws Exception {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (System.nanoTime() < deadline) {
      String frame = socket.next(Duration.ofMillis(200));
      if (frame == null) continue;
      browser.onSignaling(frame);
      if (type.equals(ApiJson.MAPPER.readTree(frame).path("type").asText())) return frame;
    }
    throw new AssertionError(this + ": no '" + type + "' frame within " + STEP);
  }

  /** Waits for the offer, answers it on the socket, and hands the browser what follows. */
  void answerWhenOffered() throws Exception {
    offer = awaitFrame("offer");
    browser.answer(socket::send);
    reader = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          String frame = socket.next(Duration.ofMillis(200));
          if (frame != null) browser.onSignaling(frame);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "signaling-" + (peer == null ? "owner" : peer));
    reader.setDaemon(true);
    reader.start();
    browser.await(TestBrowser.Milestone.DTLS_CONNECTED, STEP);
  }

  @Override
  public String toString() {
    return (peer == null ? "the owner" : "share peer " + peer) + " " + browser;
  }

  @Override
  public void close() {
    if (reader != null) reader.interrupt();
    socket.close();
    browser.close();
  }
}
