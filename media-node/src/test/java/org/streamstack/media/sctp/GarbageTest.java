package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever arrives, the parsers throw only the checked exception and the association only drops and counts. */
class GarbageTest {
    private static final SctpSettings SETTINGS = SctpSettings.webrtc();
    private static final int[] TYPES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 130, 192, 0x40, 0x84, 0xC1, 0x3F};

    @Test
    void tenThousandRandomPacketsAreDroppedAndCounted() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        Random random = new Random(1);
        long before = peer.association.counters().packetsReceived();
        for (int i = 0; i < 10_000; i++) {
            byte[] garbage = new byte[random.nextInt(1500)];
            random.nextBytes(garbage);
            peer.receiveBytes(garbage);
            parseQuietly(garbage);
        }
        SctpCounters counters = peer.association.counters();
        assertEquals(10_000, counters.packetsReceived() - before);
        assertEquals(10_000, counters.malformedDropped());
        assertTrue(peer.association.isEstablished());
        assertTrue(peer.messages.isEmpty());
    }

    @Test
    void aBadChecksumIsDroppedAndCountedAndTheIntactPacketStillDelivers() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        byte[] packet = new SctpPacket(5000, 5000, peer.associationTag,
                List.of(peer.data(0, 0, 51, false, true, true, "intact".getBytes()))).toBytes();
        byte[] corrupt = packet.clone();
        corrupt[packet.length - 2] ^= 0x20;
        peer.receiveBytes(corrupt);
        assertEquals(1, peer.association.counters().malformedDropped());
        assertTrue(peer.messages.isEmpty());
        peer.receiveBytes(packet);
        assertEquals(1, peer.messages.size());
    }

    /**
     * Well-formed packets with valid checksums and (mostly) the right verification tag, made of
     * random chunks: they reach the state machine, which must never throw. An association that
     * ends (a random ABORT, a protocol violation) is replaced.
     */
    @Test
    void tenThousandRandomChunksWithValidChecksumsReachTheStateMachineWithoutThrowing() {
        Random random = new Random(2);
        ScriptedPeer peer = freshPeer();
        int replaced = 0;
        long processed = 0;
        for (int i = 0; i < 10_000; i++) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            int count = 1 + random.nextInt(3);
            int first = -1;
            boolean structured = random.nextBoolean();
            for (int c = 0; c < count && structured; c++) {
                Chunk chunk = randomChunk(random, peer);
                first = first < 0 ? chunk.type() : first;
                byte[] bytes = new byte[chunk.paddedLength()];
                chunk.writeTo(bytes, 0);
                chunks.writeBytes(bytes);
            }
            for (int c = 0; c < count && !structured; c++) {
                int type = TYPES[random.nextInt(TYPES.length)];
                first = first < 0 ? type : first;
                byte[] body = new byte[random.nextInt(40)];
                random.nextBytes(body);
                if (body.length >= 4 && random.nextBoolean()) {
                    // A TSN (or cumulative TSN, or request number) near the live ones, to be taken seriously.
                    int near = (random.nextBoolean() ? peer.nextTsn : peer.associationInitialTsn) + random.nextInt(8) - 4;
                    NetworkOrder.put32(body, 0, near);
                }
                int length = ChunkHeader.SIZE + body.length;
                if (random.nextInt(10) == 0) {
                    length = random.nextInt(0x10000);
                }
                byte[] chunk = new byte[NetworkOrder.padded(ChunkHeader.SIZE + body.length)];
                chunk[0] = (byte) type;
                chunk[1] = (byte) random.nextInt(256);
                NetworkOrder.put16(chunk, 2, length);
                System.arraycopy(body, 0, chunk, ChunkHeader.SIZE, body.length);
                chunks.writeBytes(chunk);
            }
            int vtag = first == ChunkType.INIT ? 0 : random.nextInt(20) == 0 ? random.nextInt() : peer.associationTag;
            peer.receiveBytes(withChecksum(vtag, chunks.toByteArray()));
            if (random.nextInt(20) == 0) {
                peer.association.send(random.nextInt(4), 51, new byte[1 + random.nextInt(3000)], random.nextBoolean(),
                        peer.now);
            }
            peer.now += random.nextInt(100);
            peer.association.handleTimeout(peer.now);
            peer.takeAll();
            if (peer.association.isClosed() || peer.association.state() == SctpAssociation.State.CLOSED) {
                processed += accepted(peer.association.counters());
                peer = freshPeer();
                replaced++;
            }
        }
        processed += accepted(peer.association.counters());
        assertTrue(replaced > 0, "some random chunk closed an association");
        assertTrue(processed > 4_000, processed + " of 10000 garbage packets got past verification");
    }

    private static long accepted(SctpCounters c) {
        return c.packetsReceived() - c.malformedDropped() - c.packetsDropped();
    }

    /** A well-formed chunk of a random type whose fields are random but near the live TSNs and tags. */
    private static Chunk randomChunk(Random r, ScriptedPeer peer) {
        int ours = peer.associationInitialTsn + r.nextInt(12) - 4;
        int theirs = peer.nextTsn + r.nextInt(12) - 6;
        byte[] some = new byte[1 + r.nextInt(40)];
        r.nextBytes(some);
        return switch (r.nextInt(17)) {
            case 0, 1, 2 -> new DataChunk(theirs, r.nextInt(6), r.nextInt(4), r.nextInt(60), r.nextBoolean(),
                    r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), some);
            case 3 -> new InitChunk(r.nextInt(3) == 0 ? 0 : r.nextInt(), r.nextInt(), r.nextInt(3), r.nextInt(3),
                    r.nextInt(), List.of(new ForwardTsnSupportedParameter(), new UnknownParameter(r.nextInt(0x10000), some)));
            case 4 -> new InitAckChunk(r.nextInt(), r.nextInt(), 1 + r.nextInt(3), 1 + r.nextInt(3), r.nextInt(),
                    r.nextBoolean() ? List.of(new StateCookieParameter(some)) : List.of());
            case 5, 6 -> new SackChunk(r.nextInt(8) == 0 ? r.nextInt() : ours, r.nextInt(1 << 21),
                    List.of(new SackChunk.GapAckBlock(r.nextInt(20), r.nextInt(20)),
                            new SackChunk.GapAckBlock(r.nextInt(0x10000), r.nextInt(0x10000))),
                    r.nextBoolean() ? List.of(ours) : List.of());
            case 7 -> new HeartbeatChunk(new HeartbeatInfoParameter(some));
            case 8 -> new HeartbeatAckChunk(new HeartbeatInfoParameter(some));
            case 9 -> r.nextInt(8) == 0 ? new AbortChunk(r.nextBoolean(), List.of(ErrorCause.userInitiatedAbort("fuzz")))
                    : new ErrorChunk(List.of(ErrorCause.staleCookie(r.nextInt(1000)), new ErrorCause(r.nextInt(20), some)));
            case 10 -> new ShutdownChunk(ours);
            case 11 -> r.nextBoolean() ? new ShutdownAckChunk() : new ShutdownCompleteChunk(r.nextBoolean());
            case 12 -> r.nextBoolean() ? new CookieAckChunk() : new CookieEchoChunk(some);
            case 13 -> new ReconfigChunk(List.of(new OutgoingSsnResetRequestParameter(
                    ScriptedPeer.INITIAL_TSN + r.nextInt(4) - 1, r.nextInt(), theirs,
                    r.nextBoolean() ? List.of() : List.of(r.nextInt(6), r.nextInt(6)))));
            case 14 -> new ReconfigChunk(List.of(new ReconfigResponseParameter(ours, r.nextInt(8)),
                    new UnknownParameter(14 + r.nextInt(5), some)));
            case 15 -> new ForwardTsnChunk(r.nextInt(8) == 0 ? r.nextInt() : theirs,
                    List.of(new ForwardTsnChunk.StreamEntry(r.nextInt(6), r.nextInt(0x10000))));
            default -> new UnknownChunk(new int[] {0x3F, 0x7F, 0xBF, 0xFF}[r.nextInt(4)], r.nextInt(256), some);
        };
    }

    private static ScriptedPeer freshPeer() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 53, new byte[5000], true, peer.now);
        peer.send(peer.data(0, 0, 51, false, true, false, new byte[10]));
        peer.takeAll();
        return peer;
    }

    /**
     * Every packet of a real session (setup, data, fragments, a reset, FORWARD TSN, heartbeats,
     * shutdown), cut at every length: as bytes off the wire (bad checksum) and with the checksum
     * fixed and the tag of a live association, so that the chunk parsers see every prefix.
     */
    @Test
    void everyTruncationOfValidPacketsIsDroppedOrHandledNeverThrown() throws MalformedSctpException {
        List<byte[]> packets = sessionPackets();
        java.util.Set<Integer> types = new java.util.TreeSet<>();
        for (byte[] packet : packets) {
            SctpPacket.parse(packet, 0, packet.length).chunks().forEach(c -> types.add(c.type()));
        }
        assertEquals(java.util.Set.of(ChunkType.DATA, ChunkType.INIT, ChunkType.INIT_ACK, ChunkType.SACK,
                ChunkType.HEARTBEAT, ChunkType.HEARTBEAT_ACK, ChunkType.SHUTDOWN, ChunkType.SHUTDOWN_ACK,
                ChunkType.COOKIE_ECHO, ChunkType.COOKIE_ACK, ChunkType.SHUTDOWN_COMPLETE, ChunkType.RE_CONFIG,
                ChunkType.FORWARD_TSN), types, "the session exercises every chunk we send");
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        long truncations = 0;
        for (byte[] packet : packets) {
            SctpPacket.parse(packet, 0, packet.length); // the whole packet is valid
            for (int len = 0; len < packet.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(packet, len);
                parseQuietly(cut);
                peer.receiveBytes(cut);
                if (len >= SctpPacket.HEADER_SIZE) {
                    byte[] body = java.util.Arrays.copyOfRange(cut, SctpPacket.HEADER_SIZE, len);
                    int vtag = body.length > 0 && body[0] == ChunkType.INIT ? 0 : peer.associationTag;
                    byte[] fixed = withChecksum(vtag, body);
                    parseQuietly(fixed);
                    for (int off = 0; off < body.length; off += 4) {
                        chunkQuietly(body, off, body.length - off);
                    }
                    peer.receiveBytes(fixed);
                }
                truncations++;
                if (peer.association.isClosed()) {
                    peer = ScriptedPeer.established(SETTINGS);
                }
                peer.takeAll();
            }
        }
        assertTrue(truncations > 10_000, truncations + " truncations");
    }

    @Test
    void randomBytesIntoEveryParser() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            if (bytes.length >= 4 && random.nextBoolean()) {
                NetworkOrder.put16(bytes, 2, Math.min(bytes.length, 4 + random.nextInt(bytes.length)));
            }
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = (byte) TYPES[random.nextInt(TYPES.length)];
            }
            chunkQuietly(bytes, 0, bytes.length);
            try {
                Parameter.parseAll(bytes, 0, bytes.length);
            } catch (MalformedSctpException expected) {
                // fine
            }
            try {
                ErrorCause.parseAll(bytes, 0, bytes.length);
            } catch (MalformedSctpException expected) {
                // fine
            }
            try {
                ParameterHeader.parse(bytes, 0, bytes.length);
                ChunkHeader.parse(bytes, 0, bytes.length);
            } catch (MalformedSctpException expected) {
                // fine
            }
        }
    }

    /** Packets both peers sent during a session exercising every feature. */
    static List<byte[]> sessionPackets() {
        VirtualNetwork net = new VirtualNetwork(10, 20);
        Peer[] p = AssociationTest.established(net);
        net.setLoss(0.2, 0.2);
        Random random = new Random(21);
        for (int i = 0; i < 30; i++) {
            p[0].association.send(i % 3, 51, new byte[1 + random.nextInt(3000)], true, net.now());
            p[1].association.send(1, 53, new byte[1 + random.nextInt(100)], false, Reliability.maxRetransmissions(0), net.now());
            net.advance(20);
        }
        p[1].association.resetStream(1, net.now());
        net.runUntil(() -> p[0].streamResets.contains(1), 60_000);
        net.setLoss(0, 0);
        net.advance(70_000);
        p[0].association.shutdown(net.now());
        net.runUntil(() -> p[1].closeReason != null, 60_000);
        List<byte[]> all = new ArrayList<>(p[0].sent);
        all.addAll(p[1].sent);
        return all;
    }

    static byte[] withChecksum(int vtag, byte[] chunks) {
        byte[] packet = new byte[SctpPacket.HEADER_SIZE + chunks.length];
        NetworkOrder.put16(packet, 0, 5000);
        NetworkOrder.put16(packet, 2, 5000);
        NetworkOrder.put32(packet, 4, vtag);
        System.arraycopy(chunks, 0, packet, SctpPacket.HEADER_SIZE, chunks.length);
        int crc = SctpPacket.checksum(packet, 0, packet.length);
        packet[8] = (byte) crc;
        packet[9] = (byte) (crc >>> 8);
        packet[10] = (byte) (crc >>> 16);
        packet[11] = (byte) (crc >>> 24);
        return packet;
    }

    private static void parseQuietly(byte[] bytes) {
        try {
            SctpPacket.parse(bytes, 0, bytes.length);
        } catch (MalformedSctpException expected) {
            // the only acceptable failure
        }
    }

    private static void chunkQuietly(byte[] bytes, int off, int len) {
        try {
            Chunk.parse(bytes, off, len);
        } catch (MalformedSctpException expected) {
            // the only acceptable failure
        }
    }
}
