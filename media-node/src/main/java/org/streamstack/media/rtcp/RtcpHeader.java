package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * The header common to every RTCP packet, RFC 3550 6.4.1 (the count field is FMT in the feedback
 * messages of RFC 4585 6.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  RC/FMT |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param padding    P: the packet ends with padding whose last octet counts it
 * @param count      RC, SC or FMT, 0-31
 * @param packetType PT, 0-255
 * @param length     the length field: the packet's size in 32-bit words minus one
 */
public record RtcpHeader(boolean padding, int count, int packetType, int length) {
    public static final int SIZE = 4;
    public static final int VERSION = 2;

    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** RFC 4585 6.1: transport layer feedback. */
    public static final int RTPFB = 205;
    /** RFC 4585 6.1: payload-specific feedback. */
    public static final int PSFB = 206;

    public RtcpHeader {
        if (count < 0 || count > 31) {
            throw new IllegalArgumentException("count must be 0-31: " + count);
        }
        if (packetType < 0 || packetType > 255) {
            throw new IllegalArgumentException("packet type must be 0-255: " + packetType);
        }
        if (length < 0 || length > 0xFFFF) {
            throw new IllegalArgumentException("length must be 0-65535: " + length);
        }
    }

    /**
     * The header at {@code off}, checked against the bytes available.
     *
     * @throws MalformedPacketException if fewer than 4 bytes, version is not 2, or the length field
     *     runs past {@code len}
     */
    public static RtcpHeader parse(byte[] buf, int off, int len) throws MalformedPacketException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < SIZE) {
            throw new MalformedPacketException("RTCP packet of " + len + " bytes is shorter than its header");
        }
        int b0 = buf[off] & 0xFF;
        if (b0 >>> 6 != VERSION) {
            throw new MalformedPacketException("RTCP version " + (b0 >>> 6) + ", expected 2");
        }
        RtcpHeader header = new RtcpHeader((b0 & 0x20) != 0, b0 & 0x1F, buf[off + 1] & 0xFF, BigEndian.u16(buf, off + 2));
        if (header.packetSize() > len) {
            throw new MalformedPacketException("RTCP length field says " + header.packetSize() + " bytes, " + len + " remain");
        }
        return header;
    }

    /** Bytes of the whole packet, header and padding included. */
    public int packetSize() {
        return (length + 1) * 4;
    }

    /**
     * Bytes of the packet without its padding (RFC 3550 6.4.1: the last octet of the padding
     * counts the padding octets, itself included).
     */
    public int unpaddedSize(byte[] buf, int off) throws MalformedPacketException {
        if (!padding) {
            return packetSize();
        }
        int count = buf[off + packetSize() - 1] & 0xFF;
        if (count == 0 || count > packetSize() - SIZE) {
            throw new MalformedPacketException("RTCP padding count " + count + " in a " + packetSize() + "-byte packet");
        }
        return packetSize() - count;
    }

    public int writeTo(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, SIZE, buf.length);
        buf[off] = (byte) ((VERSION << 6) | (padding ? 0x20 : 0) | count);
        buf[off + 1] = (byte) packetType;
        BigEndian.put16(buf, off + 2, length);
        return SIZE;
    }

    /** Writes the header of an unpadded packet of {@code packetSize} bytes (a multiple of 4). */
    static void write(byte[] buf, int off, int count, int packetType, int packetSize) {
        new RtcpHeader(false, count, packetType, packetSize / 4 - 1).writeTo(buf, off);
    }

    /**
     * Parses the header of the packet at {@code off} and checks its type (and FMT, when not -1).
     *
     * @return the header; its {@link #unpaddedSize} is where the packet's content ends
     */
    static RtcpHeader expect(byte[] buf, int off, int len, int packetType, int fmt, String name)
            throws MalformedPacketException {
        RtcpHeader header = parse(buf, off, len);
        if (header.packetType != packetType || (fmt >= 0 && header.count != fmt)) {
            throw new MalformedPacketException("not a " + name + ": PT " + header.packetType + " FMT/RC " + header.count);
        }
        return header;
    }
}
