package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.streamstack.media.rtp.AbsSendTime;
import org.streamstack.media.rtp.RtpPacket;
import org.streamstack.media.rtp.RtpStream;

class AudioSenderTest {

  private static final long SSRC = 0x1234_5678L;
  private static final int PT = 111;
  private static final long T0 = 1_767_225_600_000L;
  private static final long NOW = 1_767_225_600_050_000_000L;

  private final List<byte[]> wire = new ArrayList<>();

  private AudioSender sender(boolean dtx, int absSendTimeId) {
    return new AudioSender(SSRC, PT, absSendTimeId, dtx, new SplittableRandom(7), bytes -> wire.add(bytes));
  }

  private static EncodedAudio frame(long n, boolean silent) {
    long capture = T0 + 20 * n;
    byte[] opus = silent ? new byte[] {(byte) 0xFC, (byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFC, 1, 2, 3, (byte) n};
    return new EncodedAudio(opus, capture, AudioFrame.pts48kOf(capture), n, silent);
  }

  private List<RtpPacket> packets() throws Exception {
    List<RtpPacket> out = new ArrayList<>();
    for (byte[] b : wire) out.add(RtpPacket.parse(b, 0, b.length));
    return out;
  }

  @Test
  void onePacketPerFrameNineHundredSixtyTicksApart() throws Exception {
    AudioSender sender = sender(false, RtpStream.NO_EXTENSION);
    for (int n = 0; n < 5; n++) assertTrue(sender.send(frame(n, false), NOW));
    List<RtpPacket> packets = packets();
    assertEquals(5, packets.size());
    RtpStream stream = sender.stream();
    assertEquals(48_000, stream.clockRate());
    for (int i = 0; i < 5; i++) {
      RtpPacket p = packets.get(i);
      assertEquals(PT, p.payloadType());
      assertEquals(SSRC, p.ssrc());
      assertEquals(i == 0, p.marker(), "marker only on the first packet, " + i);
      assertArrayEquals(frame(i, false).data(), p.payload(), "one Opus packet per RTP packet");
      assertTrue(p.extensions().isEmpty());
      if (i > 0) {
        assertEquals(960, (p.timestamp() - packets.get(i - 1).timestamp()) & 0xFFFF_FFFFL);
        assertEquals((packets.get(i - 1).sequenceNumber() + 1) & 0xFFFF, p.sequenceNumber());
      }
    }
    // The timestamp is the frame's position on the 48 kHz clock plus the stream's random offset.
    assertEquals(
        (stream.timestampOffset() + AudioFrame.pts48kOf(T0)) & 0xFFFF_FFFFL, packets.get(0).timestamp());
    // Sender reports pair the last timestamp with its wall-clock instant.
    assertEquals(stream.lastRtpTimestamp(), stream.rtpTimestamp(stream.lastCaptureNanos()));
    assertEquals((T0 + 80) * 1_000_000L, stream.lastCaptureNanos());
    assertEquals(5, stream.packetsSent());
    assertEquals(5 * 5, stream.octetsSent());
    assertEquals(1, sender.talkspurts());
  }

  @Test
  void aGapInTheTimelineStartsATalkspurt() throws Exception {
    AudioSender sender = sender(false, RtpStream.NO_EXTENSION);
    sender.send(frame(0, false), NOW);
    sender.send(frame(1, false), NOW);
    sender.send(frame(4, false), NOW); // 2 and 3 were lost before the sender
    sender.send(frame(5, false), NOW);
    List<RtpPacket> packets = packets();
    assertEquals(List.of(true, false, true, false), packets.stream().map(RtpPacket::marker).toList());
    assertEquals(3 * 960, (packets.get(2).timestamp() - packets.get(1).timestamp()) & 0xFFFF_FFFFL);
    assertEquals((packets.get(1).sequenceNumber() + 1) & 0xFFFF, packets.get(2).sequenceNumber());
    assertEquals(2, sender.talkspurts());
  }

  @Test
  void withoutDtxSilenceIsSentLikeSound() throws Exception {
    AudioSender sender = sender(false, RtpStream.NO_EXTENSION);
    for (int n = 0; n < 30; n++) assertTrue(sender.send(frame(n, n >= 3 && n < 25), NOW));
    assertEquals(30, wire.size());
    assertEquals(0, sender.suppressed());
    assertEquals(1, packets().stream().filter(RtpPacket::marker).count());
  }

  @Test
  void dtxStopsSendingAfterTheHangoverAndMarksTheReturn() throws Exception {
    AudioSender sender = sender(true, RtpStream.NO_EXTENSION);
    int sent = 0;
    for (int n = 0; n < 30; n++) {
      boolean silent = n >= 3 && n < 25; // 22 silent frames
      if (sender.send(frame(n, silent), NOW)) sent++;
    }
    // 3 loud, 10 silent (hangover), 12 suppressed, 5 loud.
    assertEquals(3 + AudioSender.DTX_HANGOVER_FRAMES + 5, sent);
    assertEquals(12, sender.suppressed());
    List<RtpPacket> packets = packets();
    RtpPacket lastSilent = packets.get(2 + AudioSender.DTX_HANGOVER_FRAMES);
    RtpPacket back = packets.get(3 + AudioSender.DTX_HANGOVER_FRAMES);
    assertFalse(lastSilent.marker());
    assertTrue(back.marker(), "first packet after the silence period");
    assertEquals(13 * 960, (back.timestamp() - lastSilent.timestamp()) & 0xFFFF_FFFFL);
    assertEquals((lastSilent.sequenceNumber() + 1) & 0xFFFF, back.sequenceNumber(), "no sequence gap");
    assertEquals(2, packets.stream().filter(RtpPacket::marker).count());
  }

  @Test
  void stampsAbsSendTimeWhenNegotiated() throws Exception {
    AudioSender sender = sender(false, 3);
    sender.send(frame(0, false), NOW);
    RtpPacket p = packets().get(0);
    assertEquals(AbsSendTime.fromNanos(NOW), AbsSendTime.read(p, 3));
  }

  @Test
  void sampleClockPositionsMapToInstantsAndBack() {
    for (long pts : new long[] {0, 1, 47, 959, 960, 48_000, AudioFrame.pts48kOf(T0) + 7, -1, -48_001}) {
      long nanos = AudioSender.nanosOf48k(pts);
      assertEquals(pts, RtpStream.ticks(nanos, 48_000), "pts " + pts);
    }
  }

  @Test
  void encodedToneSurvivesThePacketsIntoADecoder() throws Exception {
    AudioSender sender = sender(false, RtpStream.NO_EXTENSION);
    ToneGenerator tone = new ToneGenerator();
    try (OpusEncoder encoder = new OpusEncoder()) {
      for (int n = 0; n < 25; n++) sender.send(encoder.encode(tone.next(n, T0 + 20 * n)), NOW);
    }
    try (OpusTestDecoder decoder = new OpusTestDecoder()) {
      for (RtpPacket p : packets()) decoder.decode(p.payload());
      float[] left = decoder.left();
      int peak = OpusTestDecoder.dominantFrequency(left, 4_800, left.length, 50, 4_000);
      assertTrue(Math.abs(peak - 440) <= 5, peak + " Hz");
    }
  }
}
