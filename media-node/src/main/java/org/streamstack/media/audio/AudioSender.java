package org.streamstack.media.audio;

import java.util.List;
import java.util.random.RandomGenerator;
import org.streamstack.media.rtp.RtpPacket;
import org.streamstack.media.rtp.RtpStream;

/**
 * The send side of one Opus stream, sans-IO: encoded frames become RTP packets per RFC 7587.
 *
 * <ul>
 *   <li>4.2: one Opus packet per RTP packet, the payload as the encoder wrote it.</li>
 *   <li>4.1: the timestamp counts a 48 kHz clock whatever rate the encoder runs at: the frame's
 *       {@link EncodedAudio#pts48k()} plus the stream's random offset (RFC 3550 5.1), so
 *       consecutive frames are exactly 960 ticks apart. Sequence numbers count sent packets.</li>
 *   <li>4.1 defers the marker to RFC 3551 4.1: set on the first packet of a talkspurt, the first
 *       after a period in which packets were not sent, else 0. Here: the stream's first packet,
 *       and any packet whose timestamp does not follow the previous sent one by exactly one frame
 *       (silence suppressed, frames lost before the sender, a source that paused). With frames
 *       arriving contiguously the marker stays 0, as 3551 asks of senders without suppression.</li>
 *   <li>DTX, when enabled: the encoder wrapper has none, so the sender does it. After
 *       {@link #DTX_HANGOVER_FRAMES} frames of digital silence have been sent (the decoder has
 *       played out the tail and holds silence), further silent frames are not sent until sound
 *       returns; that packet carries the marker. Chromium's NetEq conceals the gap with silence,
 *       as for Opus's own DTX. Enable it when the answer's fmtp says {@code usedtx=1} (RFC 7587
 *       6.1).</li>
 * </ul>
 *
 * <p>The payload type is whatever the answer negotiated for {@code opus/48000/2}; the SSRC is the
 * audio SSRC of the offer, distinct from video's. abs-send-time is stamped when negotiated.
 * Opus needs no NACK history: Chromium does not ask for audio retransmission, FEC covers loss.
 *
 * <p>Not thread-safe: one peer's send path owns it.
 */
public final class AudioSender {

  /** Where packets go: SRTP and the ICE socket, or a test. Returns false when the packet was not sent. */
  @FunctionalInterface
  public interface PacketSink {
    boolean send(byte[] plainRtp);
  }

  /**
   * Silent frames still sent before DTX stops sending: 200 ms, what libopus's own DTX waits
   * ({@code NB_SPEECH_FRAMES_BEFORE_DTX} of 20 ms frames) before it stops coding.
   */
  public static final int DTX_HANGOVER_FRAMES = 10;

  private final RtpStream stream;
  private final boolean dtx;
  private final PacketSink sink;
  private boolean started;
  private long lastPts48k;
  private int silentRun;
  private long packetsSent;
  private long talkspurts;
  private long suppressed;

  /**
   * @param payloadType the negotiated payload type of {@code opus/48000/2}
   * @param absSendTimeId the negotiated abs-send-time id (1-14), or {@link RtpStream#NO_EXTENSION}
   * @param dtx whether to stop sending during digital silence (see the class comment)
   * @param random a {@code SecureRandom} in production (RFC 3550 5.1), seeded in tests
   */
  public AudioSender(
      long ssrc, int payloadType, int absSendTimeId, boolean dtx, RandomGenerator random, PacketSink sink) {
    this.stream =
        new RtpStream(
            ssrc,
            payloadType,
            RtpStream.OPUS_CLOCK_RATE,
            absSendTimeId,
            random.nextInt(1 << 16),
            random.nextLong() & 0xFFFF_FFFFL);
    this.dtx = dtx;
    this.sink = sink;
  }

  /** The RTP stream: SSRC, counters and the last timestamp pair for sender reports. */
  public RtpStream stream() {
    return stream;
  }

  /**
   * Sends one frame as one packet.
   *
   * @return false when DTX suppressed it
   */
  public boolean send(EncodedAudio audio, long nowNanos) {
    silentRun = audio.silent() ? silentRun + 1 : 0;
    if (dtx && silentRun > DTX_HANGOVER_FRAMES) {
      suppressed++;
      return false;
    }
    boolean contiguous =
        started && audio.pts48k() == lastPts48k + AudioFrame.SAMPLES_PER_CHANNEL;
    boolean talkspurt = !contiguous;
    List<RtpPacket> packets =
        stream.packetize(List.of(audio.data()), nanosOf48k(audio.pts48k()), talkspurt);
    RtpPacket packet = packets.get(0);
    stream.markSent(packet, nowNanos);
    sink.send(packet.toBytes());
    started = true;
    lastPts48k = audio.pts48k();
    packetsSent++;
    if (talkspurt) talkspurts++;
    return true;
  }

  /** Packets sent. */
  public long packetsSent() {
    return packetsSent;
  }

  /** Packets sent with the marker: the first, and each after a gap. */
  public long talkspurts() {
    return talkspurts;
  }

  /** Silent frames DTX did not send. */
  public long suppressed() {
    return suppressed;
  }

  /**
   * The wall-clock instant of a 48 kHz clock position, in nanoseconds since the Unix epoch,
   * rounded down: {@link RtpStream#ticks} of it gives {@code pts48k} back exactly, so the RTP
   * timestamp is the frame's position and the sender report pairs it with its true instant.
   */
  static long nanosOf48k(long pts48k) {
    long seconds = Math.floorDiv(pts48k, AudioFrame.SAMPLE_RATE);
    long rest = Math.floorMod(pts48k, AudioFrame.SAMPLE_RATE);
    return seconds * 1_000_000_000L + rest * 1_000_000_000L / AudioFrame.SAMPLE_RATE;
  }
}
