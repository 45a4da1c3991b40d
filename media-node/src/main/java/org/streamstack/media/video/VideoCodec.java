package org.streamstack.media.video;

/** Video codecs the media node sends to browsers. Both use the 90 kHz RTP clock (RFC 6184, RFC 7741). */
public enum VideoCodec {
  /** H.264 constrained baseline, Annex-B byte stream (RFC 6184 packetization). */
  H264("H264"),
  /** VP8 frames as produced by libvpx (RFC 7741 packetization). */
  VP8("VP8");

  /** RTP clock rate of video payloads, RFC 6184 section 8.2.1 and RFC 7741 section 6.1. */
  public static final int RTP_CLOCK_RATE = 90_000;

  private final String sdpName;

  VideoCodec(String sdpName) {
    this.sdpName = sdpName;
  }

  /** Encoding name in SDP {@code a=rtpmap} lines. */
  public String sdpName() {
    return sdpName;
  }

  /** Parses {@code h264}, {@code H264} or {@code vp8}, case-insensitive. */
  public static VideoCodec parse(String name) {
    for (VideoCodec c : values()) {
      if (c.name().equalsIgnoreCase(name.trim())) return c;
    }
    throw new IllegalArgumentException("unknown video codec: " + name);
  }
}
