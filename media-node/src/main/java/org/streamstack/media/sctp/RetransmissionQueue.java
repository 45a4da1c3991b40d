package org.streamstack.media.sctp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sender's side of data transfer: DATA chunks given a TSN and not yet covered by the peer's
 * cumulative ack, SACK processing (RFC 9260 6.2.1), congestion control (7.2: slow start, congestion
 * avoidance, fast retransmit and fast recovery), what T3-rtx expiry marks (6.3.3), and PR-SCTP
 * abandonment with its Advanced.Peer.Ack.Point (RFC 3758 3.5).
 *
 * <p>Sizes are payload bytes throughout, for the congestion window, the flight size and the
 * peer's receive window alike.
 */
final class RetransmissionQueue {

    /** One DATA chunk between its first transmission and the peer's cumulative ack. */
    static final class Outstanding {
        final long tsn;
        final DataChunk chunk;
        final SendQueue.Message message;
        int transmissions = 1;
        long sentAt;
        /** Covered by a gap ack block (may still be reneged, 6.2.1). */
        boolean acked;
        /** Counted in the flight size. */
        boolean inFlight = true;
        /** Marked for retransmission (T3, fast retransmit, tail-loss probe). */
        boolean retransmit;
        boolean fastRetransmitted;
        int missingReports;
        boolean abandoned;

        Outstanding(long tsn, DataChunk chunk, SendQueue.Message message, long sentAt) {
            this.tsn = tsn;
            this.chunk = chunk;
            this.message = message;
            this.sentAt = sentAt;
        }

        int size() {
            return chunk.payload().length;
        }
    }

    /** What a SACK changed, for the association's timers and counters. */
    record SackOutcome(boolean accepted, boolean cumulativeAdvanced, boolean newlyAcked, int fastRetransmits) {
        static final SackOutcome IGNORED = new SackOutcome(false, false, false, 0);
    }

    private final int mtu;
    private final boolean partialReliability;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    private long nextTsn;
    private long cumulativeAck;
    private long advancedPeerAckPoint;
    private long lastForwardTsnSent;
    private boolean forwardTsnDue;
    private int flightSize;
    private long outstandingBytes;
    private int cwnd;
    private int ssthresh;
    private int partialBytesAcked;
    private long peerRwnd;
    private long peerAdvertisedRwnd;
    private boolean fastRecovery;
    private long fastRecoveryExit;
    private int marked;
    private long abandonedMessages;
    private boolean sentData;
    private long lastDataSentAt;

    RetransmissionQueue(int localInitialTsn, int peerReceiverWindow, int mtu, boolean partialReliability) {
        this.mtu = mtu;
        this.partialReliability = partialReliability;
        this.nextTsn = SerialNumbers.initial(localInitialTsn);
        this.cumulativeAck = nextTsn - 1;
        this.advancedPeerAckPoint = cumulativeAck;
        this.lastForwardTsnSent = cumulativeAck;
        // 7.2.1: initial cwnd = min(4 * MTU, max(2 * MTU, 4380)); ssthresh = the peer's a_rwnd.
        this.cwnd = Math.min(4 * mtu, Math.max(2 * mtu, 4380));
        this.peerAdvertisedRwnd = Integer.toUnsignedLong(peerReceiverWindow);
        this.ssthresh = (int) Math.min(Integer.MAX_VALUE, peerAdvertisedRwnd);
        this.peerRwnd = peerAdvertisedRwnd;
    }

    // ---- sending ----------------------------------------------------------------------------

    /** 6.1 B: new data while the flight is below cwnd (one chunk may overshoot it). */
    boolean cwndAllows() {
        return flightSize < cwnd;
    }

    /** 6.1 A: new data only into the peer's window, except one chunk when nothing is in flight (zero window probe). */
    boolean rwndAllows(int size) {
        return peerRwnd >= size || flightSize == 0;
    }

    /** Gives a fragment its TSN and puts it in flight. */
    DataChunk send(SendQueue.Fragment f, long now) {
        long tsn = nextTsn++;
        DataChunk chunk = new DataChunk((int) tsn, f.message().streamId, f.ssn(), f.message().ppid,
                f.message().unordered, f.beginning(), f.ending(), false, f.payload());
        Outstanding o = new Outstanding(tsn, chunk, f.message(), now);
        outstanding.add(o);
        flightSize += o.size();
        outstandingBytes += o.size();
        peerRwnd = Math.max(0, peerRwnd - o.size());
        sentData = true;
        lastDataSentAt = now;
        return chunk;
    }

