package org.streamstack.media.sctp;

/**
 * Serial number arithmetic (RFC 1982) for 32-bit TSNs and 16-bit SSNs. Inside the association TSNs
 * are unwrapped into longs that only grow, so that ordinary comparisons and sorted maps work.
 */
final class SerialNumbers {
    private SerialNumbers() {}

    /** The unwrapped value of {@code tsn} closest to {@code reference} (within 2^31 of it). */
    static long unwrap(int tsn, long reference) {
        return reference + (int) (tsn - (int) reference);
    }

    /** The first unwrapped TSN of an association: comfortably above zero so unwrapping never goes negative. */
    static long initial(int tsn) {
        return (1L << 32) + Integer.toUnsignedLong(tsn);
    }

    /** {@code a - b} in 16-bit serial arithmetic: negative if {@code a} is before {@code b}. */
    static int ssnDistance(int a, int b) {
        return (short) (a - b);
    }
}
