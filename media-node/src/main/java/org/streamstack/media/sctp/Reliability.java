package org.streamstack.media.sctp;

/**
 * How hard to try delivering one message: PR-SCTP (RFC 3758) abandons it after
 * {@code maxRetransmissions} retransmissions or once {@code lifetimeMillis} have passed since it was
 * queued, and moves the peer past it with FORWARD TSN. These are RFC 8831 6.1's "limited number of
 * retransmissions" and "limited lifetime" policies.
 *
 * <p>Without FORWARD-TSN support at the peer every message is reliable.
 */
public record Reliability(int maxRetransmissions, long lifetimeMillis) {
    public static final Reliability RELIABLE = new Reliability(Integer.MAX_VALUE, Long.MAX_VALUE);

    public Reliability {
        if (maxRetransmissions < 0 || lifetimeMillis < 0) {
            throw new IllegalArgumentException("retransmissions and lifetime must not be negative");
        }
    }

    public static Reliability maxRetransmissions(int count) {
        return new Reliability(count, Long.MAX_VALUE);
    }

    public static Reliability lifetime(long millis) {
        return new Reliability(Integer.MAX_VALUE, millis);
    }

    public boolean reliable() {
        return maxRetransmissions == Integer.MAX_VALUE && lifetimeMillis == Long.MAX_VALUE;
    }
}