    boolean hasMarked() {
        return marked > 0;
    }

    /** The lowest-TSN chunk marked for retransmission, or null. */
    Outstanding firstMarked() {
        if (marked == 0) {
            return null;
        }
        for (Outstanding o : outstanding) {
            if (o.retransmit) {
                return o;
            }
        }
        return null;
    }

    /** Sends a marked chunk again: back in flight, one more transmission (no RTT sample from it). */
    DataChunk retransmit(Outstanding o, long now) {
        unmark(o);
        o.transmissions++;
        o.sentAt = now;
        if (!o.inFlight) {
            o.inFlight = true;
            flightSize += o.size();
        }
        lastDataSentAt = now;
        return o.chunk;
    }

    // ---- acknowledgement ---------------------------------------------------------------------

    /**
     * Processes a SACK (6.2.1, 7.2.1-7.2.4). Returns what changed; RTT samples go to {@code rto}.
     */
    SackOutcome onSack(SackChunk sack, long now, RtoEstimator rto) {
        long cum = SerialNumbers.unwrap(sack.cumulativeTsnAck(), cumulativeAck);
        // 6.2.1 D i: a cumulative ack behind ours is old news (reordered SACK); one beyond what we
        // sent acknowledges nothing real.
        if (cum < cumulativeAck || cum >= nextTsn) {
            return SackOutcome.IGNORED;
        }
        int flightBefore = flightSize;
        boolean cumAdvanced = cum > cumulativeAck;
        long bytesNewlyAcked = 0;
        long highestNewlyAcked = -1;
        Outstanding rttSample = null;

        while (!outstanding.isEmpty() && outstanding.peek().tsn <= cum) {
            Outstanding o = outstanding.poll();
            if (!o.acked && !o.abandoned) {
                bytesNewlyAcked += o.size();
                highestNewlyAcked = o.tsn;
                if (o.transmissions == 1) {
                    rttSample = o;
                }
            }
            if (o.inFlight) {
                flightSize -= o.size();
            }
            unmark(o);
            outstandingBytes -= o.size();
        }
        cumulativeAck = cum;

        // Gap ack blocks, validated: ascending, non-overlapping, within what we sent; others are ignored.
        List<long[]> ranges = new ArrayList<>(sack.gapAckBlocks().size());
        long previousEnd = cum;
        for (SackChunk.GapAckBlock b : sack.gapAckBlocks()) {
            long start = cum + b.start();
            long end = cum + b.end();
            if (b.start() == 0 || b.start() > b.end() || start <= previousEnd || end >= nextTsn) {
                continue;
            }
            ranges.add(new long[] {start, end});
            previousEnd = end;
        }
        long highestGapAcked = -1;
        int range = 0;
        for (Outstanding o : outstanding) {
            while (range < ranges.size() && ranges.get(range)[1] < o.tsn) {
                range++;
            }
            boolean inBlock = range < ranges.size() && ranges.get(range)[0] <= o.tsn;
            if (inBlock) {
                highestGapAcked = o.tsn;
                if (!o.acked) {
                    o.acked = true;
                    if (o.inFlight) {
                        o.inFlight = false;
                        flightSize -= o.size();
                    }
                    unmark(o);
                    if (!o.abandoned) {
                        bytesNewlyAcked += o.size();
                        highestNewlyAcked = Math.max(highestNewlyAcked, o.tsn);
                        if (o.transmissions == 1 && (rttSample == null || o.tsn > rttSample.tsn)) {
                            rttSample = o;
                        }
                    }
                }
            } else if (o.acked) {
                // 6.2.1: reneged; it counts as outstanding again and T3 will resend it.
                o.acked = false;
            }
        }
        if (rttSample != null) {
            rto.observe(now - rttSample.sentAt);
        }

        // 7.2.4: miss indications, counted below the highest newly acked TSN (HTNA), or below the
        // highest gap-acked TSN when the cumulative point advances during fast recovery.
        int newFastRetransmits = 0;
        long missingBelow = fastRecovery && cumAdvanced ? highestGapAcked : highestNewlyAcked;
        if (missingBelow >= 0) {
            for (Outstanding o : outstanding) {
                if (o.tsn >= missingBelow) {
                    break;
                }
                if (o.acked || o.abandoned || o.retransmit || o.fastRetransmitted) {
                    continue;
                }
                if (++o.missingReports >= 3) {
                    if (shouldAbandon(o, now)) {
                        abandon(o.message);
                    } else {
                        mark(o);
                        o.fastRetransmitted = true;
                        newFastRetransmits++;
                    }
                }
            }
        }
        if (newFastRetransmits > 0 && !fastRecovery) {
            // 7.2.4 (2), 7.2.3: halve, and stay there until the recovery point is acked.
            ssthresh = Math.max(cwnd / 2, 4 * mtu);
            cwnd = ssthresh;
            partialBytesAcked = 0;
            fastRecovery = true;
            fastRecoveryExit = nextTsn - 1;
        } else if (fastRecovery && cumulativeAck >= fastRecoveryExit) {
            fastRecovery = false;
        }

        if (cumAdvanced && !fastRecovery) {
            boolean fullyUtilized = flightBefore + mtu >= cwnd;
            if (cwnd <= ssthresh) {
                // 7.2.1 slow start: at most one MTU per SACK (L = 1).
                if (fullyUtilized) {
                    cwnd += (int) Math.min(bytesNewlyAcked, mtu);
                }
            } else {
                // 7.2.2 congestion avoidance: one MTU per cwnd of acked data.
                partialBytesAcked += (int) Math.min(bytesNewlyAcked, Integer.MAX_VALUE - partialBytesAcked);
                if (partialBytesAcked >= cwnd && fullyUtilized) {
                    partialBytesAcked -= cwnd;
                    cwnd += mtu;
                }
            }
        }
        if (flightSize == 0) {
            partialBytesAcked = 0;
        }

        // 6.2.1 D iv: the peer's window less what is still in flight.
        peerAdvertisedRwnd = Integer.toUnsignedLong(sack.advertisedReceiverWindowCredit());
        peerRwnd = Math.max(0, peerAdvertisedRwnd - flightSize);
        advancePeerAckPoint();
        return new SackOutcome(true, cumAdvanced, bytesNewlyAcked > 0, newFastRetransmits);
    }

