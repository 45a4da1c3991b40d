package org.streamstack.media.audio;

import java.util.Objects;

/**
 * One Opus packet (RFC 6716 3) holding one 20 ms frame: the payload of one RTP packet (RFC 7587
 * 4.2).
 *
 * @param data the Opus packet, TOC byte first
 * @param captureTimeMillis capture time of the source frame's first sample, ms since the Unix epoch
 * @param pts48k the source frame's position on the 48 kHz clock, {@code captureTimeMillis * 48}:
 *     the RTP timestamp before the stream adds its random offset and keeps the low 32 bits (RFC
 *     7587 4.1, RFC 3550 5.1)
 * @param frameNumber frame number of the source frame
 * @param silent the source frame was digital silence; a sender may stop sending (DTX)
 */
public record EncodedAudio(
    byte[] data, long captureTimeMillis, long pts48k, long frameNumber, boolean silent) {

  public EncodedAudio {
    Objects.requireNonNull(data, "data");
    if (data.length == 0) throw new IllegalArgumentException("an Opus packet has at least a TOC byte");
  }

  public int size() {
    return data.length;
  }

  @Override
  public String toString() {
    return "EncodedAudio[#" + frameNumber + " " + data.length + " bytes @" + captureTimeMillis
        + (silent ? " silent" : "") + "]";
  }
}
