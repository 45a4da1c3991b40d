package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;

/** The synthetic application's 440 Hz tone, as Opus, in real headless Chromium. */
class ChromiumAudioTest extends BrowserTest {

  @SuppressWarnings("unchecked")
  private Map<String, Number> audioStats() {
    return (Map<String, Number>) fixture.browser.asyncScript(
        "const done = arguments[arguments.length - 1]; audioStats().then(done, e => done(null));");
  }

  @Test
  void theToneArrivesWhenTheClientWantsSound() throws Exception {
    fixture.startSession("VP8", Map.of("speaker", "true"));
    Await.until("audio samples", Duration.ofSeconds(15), () -> {
      Map<String, Number> stats = audioStats();
      return stats != null && stats.get("totalSamplesReceived").longValue() > 0;
    });
    long first = audioStats().get("totalSamplesReceived").longValue();
    Thread.sleep(2000);
    Map<String, Number> later = audioStats();
    long grown = later.get("totalSamplesReceived").longValue() - first;
    System.out.printf("audio: %d samples in 2 s, level %s, energy %s; %s%n", grown, later.get("audioLevel"),
        later.get("totalAudioEnergy"), fixture.peerStats());
    assertTrue(grown > 80_000, "48 kHz audio keeps arriving: " + grown + " samples in 2 s");
    assertTrue(later.get("audioLevel").doubleValue() > 0.01, "the tone is audible: level " + later.get("audioLevel"));
    assertTrue(fixture.peerStats().audioPacketsSent() > 50);
  }

  @Test
  void noSoundIsSentWhenTheClientWantsNone() throws Exception {
    fixture.startSession("VP8", Map.of("speaker", "false"));
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> fixture.decodedFrames() > 0);
    Thread.sleep(1000);
    assertEquals(0L, fixture.peerStats().audioPacketsSent());
    Map<String, Number> stats = audioStats();
    assertTrue(stats == null || stats.get("packetsReceived").longValue() == 0, "no audio packets: " + stats);
  }
}
