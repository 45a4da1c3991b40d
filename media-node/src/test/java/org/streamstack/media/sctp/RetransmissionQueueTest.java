package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Congestion control (RFC 9260 7.2) and SACK processing (6.2.1) of the sender, chunk by chunk. */
class RetransmissionQueueTest {
    private static final int MTU = 1191;
    private static final int INITIAL_TSN = 100;
    private final RtoEstimator rto = new RtoEstimator(SctpSettings.webrtc());
    private final RetransmissionQueue queue = new RetransmissionQueue(INITIAL_TSN, 1 << 20, MTU, true);
    private final SendQueue sendQueue = new SendQueue();
    private long now = 1000;

    /** Sends {@code count} full chunks of 1160 bytes; returns their TSNs. */
    private List<Integer> sendChunks(int count) {
        sendQueue.add(new SendQueue.Message(1, 53, new byte[1160 * count], false, Integer.MAX_VALUE, Long.MAX_VALUE));
        List<Integer> tsns = new ArrayList<>();
        while (sendQueue.peekFragmentSize(1160, now) > 0) {
            tsns.add(queue.send(sendQueue.next(1160), now).tsn());
        }
        return tsns;
    }

    private RetransmissionQueue.SackOutcome sack(int cum, SackChunk.GapAckBlock... blocks) {
        return queue.onSack(new SackChunk(cum, 1 << 20, List.of(blocks), List.of()), now, rto);
    }

    @Test
    void startsAt4380BytesAndGrowsByAtMostOneMtuPerSackInSlowStart() {
        assertEquals(4380, queue.cwnd(), "7.2.1: min(4 MTU, max(2 MTU, 4380))");
        assertEquals(1 << 20, queue.ssthresh(), "7.2.1: the peer's a_rwnd");
        List<Integer> tsns = sendChunks(4);
        assertFalse(queue.cwndAllows());
        now += 20;
        sack(tsns.get(1));
        assertEquals(4380 + MTU, queue.cwnd(), "two chunks acked, but at most one MTU");
        assertEquals(2 * 1160, queue.flightSize());
        assertEquals(20, rto.srtt(), 0.001);
    }

    @Test
    void doesNotGrowWhenTheWindowIsNotFullyUsed() {
        List<Integer> tsns = sendChunks(1);
        sack(tsns.get(0));
        assertEquals(4380, queue.cwnd(), "1160 bytes in flight against 4380: application limited");
    }

    @Test
    void growsByOneMtuPerWindowInCongestionAvoidance() {
        // Enter congestion avoidance: a T3 expiry sets ssthresh to 4 MTU and cwnd to 1 MTU.
        sendChunks(4);
        queue.onT3Expiry(now);
        assertEquals(MTU, queue.cwnd());
        assertEquals(4 * MTU, queue.ssthresh());
        int cum = INITIAL_TSN + 3;
        sack(cum);
        // Slow start up to ssthresh, then one MTU per cwnd of acknowledged bytes.
        while (queue.cwnd() <= queue.ssthresh()) {
            List<Integer> tsns = sendChunks(Math.max(1, queue.cwnd() / 1160 + 1));
            sack(tsns.get(tsns.size() - 1));
        }
        int reached = queue.cwnd();
        List<Integer> tsns = sendChunks(reached / 1160 + 1);
        sack(tsns.get(tsns.size() - 1));
        assertTrue(reached > queue.ssthresh());
        assertEquals(reached + MTU, queue.cwnd(), "7.2.2: one MTU once a whole window is acknowledged");
        tsns = sendChunks(1);
        sack(tsns.get(0));
        assertEquals(reached + MTU, queue.cwnd(), "not again before the next window");
    }

    @Test
    void fastRetransmitsOnTheThirdMissReportAndHalvesOnce() {
        List<Integer> tsns = sendChunks(3);
        now += 10;
        sack(tsns.get(2));
        int before = queue.cwnd();
        List<Integer> more = sendChunks(5);
        int lost = more.get(0);
        for (int i = 1; i <= 3; i++) {
            RetransmissionQueue.SackOutcome outcome = sack(lost - 1, new SackChunk.GapAckBlock(2, 1 + i));
            assertEquals(i == 3 ? 1 : 0, outcome.fastRetransmits(), "report " + i);
        }
        assertEquals(Math.max(before / 2, 4 * MTU), queue.cwnd(), "7.2.4: ssthresh = max(cwnd / 2, 4 MTU) = cwnd");
        RetransmissionQueue.Outstanding marked = queue.firstMarked();
        assertEquals(lost, (int) marked.tsn);
        queue.retransmit(marked, now);
        assertNull(queue.firstMarked());
        // Further reports during fast recovery neither halve again nor mark the chunk again.
        int during = queue.cwnd();
        assertEquals(0, sack(lost - 1, new SackChunk.GapAckBlock(2, 5)).fastRetransmits());
        assertEquals(during, queue.cwnd());
        sack(more.get(4));
        assertFalse(queue.hasOutstanding());
    }

    @Test
    void t3MarksEverythingUnackedAndCollapsesTheWindow() {
        List<Integer> tsns = sendChunks(4);
        sack(tsns.get(0) - 1, new SackChunk.GapAckBlock(2, 2)); // the second is held by the peer
        queue.onT3Expiry(now);
        assertEquals(MTU, queue.cwnd());
        assertEquals(0, queue.flightSize(), "marked chunks leave the flight");
        List<Integer> marked = new ArrayList<>();
        RetransmissionQueue.Outstanding o;
        while ((o = queue.firstMarked()) != null) {
            marked.add((int) o.tsn);
            queue.retransmit(o, now);
        }
        assertEquals(List.of(tsns.get(0), tsns.get(2), tsns.get(3)), marked, "not the gap-acked one");
    }

    @Test
    void ignoresOldAndImpossibleSacksAndTracksThePeersWindow() {
        List<Integer> tsns = sendChunks(2);
        assertFalse(queue.onSack(new SackChunk(tsns.get(1) + 5, 1000, List.of(), List.of()), now, rto).accepted());
        assertTrue(sack(tsns.get(0)).accepted());
        assertFalse(queue.onSack(new SackChunk(tsns.get(0) - 1, 1000, List.of(), List.of()), now, rto).accepted());
        queue.onSack(new SackChunk(tsns.get(0), 1500, List.of(), List.of()), now, rto);
        assertFalse(queue.rwndAllows(1160), "1500 advertised less 1160 in flight");
        assertTrue(queue.rwndAllows(340));
    }

    @Test
    void aRenegedGapAckIsOutstandingAgain() {
        List<Integer> tsns = sendChunks(3);
        sack(tsns.get(0) - 1, new SackChunk.GapAckBlock(2, 3));
        assertTrue(queue.hasUnacked());
        sack(tsns.get(0) - 1); // the peer dropped what it had reported (6.2.1)
        queue.onT3Expiry(now);
        int marked = 0;
        RetransmissionQueue.Outstanding o;
        while ((o = queue.firstMarked()) != null) {
            queue.retransmit(o, now);
            marked++;
        }
        assertEquals(3, marked);
    }
}
