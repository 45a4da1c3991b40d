package org.streamstack.media.rtp;

/**
 * NAL unit types that packetization cares about: H.264 table 7-1 and the RTP payload types of
 * RFC 6184 table 1 (24-29), all in the low 5 bits of the NAL unit header.
 *
 * <pre>
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * </pre>
 */
public final class H264NalUnitType {
    public static final int SLICE = 1;
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int ACCESS_UNIT_DELIMITER = 9;
    /** RFC 6184 5.7.1: single-time aggregation packet. */
    public static final int STAP_A = 24;
    public static final int STAP_B = 25;
    public static final int MTAP16 = 26;
    public static final int MTAP24 = 27;
    /** RFC 6184 5.8: fragmentation unit without decoding order number. */
    public static final int FU_A = 28;
    public static final int FU_B = 29;

    private H264NalUnitType() {}

    /** The type field of a NAL unit header byte. */
    public static int of(byte header) {
        return header & 0x1F;
    }
}
