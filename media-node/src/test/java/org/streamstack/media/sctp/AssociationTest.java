package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Two associations back to back in memory, driven by a virtual clock. */
class AssociationTest {
    private static final SctpSettings SETTINGS = SctpSettings.webrtc();

    static Peer[] established(VirtualNetwork net) {
        Peer[] peers = Peer.pair(net, SETTINGS);
        peers[0].association.connect(net.now());
        assertTrue(net.runUntil(() -> peers[0].association.isEstablished() && peers[1].association.isEstablished(), 10_000),
                "association set up");
        return peers;
    }

    static List<byte[]> randomMessages(Random random, int count, int maxSize) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] m = new byte[1 + random.nextInt(maxSize)];
            random.nextBytes(m);
            messages.add(m);
        }
        return messages;
    }

    static void assertReceived(List<byte[]> expected, List<Peer.Message> received) {
        assertEquals(expected.size(), received.size(), "message count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), received.get(i).data(), "message " + i);
        }
    }

    @Test
    void setsUpLikeChromiumDoesTheClientSendsInit() {
        VirtualNetwork net = new VirtualNetwork(10, 1);
        Peer[] p = established(net);
        assertEquals(1, p[0].established);
        assertEquals(1, p[1].established);
        assertEquals(SctpAssociation.State.ESTABLISHED, p[1].association.state());
        assertTrue(p[1].association.partialReliability());
    }

    @Test
    void thousandMessagesEachWayArriveCompleteAndInOrder() {
        VirtualNetwork net = new VirtualNetwork(10, 2);
        Peer[] p = established(net);
        Random random = new Random(42);
        List<byte[]> aToB = randomMessages(random, 1000, 3000);
        List<byte[]> bToA = randomMessages(random, 1000, 3000);
        for (int i = 0; i < 1000; i++) {
            assertTrue(p[0].association.send(1, 53, aToB.get(i), true, net.now()));
            assertTrue(p[1].association.send(1, 53, bToA.get(i), true, net.now()));
        }
        assertTrue(net.runUntil(() -> p[1].messages.size() == 1000 && p[0].messages.size() == 1000
                && p[0].association.bufferedAmount() == 0 && p[1].association.bufferedAmount() == 0, 60_000));
        assertReceived(aToB, p[1].messages);
        assertReceived(bToA, p[0].messages);
    }

    @Test
    void a256KibMessageArrivesIntact() {
        VirtualNetwork net = new VirtualNetwork(10, 3);
        Peer[] p = established(net);
        byte[] big = new byte[256 * 1024];
        new Random(7).nextBytes(big);
        p[1].association.send(3, 53, big, true, net.now());
        p[0].association.send(2, 53, big, true, net.now());
        assertTrue(net.runUntil(() -> p[0].messages.size() == 1 && p[1].messages.size() == 1, 60_000));
        assertArrayEquals(big, p[0].messages.get(0).data());
        assertArrayEquals(big, p[1].messages.get(0).data());
        for (byte[] packet : p[1].sent) {
            assertTrue(packet.length <= SETTINGS.maxPacketSize(), "packet of " + packet.length + " bytes");
        }
    }

    @Test
    void tenPercentLossEachWayEveryMessageStillArrivesInOrder() {
        VirtualNetwork net = new VirtualNetwork(10, 4);
        Peer[] p = established(net);
        net.setLoss(0.10, 0.10);
        Random random = new Random(43);
        List<byte[]> aToB = randomMessages(random, 1000, 2500);
        List<byte[]> bToA = randomMessages(random, 1000, 2500);
        for (int i = 0; i < 1000; i++) {
            p[0].association.send(0, 51, aToB.get(i), true, net.now());
            p[1].association.send(1, 53, bToA.get(i), true, net.now());
            net.advance(5);
        }
        byte[] big = new byte[256 * 1024];
        random.nextBytes(big);
        p[1].association.send(5, 53, big, true, net.now());
        assertTrue(net.runUntil(() -> p[1].messages.size() == 1000 && p[0].messages.size() == 1001, 600_000));
        assertReceived(aToB, p[1].messages);
        assertReceived(bToA, p[0].messages.subList(0, 1000));
        assertArrayEquals(big, p[0].messages.get(1000).data());
        assertTrue(p[0].association.counters().retransmissions() > 0);
        assertTrue(p[1].association.counters().fastRetransmits() > 0);
        assertTrue(p[0].association.isEstablished() && p[1].association.isEstablished());
        System.out.printf("10%% loss: A %s%n           B %s%n", p[0].association.counters(), p[1].association.counters());
    }

    @Test
    void initCollisionEstablishesBothSidesOnce() {
        VirtualNetwork net = new VirtualNetwork(10, 5);
        Peer[] p = Peer.pair(net, SETTINGS);
        p[0].association.connect(net.now());
        p[1].association.connect(net.now());
        p[0].association.send(0, 51, "from A".getBytes(), true, net.now());
        p[1].association.send(1, 51, "from B".getBytes(), true, net.now());
        assertTrue(net.runUntil(() -> p[0].messages.size() == 1 && p[1].messages.size() == 1, 10_000));
        assertEquals(1, p[0].established);
        assertEquals(1, p[1].established);
        assertEquals("from B", new String(p[0].messages.get(0).data()));
        assertEquals("from A", new String(p[1].messages.get(0).data()));
    }

    @Test
    void aLostCookieAckIsAnsweredAgainOnTheRepeatedCookieEcho() {
        VirtualNetwork net = new VirtualNetwork(10, 6);
        Peer[] p = Peer.pair(net, SETTINGS);
        boolean[] dropped = {false};
        net.dropFromB(packet -> {
            if (!dropped[0] && firstChunk(packet) instanceof CookieAckChunk) {
                dropped[0] = true;
                return true;
            }
            return false;
        });
        p[0].association.connect(net.now());
        assertTrue(net.runUntil(() -> p[0].association.isEstablished(), 10_000));
        assertTrue(dropped[0]);
        assertEquals(1, p[0].established);
        assertEquals(1, p[1].established);
        p[0].association.send(0, 51, "after".getBytes(), true, net.now());
        assertTrue(net.runUntil(() -> p[1].messages.size() == 1, 10_000));
    }

    @Test
    void theStreamResetDanceClosesTheStreamOnBothSides() {
        VirtualNetwork net = new VirtualNetwork(10, 7);
        Peer[] p = established(net);
        net.setLoss(0.2, 0.2);
        for (int i = 0; i < 20; i++) {
            p[0].association.send(2, 51, ("A" + i).getBytes(), true, net.now());
            p[1].association.send(2, 51, ("B" + i).getBytes(), true, net.now());
        }
        assertTrue(p[0].association.resetStream(2, net.now()));
        assertFalse(p[0].association.send(2, 51, "late".getBytes(), true, net.now()));
        assertTrue(net.runUntil(() -> p[0].streamResets.contains(2) && p[1].streamResets.contains(2), 60_000));
        assertEquals(20, p[1].messages.size(), "everything before the reset arrived first");
        assertEquals(20, p[0].messages.size());
        net.setLoss(0, 0);
        // The stream can carry a new channel: SSNs start over on both sides.
        p[1].association.send(2, 51, "reopened".getBytes(), true, net.now());
        assertTrue(net.runUntil(() -> p[0].messages.size() == 21, 10_000));
        assertTrue(p[0].association.isEstablished() && p[1].association.isEstablished());
    }

    @Test
    void abortClosesBothSides() {
        VirtualNetwork net = new VirtualNetwork(10, 8);
        Peer[] p = established(net);
        p[0].association.abort("Close called");
        assertTrue(net.runUntil(() -> p[1].closeReason != null, 10_000));
        assertEquals(CloseReason.LOCAL_ABORT, p[0].closeReason);
        assertEquals(CloseReason.PEER_ABORT, p[1].closeReason);
        assertTrue(p[1].closeDetail.contains("Close called"), p[1].closeDetail);
        assertFalse(p[1].association.send(0, 51, "x".getBytes(), true, net.now()));
        assertEquals(SctpAssociation.NO_TIMEOUT, p[1].association.nextTimeout());
    }

    @Test
    void shutdownDeliversEverythingQueuedThenClosesBothSides() {
        VirtualNetwork net = new VirtualNetwork(10, 9);
        Peer[] p = established(net);
        net.setLoss(0.1, 0.1);
        List<byte[]> messages = randomMessages(new Random(44), 50, 5000);
        messages.forEach(m -> p[1].association.send(1, 53, m, true, net.now()));
        p[1].association.shutdown(net.now());
        assertFalse(p[1].association.send(1, 53, new byte[1], true, net.now()));
        assertTrue(net.runUntil(() -> p[0].closeReason != null && p[1].closeReason != null, 120_000));
        assertReceived(messages, p[0].messages);
        assertEquals(CloseReason.SHUTDOWN, p[0].closeReason);
        assertEquals(CloseReason.SHUTDOWN, p[1].closeReason);
    }

    @Test
    void anUnreachablePeerFailsTheAssociationAfterMaxRetransmissions() {
        VirtualNetwork net = new VirtualNetwork(10, 10);
        Peer[] p = established(net);
        net.setLoss(1.0, 1.0);
        long start = net.now();
        p[1].association.send(1, 51, "lost".getBytes(), true, net.now());
        assertTrue(net.runUntil(() -> p[1].closeReason != null, 120_000));
        assertEquals(CloseReason.FAILURE, p[1].closeReason);
        assertEquals(SETTINGS.maxRetransmissions() + 1, p[1].association.counters().t3Expiries());
        long took = net.now() - start;
        assertTrue(took > 20_000 && took < 40_000, "failure after " + took + " ms");
    }

    @Test
    void idlePeersExchangeHeartbeats() {
        VirtualNetwork net = new VirtualNetwork(10, 11);
        Peer[] p = established(net);
        net.advance(65_000);
        assertTrue(p[0].association.counters().heartbeatsSent() + p[1].association.counters().heartbeatsSent() > 0);
        assertTrue(p[0].association.counters().heartbeatsReceived() + p[1].association.counters().heartbeatsReceived() > 0);
        assertTrue(p[0].association.isEstablished() && p[1].association.isEstablished());
    }

    /**
     * WEBRTC.md: under 10 % loss a lone message waits for T3 (p99 about 0.8 s). Sparse messages,
     * one every 300 ms, 10 % loss each way, 25 ms one-way delay: delivery latency with and without
     * the tail-loss probe.
     */
    @Test
    void theTailLossProbeShortensTheDelayOfLoneLostMessages() {
        long[] withProbe = sparseLatencies(SETTINGS);
        long[] without = sparseLatencies(SETTINGS.withTailLossProbe(false));
        System.out.printf("lone messages, 10%% loss, 50 ms RTT: p50/p90/p99/max with probe %d/%d/%d/%d ms,"
                        + " without %d/%d/%d/%d ms%n", percentile(withProbe, 50), percentile(withProbe, 90),
                percentile(withProbe, 99), withProbe[withProbe.length - 1], percentile(without, 50),
                percentile(without, 90), percentile(without, 99), without[without.length - 1]);
        assertTrue(percentile(withProbe, 99) < percentile(without, 99));
        assertTrue(percentile(withProbe, 90) <= percentile(without, 90));
    }

    private static long[] sparseLatencies(SctpSettings settings) {
        VirtualNetwork net = new VirtualNetwork(25, 12);
        Peer[] p = Peer.pair(net, settings);
        p[0].association.connect(net.now());
        assertTrue(net.runUntil(() -> p[1].association.isEstablished(), 10_000));
        net.setLoss(0.1, 0.1);
        int count = 2000;
        long[] sentAt = new long[count];
        for (int i = 0; i < count; i++) {
            sentAt[i] = net.now();
            p[1].association.send(1, 51, Integer.toString(i).getBytes(), true, net.now());
            net.advance(300);
        }
        assertTrue(net.runUntil(() -> p[0].messages.size() == count, 60_000));
        long[] latency = new long[count];
        for (int i = 0; i < count; i++) {
            Peer.Message m = p[0].messages.get(i);
            assertEquals(Integer.toString(i), new String(m.data()));
            latency[i] = m.at() - sentAt[i];
        }
        Arrays.sort(latency);
        return latency;
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    static Chunk firstChunk(byte[] packet) {
        try {
            return SctpPacket.parse(packet, 0, packet.length).chunks().get(0);
        } catch (MalformedSctpException e) {
            throw new AssertionError(e);
        }
    }
}
