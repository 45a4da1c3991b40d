package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.media.sound.PulseAudioServer;
import org.streamstack.media.sound.SoundCapture;
import org.streamstack.media.x11.X11Application;
import org.streamstack.media.x11.X11Program;

/**
 * X11 programs' sound, through real PulseAudio daemons and parec: a program playing a 1 kHz tone
 * with {@code pacat} (which finds its instance's server through {@code PULSE_SERVER}) is captured,
 * Opus-encoded and decodes back to 1 kHz; a silent program next to it gives silent frames that
 * still flow on time; stopping an instance stops its daemon and its recorder.
 */
class X11ProgramSoundTest {

  private static final int TONE_HZ = 1_000;
  private static final double TONE_PEAK = 0.25;

  @TempDir
  static Path directory;

  private static X11Application playing;
  private static X11Application silent;

  @BeforeAll
  static void startPrograms() throws IOException {
    Path tone = directory.resolve("tone.raw");
    Files.write(tone, toneSamples(TONE_HZ, TONE_PEAK, 2));
    // Plays the two-second tone again and again into whatever PULSE_SERVER names.
    X11Program player = new X11Program(List.of("sh", "-c",
        "while true; do pacat --raw --format=s16le --rate=48000 --channels=2 '" + tone + "' || exit 3; done"),
        null, Map.of());
    playing = X11Application.start("sound-tone", player, "Xvfb", 160, 120, true);
    silent = X11Application.start("sound-silent", new X11Program(List.of("sleep", "600"), null, Map.of()),
        "Xvfb", 160, 120, true);
  }

  @AfterAll
  static void stopPrograms() {
    if (playing != null) playing.close();
    if (silent != null) silent.close();
  }

  private static byte[] toneSamples(int hz, double peak, int seconds) {
    ByteBuffer pcm = ByteBuffer.allocate(seconds * 48_000 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < seconds * 48_000; i++) {
      short s = (short) Math.round(peak * Short.MAX_VALUE * Math.sin(2 * Math.PI * hz * i / 48_000.0));
      pcm.putShort(s).putShort(s);
    }
    return pcm.array();
  }

  /** Takes {@code count} frames of both programs' sound on one audio clock, as an instance does. */
  private static List<List<AudioFrame>> record(int count) throws InterruptedException {
    List<AudioFrame> fromPlaying = new ArrayList<>();
    List<AudioFrame> fromSilent = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    try (AudioClock clock = AudioClock.start("sound-test", (frameNumber, captureTime) -> {
      if (fromPlaying.size() == count) return;
      fromPlaying.add(playing.sound(frameNumber, captureTime));
      fromSilent.add(silent.sound(frameNumber, captureTime));
      if (fromPlaying.size() == count) done.countDown();
    })) {
      assertTrue(done.await(count * 20L + 5_000, TimeUnit.MILLISECONDS), "the audio clock stalled");
    }
    return List.of(fromPlaying, fromSilent);
  }

  /** pacat needs a moment to connect: waits for the tone. */
  private static void awaitTone() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (playing.sound(0, 0).isSilent()) {
      assertTrue(System.nanoTime() < deadline, "the program's tone never reached its sink's monitor");
      Thread.sleep(20);
    }
  }

  @Test
  void aProgramsToneIsCapturedEncodedAndDecodesBackToItsFrequency() throws InterruptedException {
    awaitTone();
    List<AudioFrame> frames = record(50).get(0);
    List<EncodedAudio> packets = new ArrayList<>();
    try (OpusEncoder encoder = new OpusEncoder()) {
      for (AudioFrame frame : frames) packets.add(encoder.encode(frame));
    }
    for (int i = 1; i < frames.size(); i++) {
      assertEquals(frames.get(i - 1).captureTimeMillis() + 20, frames.get(i).captureTimeMillis(),
          "frames follow the audio clock, 20 ms apart");
    }
    try (OpusTestDecoder decoder = new OpusTestDecoder()) {
      for (EncodedAudio packet : packets) decoder.decode(packet.data());
      float[] left = decoder.left();
      float[] right = decoder.right();
      int from = 4_800;
      assertEquals(TONE_HZ, OpusTestDecoder.dominantFrequency(left, from, left.length, 50, 4_000), 5.0);
      assertEquals(TONE_HZ, OpusTestDecoder.dominantFrequency(right, from, right.length, 50, 4_000), 5.0);
      // A steady tone at peak 0.25 has an RMS of 0.177; a gap or two from scheduling lowers it a little.
      double rms = OpusTestDecoder.rms(left, from, left.length);
      assertTrue(rms > 0.12 && rms < 0.22, "level of the decoded tone: rms " + rms);
    }
  }

  @Test
  void aSilentProgramGivesSilenceOnTimeAndNeverHearsItsNeighbour() throws InterruptedException {
    awaitTone();
    SoundCapture capture = silent.soundCapture().orElseThrow();
    // An idle monitor trickles for its first second or so, then runs at the sample rate.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (capture.capturedFrames() < 60) {
      assertTrue(System.nanoTime() < deadline, "parec never delivered the idle sink's silence");
      Thread.sleep(20);
    }
    long capturedBefore = capture.capturedFrames();
    List<List<AudioFrame>> recorded = record(50);
    List<AudioFrame> neighbour = recorded.get(0);
    List<AudioFrame> quiet = recorded.get(1);
    assertTrue(neighbour.stream().filter(frame -> !frame.isSilent()).count() > 25,
        "the neighbour plays its tone meanwhile");
    assertEquals(50, quiet.size());
    assertTrue(quiet.stream().allMatch(AudioFrame::isSilent), "the silent program's frames are digital silence");
    // The monitor of an idle sink still runs: parec delivers about a second of zeros in a second.
    long captured = capture.capturedFrames() - capturedBefore;
    assertTrue(captured >= 35 && captured <= 65, "blocks read from parec in a second: " + captured);
  }

  @Test
  void stoppingAnInstanceStopsItsSoundServerAndRecorder() throws IOException, InterruptedException {
    X11Application app = X11Application.start("sound-stop", new X11Program(List.of("sleep", "600"), null,
        Map.of()), "Xvfb", 160, 120, true);
    ProcessHandle server;
    ProcessHandle recorder;
    try {
      server = app.soundServer().orElseThrow().process();
      recorder = app.soundCapture().orElseThrow().process();
      assertTrue(server.isAlive());
      assertTrue(recorder.isAlive());
    } finally {
      app.close();
    }
    assertFalse(server.isAlive(), "pulseaudio outlived its instance");
    assertFalse(recorder.isAlive(), "parec outlived its instance");
    assertTrue(app.sound(7, 140).isSilent());
  }

  @Test
  void withoutPulseAudioTheProgramRunsWithoutSound() throws IOException {
    X11Application app = X11Application.start("sound-none", new X11Program(List.of("sleep", "600"), null,
        Map.of()), "Xvfb", "/nonexistent/pulseaudio", 160, 120, true);
    try {
      assertTrue(app.soundServer().isEmpty());
      assertTrue(app.soundCapture().isEmpty());
      AudioFrame frame = app.sound(3, 60);
      assertTrue(frame.isSilent());
      assertEquals(3, frame.frameNumber());
      assertEquals(60, frame.captureTimeMillis());
      assertFalse(app.exited().isDone(), "the program runs");
    } finally {
      app.close();
    }
  }

  @Test
  void aDaemonThatCannotStartSaysWhy() {
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> PulseAudioServer.start("sound-bad", "/nonexistent/pulseaudio"));
    assertTrue(e.getMessage().contains("pulseaudio"), e.getMessage());
  }
}