    /** SHUTDOWN carries a cumulative ack (9.2); process it like a SACK without gap blocks. */
    SackOutcome onCumulativeAck(int cumulativeTsnAck, long now, RtoEstimator rto) {
        return onSack(new SackChunk(cumulativeTsnAck, (int) peerAdvertisedRwnd, List.of(), List.of()), now, rto);
    }

    // ---- timeouts ----------------------------------------------------------------------------

    /**
     * T3-rtx expired (6.3.3 E1-E2, 7.2.3): collapse cwnd to one MTU and mark every unacked chunk for
     * retransmission, or abandon it if its reliability says so.
     */
    void onT3Expiry(long now) {
        ssthresh = Math.max(cwnd / 2, 4 * mtu);
        cwnd = mtu;
        partialBytesAcked = 0;
        fastRecovery = false;
        List<SendQueue.Message> toAbandon = new ArrayList<>();
        for (Outstanding o : outstanding) {
            if (o.acked || o.abandoned) {
                continue;
            }
            o.missingReports = 0;
            o.fastRetransmitted = false;
            if (shouldAbandon(o, now)) {
                toAbandon.add(o.message);
            } else {
                mark(o);
            }
        }
        toAbandon.forEach(this::abandon);
        advancePeerAckPoint();
        if (advancedPeerAckPoint > cumulativeAck) {
            // RFC 3758 3.5 F2: a lost FORWARD TSN is sent again when T3 expires.
            forwardTsnDue = true;
        }
    }

    /**
     * Tail-loss probe: marks the earliest unacked chunk for retransmission without touching cwnd,
     * abandoning on the way those whose reliability forbids another transmission.
     *
     * @return whether anything was marked or abandoned
     */
    boolean onProbe(long now) {
        boolean changed = false;
        for (Outstanding o : outstanding) {
            if (o.acked || o.abandoned) {
                continue;
            }
            if (shouldAbandon(o, now)) {
                abandon(o.message);
                changed = true;
                continue;
            }
            if (!o.retransmit) {
                mark(o);
            }
            changed = true;
            break;
        }
        advancePeerAckPoint();
        return changed;
    }

    /**
     * RFC 7.2.1: after an idle period longer than RTO, cwnd decays to max(cwnd / 2, 4 * MTU) per RTO.
     */
    void decayIfIdle(long now, long rto) {
        if (!outstanding.isEmpty() || !sentData || now - lastDataSentAt <= rto) {
            return;
        }
        long periods = (now - lastDataSentAt) / rto;
        for (long i = 0; i < periods && cwnd > 4 * mtu; i++) {
            cwnd = Math.max(cwnd / 2, 4 * mtu);
        }
        lastDataSentAt = now;
    }

