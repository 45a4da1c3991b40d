package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.media.instance.InstanceSpec;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.x11.X11Program;

/**
 * An X11 instance's sound in headless Chromium: a program playing a tone into its instance's
 * PulseAudio sink is heard by the page (samples keep arriving, the level is above zero); a
 * program that plays nothing gives a track the page receives at level zero.
 */
class X11SoundStreamTest extends BrowserTest {

  @TempDir
  Path directory;

  @SuppressWarnings("unchecked")
  private Map<String, Number> audioStats() {
    return (Map<String, Number>) fixture.browser.asyncScript(
        "const done = arguments[arguments.length - 1]; audioStats().then(done, e => done(null));");
  }

  /** Creates a session, runs {@code program} as its X11 instance and opens the page with sound on. */
  private void stream(X11Program program) {
    String sessionId = fixture.gateway.createSession(fixture.token, Map.of("app", "demo")).path("id").asText();
    String clientUrl = fixture.gateway.api.get("/1.0/sessions/" + sessionId + "/connect", fixture.token).json()
        .path("metadata").path("url").asText();
    InstanceSpec spec = new InstanceSpec("x11-sound-" + sessionId, sessionId,
        fixture.gateway.instanceSocketUrl(sessionId), 320, 240, 30, List.of(VideoCodec.VP8), EncoderPreference.CPU,
        program);
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(fixture.media.system());
    fixture.endsWithTheSession(fixture.media.startInstance(spec, owner.getRef()));
    assertTrue(owner.receiveMessage(Duration.ofSeconds(10)) instanceof InstanceRuntime.Started);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("speaker", "true");
    query.put("ws", clientUrl);
    query.put("codecs", "VP8");
    fixture.browser.openClient(query);
    Await.until("audio packets", Duration.ofSeconds(15), () -> {
      Map<String, Number> stats = audioStats();
      return stats != null && stats.get("packetsReceived").longValue() > 0;
    });
  }

  @Test
  void aProgramsToneReachesThePage() throws Exception {
    Path tone = directory.resolve("tone.raw");
    ByteBuffer pcm = ByteBuffer.allocate(2 * 48_000 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 2 * 48_000; i++) {
      short s = (short) Math.round(0.25 * Short.MAX_VALUE * Math.sin(2 * Math.PI * 660 * i / 48_000.0));
      pcm.putShort(s).putShort(s);
    }
    Files.write(tone, pcm.array());
    stream(new X11Program(List.of("sh", "-c",
        "while true; do pacat --raw --format=s16le --rate=48000 --channels=2 '" + tone + "' || exit 3; done"),
        null, Map.of()));
    Await.until("the tone's level in the page", Duration.ofSeconds(10),
        () -> audioStats().get("audioLevel").doubleValue() > 0.01);
    long first = audioStats().get("totalSamplesReceived").longValue();
    Thread.sleep(2000);
    Map<String, Number> later = audioStats();
    long grown = later.get("totalSamplesReceived").longValue() - first;
    System.out.printf("X11 sound: %d samples in 2 s, level %s, energy %s%n", grown, later.get("audioLevel"),
        later.get("totalAudioEnergy"));
    assertTrue(grown > 80_000, "48 kHz audio keeps arriving: " + grown + " samples in 2 s");
    assertTrue(later.get("audioLevel").doubleValue() > 0.01, "the tone is audible: level " + later.get("audioLevel"));
  }

  @Test
  void aSilentProgramIsHeardAsSilence() throws Exception {
    stream(new X11Program(List.of("sleep", "600"), null, Map.of()));
    Thread.sleep(1500);
    Map<String, Number> stats = audioStats();
    System.out.printf("X11 silence: %s%n", stats);
    assertTrue(stats.get("audioLevel").doubleValue() < 0.001, "silence: level " + stats.get("audioLevel"));
    assertTrue(stats.get("totalAudioEnergy").doubleValue() < 1e-6, "silence: energy " + stats.get("totalAudioEnergy"));
  }
}
