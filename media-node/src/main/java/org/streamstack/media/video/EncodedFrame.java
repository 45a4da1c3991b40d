package org.streamstack.media.video;

import java.util.Objects;

/**
 * One compressed picture, ready for an RTP packetizer.
 *
 * @param codec what {@code data} is
 * @param data H.264: an Annex-B byte stream of the access unit (start codes, SPS and PPS before
 *     each IDR); VP8: one VP8 frame as libvpx wrote it
 * @param keyframe H.264 IDR or VP8 key frame: decodable without earlier frames
 * @param captureTimeMillis capture time of the source frame, milliseconds since the Unix epoch
 * @param frameNumber frame number of the source frame
 * @param pts90k presentation time on the 90 kHz RTP clock: {@code captureTimeMillis * 90}; the
 *     packetizer adds its random offset and keeps the low 32 bits (RFC 3550 section 5.1)
 */
public record EncodedFrame(
    VideoCodec codec,
    byte[] data,
    boolean keyframe,
    long captureTimeMillis,
    long frameNumber,
    long pts90k) {

  public EncodedFrame {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(data, "data");
  }

  /** The 90 kHz timestamp of a capture time in milliseconds. */
  public static long pts90kOf(long captureTimeMillis) {
    return captureTimeMillis * (VideoCodec.RTP_CLOCK_RATE / 1000);
  }

  public int size() {
    return data.length;
  }

  @Override
  public String toString() {
    return "EncodedFrame["
        + codec
        + " #"
        + frameNumber
        + (keyframe ? " key" : "")
        + " "
        + data.length
        + " bytes @"
        + captureTimeMillis
        + "]";
  }
}
