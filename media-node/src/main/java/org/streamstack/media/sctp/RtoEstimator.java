package org.streamstack.media.sctp;

/**
 * Retransmission timeout, RFC 9260 6.3.1: smoothed RTT and its variance from RTT samples taken on
 * chunks sent once (Karn's rule, C5), clamped to [RTO.min, RTO.max].
 */
final class RtoEstimator {
    /** 6.3.1: RTO.Alpha 1/8, RTO.Beta 1/4. */
    private static final double ALPHA = 0.125;
    private static final double BETA = 0.25;
    /** Clock granularity G (6.3.1 C3): our clock counts milliseconds. */
    private static final double GRANULARITY = 1.0;

    private final long min;
    private final long max;
    private final long backoffCap;
    private double srtt;
    private double rttvar;
    private boolean measured;
    private long rto;

    RtoEstimator(SctpSettings settings) {
        this.min = settings.rtoMinMillis();
        this.max = settings.rtoMaxMillis();
        this.backoffCap = settings.maxTimerBackoffMillis();
        this.rto = settings.rtoInitialMillis();
    }

    /** One RTT measurement, milliseconds (6.3.1 C2, C3). */
    void observe(long rttMillis) {
        double r = Math.max(0, rttMillis);
        if (!measured) {
            srtt = r;
            rttvar = r / 2;
            measured = true;
        } else {
            rttvar = (1 - BETA) * rttvar + BETA * Math.abs(srtt - r);
            srtt = (1 - ALPHA) * srtt + ALPHA * r;
        }
        long computed = (long) Math.ceil(srtt + Math.max(GRANULARITY, 4 * rttvar));
        rto = Math.max(min, Math.min(max, computed));
    }

    long rto() {
        return rto;
    }

    boolean measured() {
        return measured;
    }

    /** Smoothed RTT in milliseconds; meaningful once {@link #measured()}. */
    double srtt() {
        return srtt;
    }

    /**
     * The timer duration after {@code expiries} consecutive timeouts: RTO doubled each time (6.3.3
     * E2), no more than RTO.max nor, unless RTO itself is larger, the backoff cap.
     */
    long backedOff(int expiries) {
        long cap = Math.min(max, Math.max(rto, backoffCap));
        long value = rto;
        for (int i = 0; i < expiries && value < cap; i++) {
            value *= 2;
        }
        return Math.min(value, cap);
    }
}
