package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.peer.PeerStats;

/**
 * Video from a media node to real headless Chromium through a real gateway: the page speaks
 * PROTOCOL.md 4, decodes the synthetic application's 1280x720 picture, and reads the latency probe
 * of every frame to check that frames advance and none repeats.
 */
class ChromiumVideoTest extends BrowserTest {

  @ParameterizedTest
  @ValueSource(strings = {"H264", "VP8"})
  void streamsAtLeast250FramesOf720pIn10Seconds(String codec) throws Exception {
    String sessionId = fixture.startSession(codec);
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> fixture.decodedFrames() > 0);
    long first = fixture.decodedFrames();
    long firstProbe = fixture.lastProbeFrame();
    Thread.sleep(10_000);
    long decoded = fixture.decodedFrames() - first;
    long lastProbe = fixture.lastProbeFrame();
    PeerStats stats = fixture.peerStats();
    System.out.printf("%s session %s: %d frames decoded in 10 s; probe frame %d -> %d; %s%n", codec, sessionId,
        decoded, firstProbe, lastProbe, stats);
    assertEquals(codec, fixture.browser.script("return streamStats.codec;"), "the page decodes the codec it preferred");
    assertEquals(codec, stats.codec(), "the media node sends the codec the answer chose");
    assertEquals(1280L, fixture.browser.number("streamStats.width"));
    assertEquals(720L, fixture.browser.number("streamStats.height"));
    assertTrue(decoded >= 250, codec + ": " + decoded + " frames decoded in 10 s");
    assertTrue(lastProbe - firstProbe >= 250, "the probe's frame number advanced by " + (lastProbe - firstProbe));
    assertTrue(fixture.repeatedProbeFrames() <= 3, "frames decoded twice or frozen: " + fixture.repeatedProbeFrames());
    assertEquals(List.of(), fixture.browser.script("return streamStats.errors;"));
  }
}
