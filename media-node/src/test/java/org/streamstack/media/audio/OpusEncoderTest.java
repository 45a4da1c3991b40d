package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpusEncoderTest {

  private static final long T0 = 1_767_225_600_000L;
  /** -12 dBFS peak: RMS of a sine is peak / sqrt 2. */
  private static final double TONE_RMS = Math.pow(10, -12 / 20.0) / Math.sqrt(2);

  private static List<EncodedAudio> encode(OpusEncoder encoder, ToneGenerator tone, int first, int count) {
    List<EncodedAudio> out = new ArrayList<>();
    for (int n = first; n < first + count; n++) {
      out.add(encoder.encode(tone.next(n, T0 + 20L * n)));
    }
    return out;
  }

  private static OpusTestDecoder decodeAll(List<EncodedAudio> packets) {
    OpusTestDecoder decoder = new OpusTestDecoder();
    for (EncodedAudio p : packets) {
      assertEquals(AudioFrame.SAMPLES_PER_CHANNEL, decoder.decode(p.data()), "20 ms per packet");
    }
    return decoder;
  }

  @Test
  void fiftyToneFramesDecodeBackTo440Hz() {
    List<EncodedAudio> packets;
    try (OpusEncoder encoder = new OpusEncoder()) {
      packets = encode(encoder, new ToneGenerator(), 0, 50);
    }
    try (OpusTestDecoder decoder = decodeAll(packets)) {
      assertEquals("opus", decoder.name(), "FFmpeg's own decoder, not libopus again");
      float[] left = decoder.left();
      float[] right = decoder.right();
      assertEquals(50 * 960, left.length);
      // Skip the first 100 ms: the encoder's look-ahead and the decoder's start-up.
      int from = 4_800;
      int to = left.length;
      int peak = OpusTestDecoder.dominantFrequency(left, from, to, 50, 4_000);
      assertTrue(Math.abs(peak - 440) <= 5, "dominant frequency " + peak + " Hz");
      assertTrue(Math.abs(OpusTestDecoder.dominantFrequency(right, from, to, 50, 4_000) - 440) <= 5);
      double rms = OpusTestDecoder.rms(left, from, to);
      double db = 20 * Math.log10(rms / TONE_RMS);
      assertTrue(Math.abs(db) < 1.5, "level off by " + db + " dB (rms " + rms + ")");
    }
  }

  @Test
  void packetsAreStereoTwentyMillisecondFramesWithTheFramesTiming() {
    try (OpusEncoder encoder = new OpusEncoder()) {
      ToneGenerator tone = new ToneGenerator();
      for (int n = 0; n < 10; n++) {
        AudioFrame frame = tone.next(n, T0 + 20L * n);
        EncodedAudio out = encoder.encode(frame);
        assertEquals(T0 + 20L * n, out.captureTimeMillis());
        assertEquals((T0 + 20L * n) * 48, out.pts48k());
        assertEquals(n, out.frameNumber());
        assertFalse(out.silent());
        // RFC 6716 3.1, the TOC byte: config (5 bits), stereo flag, frame count code 0 = one frame.
        int toc = out.data()[0] & 0xFF;
        assertEquals(1, (toc >> 2) & 1, "stereo");
        assertEquals(0, toc & 3, "one frame per packet");
        assertEquals(20.0, frameMillis(toc >> 3), "config " + (toc >> 3));
      }
    }
  }

  @Test
  void silenceEncodesSmall() {
    try (OpusEncoder encoder = new OpusEncoder()) {
      ToneGenerator tone = new ToneGenerator();
      tone.setSilent(true);
      tone.next(0, 0); // the generator starts at full level and ramps down over one frame
      int total = 0;
      for (int n = 1; n <= 50; n++) {
        EncodedAudio out = encoder.encode(tone.next(n, T0 + 20L * n));
        assertTrue(out.silent(), "digital silence is flagged");
        if (n > 5) assertTrue(out.size() <= 4, "silent packet of " + out.size() + " bytes");
        total += out.size();
      }
      List<EncodedAudio> loud = encode(encoder, new ToneGenerator(), 51, 50);
      int loudTotal = loud.stream().mapToInt(EncodedAudio::size).sum();
      assertTrue(total * 20 < loudTotal, "silence " + total + " bytes, tone " + loudTotal);
    }
  }

  @Test
  void expectedLossSwitchesInBandFecOn() {
    try (OpusEncoder encoder = new OpusEncoder()) {
      assertEquals(0, encoder.expectedPacketLoss(), "no redundancy until loss is reported");
      AudioFrame silence = AudioFrame.silence(T0, 0);
      for (int n = 0; n < 5; n++) encoder.encode(silence);
      EncodedAudio celt = encoder.encode(silence);
      assertTrue((celt.data()[0] & 0xFF) >> 3 >= 16, "CELT without expected loss");
      encoder.setExpectedPacketLoss(10);
      for (int n = 0; n < 5; n++) encoder.encode(silence);
      EncodedAudio lbrr = encoder.encode(silence);
      // libopus carries LBRR in SILK: with loss expected, voip silence moves there (RFC 6716
      // 3.1: configs 0-11 SILK, 12-15 hybrid) and grows by the redundancy.
      assertTrue((lbrr.data()[0] & 0xFF) >> 3 < 16, "SILK or hybrid, config " + ((lbrr.data()[0] & 0xFF) >> 3));
      assertTrue(lbrr.size() > 4 * celt.size(), celt.size() + " -> " + lbrr.size() + " bytes");
      assertEquals(1, encoder.reopens());
      assertThrows(IllegalArgumentException.class, () -> encoder.setExpectedPacketLoss(101));
    }
  }

  @Test
  void defaultBitrateIs64kbps() {
    try (OpusEncoder encoder = new OpusEncoder()) {
      assertEquals(64_000, encoder.targetBitrate());
      assertEquals(64_000, encoder.appliedBitrate());
      assertEquals("libopus", encoder.implementationName());
      // Constrained VBR on a steady tone: close to 64 kb/s, 160 bytes per 20 ms.
      List<EncodedAudio> packets = encode(encoder, new ToneGenerator(), 0, 50);
      double bytesPerPacket = packets.stream().skip(10).mapToInt(EncodedAudio::size).average().orElseThrow();
      assertTrue(bytesPerPacket > 100 && bytesPerPacket < 200, bytesPerPacket + " bytes per packet");
    }
  }

  @Test
  void bitrateChangesAtRunTimeWithoutAGapInTheSound() {
    List<EncodedAudio> packets;
    long reopens;
    try (OpusEncoder encoder = new OpusEncoder()) {
      ToneGenerator tone = new ToneGenerator();
      packets = encode(encoder, tone, 0, 50);
      encoder.setTargetBitrate(16_000);
      assertEquals(16_000, encoder.targetBitrate());
      assertEquals(64_000, encoder.appliedBitrate(), "applies at the next frame");
      packets.addAll(encode(encoder, tone, 50, 50));
      assertEquals(16_000, encoder.appliedBitrate());
      reopens = encoder.reopens();
    }
    assertEquals(1, reopens);
    double before = packets.subList(10, 50).stream().mapToInt(EncodedAudio::size).average().orElseThrow();
    double after = packets.subList(60, 100).stream().mapToInt(EncodedAudio::size).average().orElseThrow();
    assertTrue(after < before / 2.5, before + " -> " + after + " bytes per packet");
    try (OpusTestDecoder decoder = decodeAll(packets)) {
      float[] left = decoder.left();
      int switchAt = 50 * 960;
      // No dropout around the switch: every 2.5 ms window keeps most of the tone's level.
      for (int w = switchAt - 960; w < switchAt + 2 * 960; w += 120) {
        double rms = OpusTestDecoder.rms(left, w, w + 120);
        assertTrue(rms > TONE_RMS * 0.5, "window at " + w + ": rms " + rms);
      }
      int peak = OpusTestDecoder.dominantFrequency(left, switchAt + 4_800, left.length, 50, 4_000);
      assertTrue(Math.abs(peak - 440) <= 5, "after the switch " + peak + " Hz");
    }
  }

  @Test
  void refusesBitratesOutsideOpusRange() {
    assertThrows(IllegalArgumentException.class, () -> new OpusEncoder(5_999));
    try (OpusEncoder encoder = new OpusEncoder()) {
      assertThrows(IllegalArgumentException.class, () -> encoder.setTargetBitrate(510_001));
      assertEquals(64_000, encoder.targetBitrate());
    }
  }

  @Test
  void closeFreesNativeMemoryAndIsFinal() {
    OpusEncoder encoder = new OpusEncoder();
    assertTrue(encoder.holdsNativeMemory());
    encoder.close();
    encoder.close();
    assertFalse(encoder.holdsNativeMemory());
    assertTrue(encoder.isClosed());
    assertThrows(IllegalStateException.class, () -> encoder.encode(AudioFrame.silence(0, 0)));
    assertThrows(IllegalStateException.class, () -> encoder.setTargetBitrate(32_000));
  }

  /** Frame duration of an Opus TOC config, RFC 6716 3.1 table 2. */
  private static double frameMillis(int config) {
    if (config < 12) return new double[] {10, 20, 40, 60}[config % 4];
    if (config < 16) return new double[] {10, 20}[config % 2];
    return new double[] {2.5, 5, 10, 20}[config % 4];
  }
}
