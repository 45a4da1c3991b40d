package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * A video codec as offered on the wire: what the media pipeline may send once the answer picks
 * it. {@code fmtp} is the text after {@code a=fmtp:<pt> } (RFC 8866 6.15), empty when the codec
 * has none.
 */
public record VideoCodecChoice(String name, int payloadType, int clockRate, String fmtp) {

  /**
   * H.264 Constrained Baseline level 3.1, non-interleaved mode (RFC 6184 8.1): what Chromium
   * decodes everywhere. SPS and PPS must precede every IDR in-band (PROTOCOL.md 5). Payload type
   * 102 as in the offer Chromium accepted (fixtures/werift-offer-h264.sdp).
   */
  public static final VideoCodecChoice H264 =
      new VideoCodecChoice("H264", 102, 90000, "profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1");

  /** VP8 (RFC 7741 6.1), payload type 96 as in fixtures/werift-offer-vp8.sdp. */
  public static final VideoCodecChoice VP8 = new VideoCodecChoice("VP8", 96, 90000, "");

  public VideoCodecChoice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fmtp, "fmtp");
    if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type out of range: " + payloadType);
    if (clockRate <= 0) throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
  }

  /** Whether this is the codec of that encoding name (case-insensitive, as RFC 8866 6.6 says). */
  public boolean is(String encodingName) {
    return name.equalsIgnoreCase(encodingName);
  }

  public boolean hasFmtp() {
    return !fmtp.isEmpty();
  }

  public RtpMap rtpMap() {
    return new RtpMap(payloadType, name, clockRate, 0);
  }
}