    // ---- partial reliability (RFC 3758) -------------------------------------------------------

    private boolean shouldAbandon(Outstanding o, long now) {
        return partialReliability && (o.transmissions > o.message.maxRetransmissions || now >= o.message.expiresAt);
    }

    /** Abandons every chunk of {@code message}; its unsent fragments are dropped by the send queue. */
    void abandon(SendQueue.Message message) {
        if (message.abandoned) {
            return;
        }
        message.abandoned = true;
        abandonedMessages++;
        for (Outstanding o : outstanding) {
            if (o.message == message && !o.abandoned) {
                o.abandoned = true;
                unmark(o);
                if (o.inFlight) {
                    o.inFlight = false;
                    flightSize -= o.size();
                }
            }
        }
    }

    /** RFC 3758 3.5 C1-C2: move the point over abandoned (and already received) chunks. */
    private void advancePeerAckPoint() {
        if (advancedPeerAckPoint < cumulativeAck) {
            advancedPeerAckPoint = cumulativeAck;
        }
        for (Outstanding o : outstanding) {
            if (o.tsn <= advancedPeerAckPoint) {
                continue;
            }
            if (o.tsn == advancedPeerAckPoint + 1 && (o.abandoned || o.acked)) {
                advancedPeerAckPoint = o.tsn;
            } else {
                break;
            }
        }
        // Acked chunks alone do not justify a FORWARD TSN: an abandoned one must be covered.
        if (advancedPeerAckPoint > lastForwardTsnSent && coversAbandoned()) {
            forwardTsnDue = true;
        }
    }

    private boolean coversAbandoned() {
        for (Outstanding o : outstanding) {
            if (o.tsn > advancedPeerAckPoint) {
                break;
            }
            if (o.abandoned) {
                return true;
            }
        }
        return false;
    }

    boolean forwardTsnDue() {
        return forwardTsnDue && advancedPeerAckPoint > cumulativeAck;
    }

    /** RFC 3758 3.5 C3: the FORWARD TSN to send, naming the last skipped SSN of each ordered stream. */
    ForwardTsnChunk makeForwardTsn() {
        Map<Integer, Integer> lastSsn = new TreeMap<>();
        for (Outstanding o : outstanding) {
            if (o.tsn > advancedPeerAckPoint) {
                break;
            }
            if (o.abandoned && !o.chunk.unordered()) {
                lastSsn.merge(o.chunk.streamId(), o.chunk.ssn(),
                        (a, b) -> SerialNumbers.ssnDistance(b, a) > 0 ? b : a);
            }
        }
        List<ForwardTsnChunk.StreamEntry> entries = new ArrayList<>(lastSsn.size());
        lastSsn.forEach((stream, ssn) -> entries.add(new ForwardTsnChunk.StreamEntry(stream, ssn)));
        forwardTsnDue = false;
        lastForwardTsnSent = advancedPeerAckPoint;
        return new ForwardTsnChunk((int) advancedPeerAckPoint, entries);
    }

    // ---- state -------------------------------------------------------------------------------

    private void mark(Outstanding o) {
        if (!o.retransmit) {
            o.retransmit = true;
            marked++;
        }
        if (o.inFlight) {
            o.inFlight = false;
            flightSize -= o.size();
        }
    }

    private void unmark(Outstanding o) {
        if (o.retransmit) {
            o.retransmit = false;
            marked--;
        }
    }

    /** Anything given a TSN and not yet cumulatively acked (T3 runs while this holds, 6.3.2). */
    boolean hasOutstanding() {
        return !outstanding.isEmpty();
    }

    /** Whether some chunk still awaits an ack or a retransmission (not gap-acked, not abandoned). */
    boolean hasUnacked() {
        for (Outstanding o : outstanding) {
            if (!o.acked && !o.abandoned) {
                return true;
            }
        }
        return false;
    }

    /** Bytes given a TSN and not yet cumulatively acked. */
    long outstandingBytes() {
        return outstandingBytes;
    }

    /** The last TSN given out (RFC 6525 4.1: Sender's Last Assigned TSN). */
    int lastAssignedTsn() {
        return (int) (nextTsn - 1);
    }

    int cwnd() {
        return cwnd;
    }

    int ssthresh() {
        return ssthresh;
    }

    int flightSize() {
        return flightSize;
    }

    long abandonedMessages() {
        return abandonedMessages;
    }

    void clear() {
        outstanding.clear();
        flightSize = 0;
        outstandingBytes = 0;
        marked = 0;
    }
}
