package org.streamstack.media.peer;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.streamstack.media.rtp.H264Packetizer;
import org.streamstack.media.rtp.PacketHistory;
import org.streamstack.media.rtp.RtpPacket;
import org.streamstack.media.rtp.RtpStream;
import org.streamstack.media.rtp.Vp8Packetizer;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;

/**
 * The send side of one video stream, sans-IO: encoded frames become RTP packets (RFC 6184 or RFC
 * 7741 payloads, abs-send-time stamped at send), kept in a history that answers NACKs (RFC 4585
 * 6.2.1). The stream starts on a keyframe: Chromium decodes nothing before one.
 */
public final class VideoSender {

  /** Where packets go: SRTP and the ICE socket, or a test. Returns false when the packet was not sent. */
  public interface PacketSink {
    boolean send(byte[] plainRtp);
  }

  private final VideoCodec codec;
  private final RtpStream stream;
  private final PacketHistory history;
  private final H264Packetizer h264;
  private final Vp8Packetizer vp8;
  private final PacketSink sink;
  private boolean started;
  private long framesSent;
  private long keyframesSent;
  private long framesSkippedBeforeKeyframe;
  private long retransmitted;
  private long retransmitMisses;

  public VideoSender(VideoCodec codec, long ssrc, int payloadType, int absSendTimeId, int historySize,
      RandomGenerator random, PacketSink sink) {
    this.codec = codec;
    this.stream = RtpStream.video(ssrc, payloadType, absSendTimeId, random);
    this.history = new PacketHistory(historySize);
    this.h264 = codec == VideoCodec.H264 ? new H264Packetizer() : null;
    this.vp8 = codec == VideoCodec.VP8 ? new Vp8Packetizer(random.nextInt(1 << 15)) : null;
    this.sink = sink;
  }

  public VideoCodec codec() {
    return codec;
  }

  public RtpStream stream() {
    return stream;
  }

  /** Sends one frame; false when it was skipped because the stream has not had its first keyframe. */
  public boolean send(EncodedFrame frame, long nowNanos) {
    if (!started && !frame.keyframe()) {
      framesSkippedBeforeKeyframe++;
      return false;
    }
    started = true;
    List<byte[]> payloads = h264 != null ? h264.packetize(frame.data()) : vp8.packetize(frame.data());
    for (RtpPacket packet : stream.packetize(payloads, frame.captureTimeMillis() * 1_000_000L)) {
      stream.markSent(packet, nowNanos);
      byte[] bytes = packet.toBytes();
      history.put(bytes);
      sink.send(bytes);
    }
    framesSent++;
    if (frame.keyframe()) keyframesSent++;
    return true;
  }

  /**
   * Sends again, from the history, the packets a NACK names; those no longer kept are counted.
   * They go out byte for byte as first sent, abs-send-time included: SRTP protects a packet of
   * the same SSRC and index with the same nonce, and AES-GCM under a reused nonce must never see a
   * different header or payload (RFC 7714 8.1; RFC 3711 9.1). A receiver's delay estimator skips
   * a packet whose send time is out of order, so the stale time is harmless to it.
   */
  public void retransmit(List<Integer> sequenceNumbers) {
    for (int sequenceNumber : sequenceNumbers) {
      Optional<byte[]> kept = history.get(sequenceNumber);
      if (kept.isEmpty()) {
        retransmitMisses++;
        continue;
      }
      if (sink.send(kept.get())) retransmitted++;
    }
  }

  public boolean started() {
    return started;
  }

  public long framesSent() {
    return framesSent;
  }

  public long keyframesSent() {
    return keyframesSent;
  }

  public long framesSkippedBeforeKeyframe() {
    return framesSkippedBeforeKeyframe;
  }

  public long retransmitted() {
    return retransmitted;
  }

  public long retransmitMisses() {
    return retransmitMisses;
  }
}
