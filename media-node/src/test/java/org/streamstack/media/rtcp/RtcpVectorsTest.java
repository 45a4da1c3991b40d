package org.streamstack.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Byte vectors: a real packet where we have one (the REMB Chrome sent while watching a 6 Mb/s
 * stream, as published with pion/rtcp's tests), otherwise assembled by hand from the RFC diagrams
 * (field values borrowed from pion/rtcp's tests, length fields checked). Each must parse to the
 * expected record and write back to the same bytes.
 */
class RtcpVectorsTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static void assertVector(RtcpPacket expected, String bytes) throws Exception {
        byte[] b = hex(bytes);
        assertEquals(expected, RtcpParser.parsePacket(b, 0, b.length));
        assertEquals(List.of(expected), RtcpParser.parseCompound(b, 0, b.length));
        assertEquals(b.length, expected.size());
        assertArrayEquals(b, expected.toBytes());
    }

    static final ReportBlock BLOCK = new ReportBlock(0xbc5e9a40L, 0, 0, 0x46e1, 273, 0x9f36432, 150137);

    @Test
    void senderReport() throws Exception {
        assertVector(new SenderReport(0x902f9e2eL, 0xda8bd1fcdddda05aL, 0xaaf4edd5L, 1, 2, List.of(BLOCK)),
                "81c8000c 902f9e2e da8bd1fc dddda05a aaf4edd5 00000001 00000002"
                        + " bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79");
    }

    @Test
    void senderReportProfileExtensionsAreSkipped() throws Exception {
        // An SR of 28 bytes followed by 28 bytes of profile-specific extension (length 13 words + 1).
        byte[] b = hex("80c8000d 2b7ec0c5 e020a2a9 52a53fc0 2e48a552 00000046 0000121d"
                + " 81ca0006 2b7ec0c5 01104c63 49667a58 6f6e446f 72645365 57360000");
        assertEquals(new SenderReport(0x2b7ec0c5L, 0xe020a2a952a53fc0L, 0x2e48a552L, 70, 4637, List.of()),
                RtcpParser.parsePacket(b, 0, b.length));
    }

    @Test
    void receiverReport() throws Exception {
        assertVector(new ReceiverReport(0x902f9e2eL, List.of(BLOCK)),
                "81c90007 902f9e2e bc5e9a40 00000000 000046e1 00000111 09f36432 00024a79");
        assertVector(new ReceiverReport(1, List.of()), "80c90001 00000001");
    }

    @Test
    void cumulativeLostIsA24BitSignedField() throws Exception {
        ReportBlock negative = new ReportBlock(1, 255, -2, 0x0001FFFF, 0, 0, 0);
        assertVector(new ReceiverReport(7, List.of(negative)),
                "81c90007 00000007 00000001 FFFFFFFE 0001FFFF 00000000 00000000 00000000");
        ReportBlock max = new ReportBlock(1, 0, ReportBlock.MAX_CUMULATIVE_LOST, 0, 0, 0, 0);
        assertVector(new ReceiverReport(7, List.of(max)),
                "81c90007 00000007 00000001 007FFFFF 00000000 00000000 00000000 00000000");
        ReportBlock min = new ReportBlock(1, 0, ReportBlock.MIN_CUMULATIVE_LOST, 0, 0, 0, 0);
        assertVector(new ReceiverReport(7, List.of(min)),
                "81c90007 00000007 00000001 00800000 00000000 00000000 00000000 00000000");
        assertThrows(IllegalArgumentException.class, () -> new ReportBlock(1, 0, 1 << 23, 0, 0, 0, 0));
    }

    @Test
    void chromeRembOf8927168Bps() throws Exception {
        // Sent by Chrome while watching a 6 Mb/s stream: exp 6, mantissa 139487.
        Remb remb = new Remb(1, 8_927_168, List.of(1215622422L));
        assertVector(remb, "8fce0005 00000001 00000000 52454d42 011a20df 4874ed16");
        assertEquals(6, remb.exponent());
        assertEquals(139_487, remb.mantissa());
    }

    @Test
    void rembOfOneMegabit() throws Exception {
        // 1,000,000 = 250,000 << 2: exp 2, mantissa 250000 = 0x3D090 -> 000010 11 1101 0000 1001 0000 = 0B D0 90
        Remb remb = new Remb(0x11223344L, 1_000_000, List.of(0xCAFEBABEL));
        assertEquals(2, remb.exponent());
        assertEquals(250_000, remb.mantissa());
        assertVector(remb, "8fce0005 11223344 00000000 52454d42 010BD090 CAFEBABE");
    }

    @Test
    void rembKeepsEighteenSignificantBits() throws Exception {
        Remb remb = new Remb(1, 8_927_167, List.of());
        Remb back = (Remb) RtcpParser.parsePacket(remb.toBytes(), 0, remb.size());
        assertEquals(8_927_104, back.bitrateBps(), "139486 << 6: rounded down");
        assertEquals(new Remb(1, 262_143, List.of()), RtcpParser.parsePacket(new Remb(1, 262_143, List.of()).toBytes(), 0, 20));
        Remb huge = new Remb(1, Long.MAX_VALUE, List.of());
        assertEquals(45, huge.exponent());
        assertEquals(262_143L << 45, ((Remb) RtcpParser.parsePacket(huge.toBytes(), 0, 20)).bitrateBps());
        // mantissa 262143 << 63 does not fit: libwebrtc rejects it, so do we
        byte[] overflow = hex("8fce0004 00000000 00000000 52454d42 00ffffff");
        assertThrows(MalformedPacketException.class, () -> RtcpParser.parsePacket(overflow, 0, overflow.length));
    }

    @Test
    void genericNack() throws Exception {
        // PID 0xAAAA, BLP 0x5555: bits 0, 2, ..., 14 -> PID+1, PID+3, ..., PID+15
        GenericNack nack = new GenericNack(0x902f9e2eL, 0x902f9e2eL,
                List.of(0xaaaa, 0xaaab, 0xaaad, 0xaaaf, 0xaab1, 0xaab3, 0xaab5, 0xaab7, 0xaab9));
        assertVector(nack, "81cd0003 902f9e2e 902f9e2e aaaa5555");
    }

    @Test
    void nackAcrossTheSequenceWrap() throws Exception {
        assertVector(new GenericNack(1, 2, List.of(65534, 65535, 0, 1, 40)),
                "81cd0004 00000001 00000002 FFFE0007 00280000");
    }

    @Test
    void textThatIsNotUtf8IsReadLeniently() throws Exception {
        // 255 bytes of 0xFF: each becomes '?', so the item can still be written back in 255 bytes.
        byte[] b = new byte[4 + 4 + 2 + 255 + 3];
        System.arraycopy(hex("81ca0042 00000001 01FF"), 0, b, 0, 10);
        java.util.Arrays.fill(b, 10, 265, (byte) 0xFF);
        SourceDescription sdes = (SourceDescription) RtcpParser.parsePacket(b, 0, b.length);
        assertEquals("?".repeat(255), sdes.cnameOf(1).orElseThrow());
        assertArrayEquals(sdes.toBytes(), RtcpParser.parsePacket(sdes.toBytes(), 0, b.length).toBytes());
    }

    @Test
    void pictureLossIndication() throws Exception {
        assertVector(new PictureLossIndication(0, 0x4bc4fcb4L), "81ce0002 00000000 4bc4fcb4");
    }

    @Test
    void fullIntraRequest() throws Exception {
        assertVector(new FullIntraRequest(0, 0x4bc4fcb4L, List.of(new FullIntraRequest.Entry(0x12345678L, 0x42))),
                "84ce0004 00000000 4bc4fcb4 12345678 42000000");
        assertVector(new FullIntraRequest(0, 0, List.of(new FullIntraRequest.Entry(0x12345678L, 0x42),
                        new FullIntraRequest.Entry(0x98765432L, 0x57))),
                "84ce0006 00000000 00000000 12345678 42000000 98765432 57000000");
    }

    @Test
    void sourceDescription() throws Exception {
        // chunk 1: SSRC, CNAME len 1 "A", END | chunk 2: SSRC, CNAME len 3 "BCD", END + 2 null octets
        SourceDescription sdes = new SourceDescription(List.of(
                new SourceDescription.Chunk(0x01020304L, List.of(new SourceDescription.Item(1, "A"))),
                new SourceDescription.Chunk(0x05060708L, List.of(new SourceDescription.Item(1, "BCD")))));
        assertVector(sdes, "82ca0005 01020304 01014100 05060708 01034243 44000000");
        assertEquals(Optional.of("BCD"), sdes.cnameOf(0x05060708L));
        assertEquals(Optional.empty(), sdes.cnameOf(9));
        // CNAME of 2 bytes fills the word: END needs a whole word of nulls
        assertVector(SourceDescription.ofCname(1, "AB"), "81ca0003 00000001 01024142 00000000");
        assertVector(new SourceDescription(List.of(new SourceDescription.Chunk(0x10000000L,
                        List.of(new SourceDescription.Item(1, "A"), new SourceDescription.Item(4, "B"))))),
                "81ca0003 10000000 01014104 01420000");
    }

    @Test
    void sourceDescriptionReadingIsTolerant() throws Exception {
        // No END item before the packet ends, and a private item type: accepted.
        byte[] noEnd = hex("81ca0002 00000001 08024142");
        assertEquals(new SourceDescription(List.of(new SourceDescription.Chunk(1, List.of(new SourceDescription.Item(8, "AB"))))),
                RtcpParser.parsePacket(noEnd, 0, noEnd.length));
        // An item running past the packet is not.
        byte[] past = hex("81ca0002 00000001 01094142");
        assertThrows(MalformedPacketException.class, () -> RtcpParser.parsePacket(past, 0, past.length));
    }

    @Test
    void bye() throws Exception {
        assertVector(new Bye(List.of(0x902f9e2eL), Optional.of("FOO")), "81cb0002 902f9e2e 03464f4f");
        assertVector(new Bye(List.of(0x902f9e2eL), Optional.of("F")), "81cb0002 902f9e2e 01460000");
        assertVector(new Bye(List.of(1L, 2L), Optional.empty()), "82cb0002 00000001 00000002");
        assertVector(new Bye(List.of(), Optional.of("")), "80cb0001 00000000");
        assertVector(Bye.of(5), "81cb0001 00000005");
    }

    @Test
    void unknownTypesAreKeptRaw() throws Exception {
        // APP (204) with name "ABCD"; transport-cc (RTPFB FMT 15); AFB (PSFB FMT 15) that is not REMB
        for (String bytes : List.of("80cc0002 00000001 41424344", "8fcd0002 00000001 00000002",
                "8fce0003 00000001 00000000 41424344")) {
            byte[] b = hex(bytes);
            RtcpPacket packet = RtcpParser.parsePacket(b, 0, b.length);
            Unknown unknown = assertInstanceOf(Unknown.class, packet);
            assertEquals(b[1] & 0xFF, unknown.packetType());
            assertEquals(b[0] & 0x1F, unknown.count());
            assertVector(unknown, bytes);
        }
    }

    @Test
    void paddingIsRemovedBeforeParsing() throws Exception {
        // RR with no blocks and 4 bytes of padding (count 4): RFC 3550 6.4.1
        byte[] b = hex("A0c90002 00000001 00000004");
        assertEquals(new ReceiverReport(1, List.of()), RtcpParser.parsePacket(b, 0, b.length));
        // PLI padded with 8 bytes
        byte[] pli = hex("A1ce0004 00000001 00000002 00000000 00000008");
        assertEquals(new PictureLossIndication(1, 2), RtcpParser.parsePacket(pli, 0, pli.length));
        byte[] badPadding = hex("A0c90002 00000001 00000009");
        assertThrows(MalformedPacketException.class, () -> RtcpParser.parsePacket(badPadding, 0, badPadding.length));
        byte[] zeroPadding = hex("A0c90002 00000001 00000000");
        assertThrows(MalformedPacketException.class, () -> RtcpParser.parsePacket(zeroPadding, 0, zeroPadding.length));
    }

    @Test
    void typedParsersRejectOtherTypes() {
        byte[] rr = hex("80c90001 00000001");
        assertThrows(MalformedPacketException.class, () -> SenderReport.parse(rr, 0, rr.length));
        byte[] pli = hex("81ce0002 00000000 4bc4fcb4");
        assertThrows(MalformedPacketException.class, () -> FullIntraRequest.parse(pli, 0, pli.length));
        assertThrows(MalformedPacketException.class, () -> Remb.parse(pli, 0, pli.length));
        assertThrows(MalformedPacketException.class, () -> GenericNack.parse(pli, 0, pli.length));
    }
}
