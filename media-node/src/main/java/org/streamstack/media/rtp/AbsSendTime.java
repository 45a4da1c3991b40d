package org.streamstack.media.rtp;

/**
 * The abs-send-time RTP header extension
 * (<a href="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time">webrtc.org experiment</a>):
 * the send time as 24-bit unsigned 6.18 fixed-point seconds, wrapping every 64 s.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | len=2 |              absolute send time               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The receiver's bandwidth estimator (the one behind REMB) only uses differences between
 * packets, so any clock serves; the spec derives it from NTP time, whose 6.18 window is bits 14-37
 * of the 64-bit NTP value. It must be the moment the packet leaves, hence
 * {@link RtpStream#stampAbsSendTime}.
 */
public final class AbsSendTime {
    public static final String URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Data bytes of the element. */
    public static final int SIZE = 3;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int MASK = 0xFF_FFFF;

    private AbsSendTime() {}

    /** The 6.18 value of a 64-bit NTP time (32.32 fixed point): 6 low bits of seconds, 18 high bits of fraction. */
    public static int fromNtp(long ntpTime) {
        return (int) ((ntpTime >>> 14) & MASK);
    }

    /** The 6.18 value of a time in nanoseconds on any clock, rounded to the nearest 1/2^18 s. */
    public static int fromNanos(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long rest = Math.floorMod(nanos, NANOS_PER_SECOND);
        long fraction = ((rest << 18) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND; // may round up to 2^18: carries
        return (int) (((seconds << 18) + fraction) & MASK);
    }

    /** Nanoseconds within the 64-second window that the 6.18 value names. */
    public static long toNanos(int value) {
        return ((value & MASK) * NANOS_PER_SECOND) >>> 18;
    }

    /** The 3 data bytes of the extension element, big-endian. */
    public static byte[] encode(int value) {
        byte[] data = new byte[SIZE];
        BigEndian.put24(data, 0, value & MASK);
        return data;
    }

    /** The value in an element's data. */
    public static int decode(byte[] data) throws MalformedPacketException {
        if (data.length != SIZE) {
            throw new MalformedPacketException("abs-send-time data is " + data.length + " bytes, expected 3");
        }
        return BigEndian.u24(data, 0);
    }

    /** The value carried by {@code packet} under the negotiated {@code id}, or -1 if absent. */
    public static int read(RtpPacket packet, int id) throws MalformedPacketException {
        var data = packet.extension(id);
        return data.isPresent() ? decode(data.get()) : -1;
    }

    /** Sets the element {@code id} of {@code packet} to {@code value}. */
    public static void write(RtpPacket packet, int id, int value) {
        packet.setExtension(id, encode(value));
    }
}
