package org.streamstack.media.rtcp;

/**
 * 64-bit NTP timestamps (RFC 5905 6): unsigned 32.32 fixed-point seconds since 1900-01-01 UTC, as
 * sender reports carry them (RFC 3550 4), held in a Java long.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Seconds                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Fraction                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The seconds wrap in 2036 (era 1); reading follows RFC 4330 3: a set high bit means era 0
 * (1968-2036), a clear one era 1 (2036-2104).
 */
public final class NtpTime {
    /** Seconds from 1900-01-01 to 1970-01-01. */
    public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTime() {}

    public static long fromEpochMillis(long epochMillis) {
        return fromEpochNanos(Math.multiplyExact(epochMillis, 1_000_000L));
    }

    /** The NTP time of a wall-clock instant given in nanoseconds since the Unix epoch. */
    public static long fromEpochNanos(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND) + SECONDS_1900_TO_1970;
        long nanos = Math.floorMod(epochNanos, NANOS_PER_SECOND);
        long fraction = (nanos << 32) / NANOS_PER_SECOND;
        return (seconds << 32) | fraction;
    }

    /** Nanoseconds since the Unix epoch, reading the seconds in era 0 or 1 (RFC 4330 3). */
    public static long toEpochNanos(long ntpTime) {
        long seconds = ntpTime >>> 32;
        if ((seconds & 0x8000_0000L) == 0) {
            seconds += 1L << 32; // era 1: after 2036-02-07
        }
        long fraction = ntpTime & 0xFFFF_FFFFL;
        return (seconds - SECONDS_1900_TO_1970) * NANOS_PER_SECOND + ((fraction * NANOS_PER_SECOND) >>> 32);
    }

    /**
     * The middle 32 bits, 16.16 fixed-point seconds: the "compact" NTP time that receiver reports
     * echo as LSR (RFC 3550 6.4.1).
     */
    public static long middle32(long ntpTime) {
        return (ntpTime >>> 16) & 0xFFFF_FFFFL;
    }

    /** A duration in 1/65536 s, the unit of DLSR (RFC 3550 6.4.1), from nanoseconds. */
    public static long toDelayUnits(long nanos) {
        return (nanos << 16) / NANOS_PER_SECOND;
    }
}
