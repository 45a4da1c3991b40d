package org.streamstack.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpRoundTripTest {
    static final Random RANDOM = new Random(3550);

    static long u32() {
        return RANDOM.nextLong() & 0xFFFF_FFFFL;
    }

    static ReportBlock block() {
        return new ReportBlock(u32(), RANDOM.nextInt(256),
                RANDOM.nextInt(1 << 24) - (1 << 23), u32(), u32(), u32(), u32());
    }

    static List<ReportBlock> blocks(int max) {
        List<ReportBlock> blocks = new ArrayList<>();
        for (int i = RANDOM.nextInt(max + 1); i > 0; i--) {
            blocks.add(block());
        }
        return blocks;
    }

    /** One packet of every type, with random contents. */
    static List<RtcpPacket> everyType() {
        List<Integer> lost = new ArrayList<>();
        int seq = RANDOM.nextInt(65536);
        for (int i = 1 + RANDOM.nextInt(40); i > 0; i--) {
            lost.add(seq);
            seq = (seq + 1 + RANDOM.nextInt(30)) & 0xFFFF;
        }
        return List.of(
                new SenderReport(u32(), RANDOM.nextLong(), u32(), u32(), u32(), blocks(31)),
                new ReceiverReport(u32(), blocks(31)),
                new SourceDescription(List.of(
                        new SourceDescription.Chunk(u32(), List.of(new SourceDescription.Item(1, "user" + RANDOM.nextInt() + "@host"))),
                        new SourceDescription.Chunk(u32(), List.of()),
                        new SourceDescription.Chunk(u32(), List.of(new SourceDescription.Item(1, "é✓"), new SourceDescription.Item(7, "note"))))),
                new Bye(List.of(u32(), u32()), RANDOM.nextBoolean() ? Optional.of("bye " + RANDOM.nextInt(1000)) : Optional.empty()),
                new GenericNack(u32(), u32(), lost),
                new PictureLossIndication(u32(), u32()),
                new FullIntraRequest(u32(), 0, List.of(new FullIntraRequest.Entry(u32(), RANDOM.nextInt(256)))),
                new Remb(u32(), (long) RANDOM.nextInt(1 << 18) << RANDOM.nextInt(40), List.of(u32(), u32())),
                new Unknown(new byte[] {(byte) 0x80, (byte) 204, 0, 2, 1, 2, 3, 4, 'n', 'a', 'm', 'e'}));
    }

    @Test
    void everyTypeRoundTripsAloneAndInACompound() throws Exception {
        for (int round = 0; round < 200; round++) {
            List<RtcpPacket> packets = everyType();
            for (RtcpPacket packet : packets) {
                byte[] bytes = packet.toBytes();
                assertEquals(0, bytes.length % 4, packet.toString());
                assertEquals(packet, RtcpParser.parsePacket(bytes, 0, bytes.length));
                assertArrayEquals(bytes, RtcpParser.parsePacket(bytes, 0, bytes.length).toBytes());
            }
            byte[] compound = RtcpCompound.write(packets);
            assertEquals(RtcpCompound.size(packets), compound.length);
            assertEquals(packets, RtcpParser.parseCompound(compound));
        }
    }

    @Test
    void compoundAtAnOffset() throws Exception {
        List<RtcpPacket> packets = List.of(new ReceiverReport(1, List.of()), SourceDescription.ofCname(1, "x"));
        byte[] buf = new byte[100];
        int written = RtcpCompound.writeTo(packets, buf, 13);
        assertEquals(packets, RtcpParser.parseCompound(buf, 13, written));
    }

    @Test
    void aMalformedPacketEndsParsingAndKeepsWhatCameBefore() {
        List<RtcpPacket> good = List.of(new ReceiverReport(1, List.of()), new PictureLossIndication(1, 2));
        byte[] goodBytes = RtcpCompound.write(good);
        byte[] bad = RtcpVectorsTest.hex("81cd0002 00000001 00000002"); // a NACK with no FCI
        byte[] compound = new byte[goodBytes.length + bad.length + 8];
        System.arraycopy(goodBytes, 0, compound, 0, goodBytes.length);
        System.arraycopy(bad, 0, compound, goodBytes.length, bad.length);
        System.arraycopy(new PictureLossIndication(3, 4).toBytes(), 0, compound, goodBytes.length + bad.length, 12 - 4);
        MalformedRtcpException e = assertThrows(MalformedRtcpException.class, () -> RtcpParser.parseCompound(compound));
        assertEquals(good, e.parsed());
        assertTrue(e.getMessage().contains("packet 3"), e.getMessage());

        MalformedRtcpException empty = assertThrows(MalformedRtcpException.class, () -> RtcpParser.parseCompound(new byte[0]));
        assertEquals(List.of(), empty.parsed());
    }

    @Test
    void nackFciCompression() {
        assertEquals(List.of(new GenericNack.Fci(100, 0)), GenericNack.toFci(List.of(100)));
        assertEquals(List.of(new GenericNack.Fci(100, 0x4011)), GenericNack.toFci(List.of(100, 101, 105, 115)));
        assertEquals(List.of(new GenericNack.Fci(100, 0), new GenericNack.Fci(117, 0), new GenericNack.Fci(500, 3)),
                GenericNack.toFci(List.of(100, 117, 500, 501, 502)));
        assertEquals(List.of(new GenericNack.Fci(100, 0x8000)), GenericNack.toFci(List.of(100, 116)), "PID+16 is bit 15");
        assertEquals(List.of(new GenericNack.Fci(65535, 3)), GenericNack.toFci(List.of(65535, 0, 1)), "across the wrap");
        assertEquals(List.of(new GenericNack.Fci(7, 1)), GenericNack.toFci(List.of(7, 7, 8, 8)), "repeats dropped");
        assertEquals(List.of(), GenericNack.toFci(List.of()));
    }

    @Test
    void nackFciExpansion() {
        // RFC 4585 6.2.1: bit i of BLP (LSB first) means PID+i+1 is lost too.
        assertEquals(List.of(42), new GenericNack.Fci(42, 0).lostSequenceNumbers());
        assertEquals(List.of(42, 43), new GenericNack.Fci(42, 1).lostSequenceNumbers());
        assertEquals(List.of(42, 44), new GenericNack.Fci(42, 2).lostSequenceNumbers());
        assertEquals(List.of(42, 43, 44), new GenericNack.Fci(42, 3).lostSequenceNumbers());
        assertEquals(List.of(42, 58), new GenericNack.Fci(42, 0x8000).lostSequenceNumbers());
        assertEquals(List.of(65535, 0, 15), new GenericNack.Fci(65535, 0x8001).lostSequenceNumbers());
    }

    @Test
    void recordsRejectValuesTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiverReport(1, java.util.Collections.nCopies(32, RtcpVectorsTest.BLOCK)));
        assertThrows(IllegalArgumentException.class, () -> new GenericNack(1, 2, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new GenericNack(1, 2, List.of(65536)));
        assertThrows(IllegalArgumentException.class, () -> new FullIntraRequest(1, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FullIntraRequest.Entry(1, 256));
        assertThrows(IllegalArgumentException.class, () -> new Remb(1, -1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Bye(List.of(), Optional.of("x".repeat(256))));
        assertThrows(IllegalArgumentException.class, () -> SourceDescription.ofCname(1, "x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> new SenderReport(1L << 32, 0, 0, 0, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Unknown(new byte[] {(byte) 0x80, (byte) 204, 0, 5}));
    }
}
