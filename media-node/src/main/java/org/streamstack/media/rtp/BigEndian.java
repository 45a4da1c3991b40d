package org.streamstack.media.rtp;

/** Network byte order reads and writes on plain arrays (RFC 3550 section 3: all fields are big-endian). */
public final class BigEndian {
    private BigEndian() {}

    public static int u8(byte[] buf, int off) {
        return buf[off] & 0xFF;
    }

    public static int u16(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
    }

    public static int u24(byte[] buf, int off) {
        return ((buf[off] & 0xFF) << 16) | ((buf[off + 1] & 0xFF) << 8) | (buf[off + 2] & 0xFF);
    }

    public static long u32(byte[] buf, int off) {
        return ((long) (buf[off] & 0xFF) << 24)
                | ((buf[off + 1] & 0xFF) << 16)
                | ((buf[off + 2] & 0xFF) << 8)
                | (buf[off + 3] & 0xFF);
    }

    public static void put16(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 8);
        buf[off + 1] = (byte) value;
    }

    public static void put24(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 16);
        buf[off + 1] = (byte) (value >>> 8);
        buf[off + 2] = (byte) value;
    }

    public static void put32(byte[] buf, int off, long value) {
        buf[off] = (byte) (value >>> 24);
        buf[off + 1] = (byte) (value >>> 16);
        buf[off + 2] = (byte) (value >>> 8);
        buf[off + 3] = (byte) value;
    }
}
