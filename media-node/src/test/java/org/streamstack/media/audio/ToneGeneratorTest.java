package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToneGeneratorTest {

  private static final double PEAK = Short.MAX_VALUE * Math.pow(10, -12 / 20.0);

  @Test
  void framesJoinIntoOneContinuousSine() {
    ToneGenerator tone = new ToneGenerator();
    for (int n = 0; n < 20; n++) {
      short[] s = tone.next(n, 20L * n).samples();
      for (int i = 0; i < AudioFrame.SAMPLES_PER_CHANNEL; i++) {
        long k = (long) n * AudioFrame.SAMPLES_PER_CHANNEL + i;
        double expected = PEAK * Math.sin(2 * Math.PI * 440 * k / 48_000.0);
        assertEquals(expected, s[2 * i], 1.0, "frame " + n + " sample " + i);
        assertEquals(s[2 * i], s[2 * i + 1], "both channels");
      }
    }
  }

  @Test
  void phaseContinuesWhateverTheFrameNumbers() {
    ToneGenerator a = new ToneGenerator();
    ToneGenerator b = new ToneGenerator();
    a.next(0, 0);
    b.next(17, 340);
    // The second frame continues the first in both, whatever numbers the clock gave them.
    assertEquals(
        java.util.Arrays.toString(a.next(1, 20).samples()),
        java.util.Arrays.toString(b.next(99, 1_980).samples()));
  }

  @Test
  void levelIsConfigurable() {
    ToneGenerator quiet = new ToneGenerator(440, -30);
    int peak = 0;
    for (short s : quiet.next(0, 0).samples()) peak = Math.max(peak, Math.abs(s));
    assertEquals(Short.MAX_VALUE * Math.pow(10, -30 / 20.0), peak, 2);
    ToneGenerator full = new ToneGenerator(1_000, 0);
    peak = 0;
    for (short s : full.next(0, 0).samples()) peak = Math.max(peak, Math.abs(s));
    assertTrue(peak >= 32_700, "full scale " + peak);
  }

  @Test
  void silenceRampsDownThenIsDigitalAndBackWithoutAClick() {
    ToneGenerator tone = new ToneGenerator();
    short[] all = new short[8 * AudioFrame.SAMPLES];
    int at = 0;
    for (int n = 0; n < 8; n++) {
      if (n == 2) tone.setSilent(true);
      if (n == 5) tone.setSilent(false);
      AudioFrame f = tone.next(n, 20L * n);
      assertEquals(n == 3 || n == 4, f.isSilent(), "frame " + n);
      System.arraycopy(f.samples(), 0, all, at, AudioFrame.SAMPLES);
      at += AudioFrame.SAMPLES;
    }
    assertTrue(tone.next(8, 160).samples().length == AudioFrame.SAMPLES);
    // No step between neighbouring samples larger than the sine itself makes: no click.
    double maxSlope = PEAK * 2 * Math.PI * 440 / 48_000 + PEAK / AudioFrame.SAMPLES_PER_CHANNEL + 2;
    for (int i = 2; i < all.length; i += 2) {
      assertTrue(Math.abs(all[i] - all[i - 2]) <= maxSlope, "step at " + i / 2);
    }
  }

  @Test
  void framesCarryTheirTiming() {
    AudioFrame f = new ToneGenerator().next(7, 1_767_225_600_140L);
    assertEquals(7, f.frameNumber());
    assertEquals(1_767_225_600_140L, f.captureTimeMillis());
    assertEquals(1_767_225_600_140L * 48, f.pts48k());
    assertFalse(f.isSilent());
  }

  @Test
  void refusesImpossibleTones() {
    assertThrows(IllegalArgumentException.class, () -> new ToneGenerator(0, -12));
    assertThrows(IllegalArgumentException.class, () -> new ToneGenerator(24_000, -12));
    assertThrows(IllegalArgumentException.class, () -> new ToneGenerator(440, 1));
    assertThrows(IllegalArgumentException.class, () -> new ToneGenerator().setLevelDbfs(Double.NaN));
  }

  @Test
  void audioFramesAreTwentyMillisecondsOfStereo() {
    assertEquals(960, AudioFrame.SAMPLES_PER_CHANNEL);
    assertEquals(1_920, AudioFrame.SAMPLES);
    short[] samples = new short[AudioFrame.SAMPLES];
    AudioFrame f = new AudioFrame(samples, 100, 5);
    assertSame(samples, f.samples(), "handed off, not copied");
    assertTrue(f.isSilent());
    samples[1_919] = 1;
    assertFalse(f.isSilent());
    assertThrows(IllegalArgumentException.class, () -> new AudioFrame(new short[960], 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AudioFrame(new short[1_920], 0, -1));
  }
}
