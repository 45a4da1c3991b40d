package org.streamstack.media.mux;

/**
 * What a datagram on the one WebRTC socket is, told by its first byte (RFC 7983 section 7) and, for
 * RTP/RTCP, by its second byte (RFC 5761 section 4).
 *
 * <pre>
 *                  +----------------+
 *                  |        [0..3] -+--> forward to STUN
 *                  |                |
 *                  |      [16..19] -+--> forward to ZRTP
 *                  |                |
 *      packet -->  |      [20..63] -+--> forward to DTLS
 *                  |                |
 *                  |      [64..79] -+--> forward to TURN Channel
 *                  |                |
 *                  |    [128..191] -+--> forward to RTP/RTCP
 *                  +----------------+
 * </pre>
 */
public enum PacketKind {
    STUN,
    /** Recognised so that it can be dropped on purpose: WebRTC never uses ZRTP. */
    ZRTP,
    DTLS,
    TURN_CHANNEL,
    RTP,
    RTCP,
    /** Empty, or a first byte in none of the RFC 7983 ranges. */
    UNKNOWN;

    /** Classifies {@code len} bytes at {@code off}; never throws for any input within the array. */
    public static PacketKind classify(byte[] buf, int off, int len) {
        if (buf == null || len <= 0 || off < 0 || off + len > buf.length) {
            return UNKNOWN;
        }
        int first = buf[off] & 0xFF;
        if (first <= 3) {
            return STUN;
        }
        if (first >= 16 && first <= 19) {
            return ZRTP;
        }
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 64 && first <= 79) {
            return TURN_CHANNEL;
        }
        if (first >= 128 && first <= 191) {
            // RFC 5761 section 4: with RTP and RTCP on one port, the second byte (marker bit and payload
            // type in RTP, packet type in RTCP) in 192..223 means RTCP; RTP payload types 64..95 are
            // therefore never used. A one-byte datagram has no second byte: call it RTP, the
            // demultiplexer drops it as too short either way.
            if (len >= 2) {
                int second = buf[off + 1] & 0xFF;
                if (second >= 192 && second <= 223) {
                    return RTCP;
                }
            }
            return RTP;
        }
        return UNKNOWN;
    }
}
