package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RtpPacketTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // Hand-assembled from the RFC 3550 5.1 and RFC 8285 4.2 diagrams:
    // 91: V=2 P=0 X=1 CC=1 | E0: M=1 PT=96 | seq 0x1234 | ts 0xDEADBEEF | SSRC 0x11223344 | CSRC 0x55667788
    // BEDE 0002: one-byte form, 2 words | 32: id 3, len-1 2 -> 01 02 03 | 50: id 5, 1 byte -> AA | 00 00 padding
    // payload CA FE
    static final byte[] ONE_BYTE_EXTENSIONS = hex(
            "91E01234 DEADBEEF 11223344 55667788 BEDE0002 32010203 50AA0000 CAFE");

    @Test
    void parsesTheFixedHeaderCsrcsOneByteExtensionsAndPayload() throws Exception {
        RtpPacket p = RtpPacket.parse(ONE_BYTE_EXTENSIONS, 0, ONE_BYTE_EXTENSIONS.length);
        assertTrue(p.marker());
        assertEquals(96, p.payloadType());
        assertEquals(0x1234, p.sequenceNumber());
        assertEquals(0xDEADBEEFL, p.timestamp());
        assertEquals(0x11223344L, p.ssrc());
        assertArrayEquals(new long[] {0x55667788L}, p.csrcs());
        assertEquals(List.of(new HeaderExtension(3, hex("010203")), new HeaderExtension(5, hex("AA"))), p.extensions());
        assertArrayEquals(hex("010203"), p.extension(3).orElseThrow());
        assertTrue(p.extension(4).isEmpty());
        assertEquals(28, p.payloadOffset());
        assertEquals(2, p.payloadLength());
        assertArrayEquals(hex("CAFE"), p.payload());
        assertEquals(0, p.paddingSize());
        assertEquals(28, p.headerSize());
        assertArrayEquals(ONE_BYTE_EXTENSIONS, p.toBytes());
    }

    @Test
    void payloadIsNotCopiedOnParse() throws Exception {
        byte[] buf = new byte[100];
        System.arraycopy(ONE_BYTE_EXTENSIONS, 0, buf, 10, ONE_BYTE_EXTENSIONS.length);
        RtpPacket p = RtpPacket.parse(buf, 10, ONE_BYTE_EXTENSIONS.length);
        assertSame(buf, p.payloadArray());
        assertEquals(38, p.payloadOffset());
        assertEquals(2, p.payloadLength());
    }

    @Test
    void writesTheSameVectorFromFields() {
        RtpPacket p = new RtpPacket(96, 0x1234, 0xDEADBEEFL, 0x11223344L);
        p.setMarker(true);
        p.setCsrcs(0x55667788L);
        p.setExtension(3, hex("010203"));
        p.setExtension(5, hex("AA"));
        p.setPayload(hex("CAFE"));
        assertArrayEquals(ONE_BYTE_EXTENSIONS, p.toBytes());
        byte[] offset = new byte[ONE_BYTE_EXTENSIONS.length + 7];
        assertEquals(ONE_BYTE_EXTENSIONS.length, p.writeTo(offset, 7));
        assertArrayEquals(ONE_BYTE_EXTENSIONS, java.util.Arrays.copyOfRange(offset, 7, offset.length));
    }

    @Test
    void paddingRoundTrips() throws Exception {
        // A0: V=2 P=1 | 6F: PT 111 | seq 1 | ts 16 | SSRC 1 | payload 010203 | padding 00 00 03 (RFC 3550 5.1: count includes itself)
        byte[] bytes = hex("A06F0001 00000010 00000001 010203 000003");
        RtpPacket p = RtpPacket.parse(bytes, 0, bytes.length);
        assertEquals(3, p.paddingSize());
        assertArrayEquals(hex("010203"), p.payload());
        assertFalse(p.marker());
        assertArrayEquals(bytes, p.toBytes());
    }

    @Test
    void readsAndWritesTheTwoByteForm() throws Exception {
        // 1000 0002: RFC 8285 4.3 profile, 2 words | 01 00: id 1, empty | 10 03 AABBCC: id 16, 3 bytes | 00 padding
        byte[] bytes = hex("90600001 00000002 00000003 10000002 0100 1003AABBCC 00 FF");
        RtpPacket p = RtpPacket.parse(bytes, 0, bytes.length);
        assertEquals(List.of(new HeaderExtension(1, new byte[0]), new HeaderExtension(16, hex("AABBCC"))), p.extensions());
        assertArrayEquals(hex("FF"), p.payload());
        assertArrayEquals(bytes, p.toBytes(), "an element that fits no one-byte form keeps the two-byte form");
    }

    @Test
    void oneByteFormSkipsPaddingBetweenElementsAndStopsAtId15() throws Exception {
        // 10 AA | 00 00 padding | 21 BBCC | F0 ...: id 15 ends processing (RFC 8285 4.2)
        byte[] bytes = hex("90600001 00000002 00000003 BEDE0002 10AA0000 21BBCCF0 77");
        RtpPacket p = RtpPacket.parse(bytes, 0, bytes.length);
        assertEquals(List.of(new HeaderExtension(1, hex("AA")), new HeaderExtension(2, hex("BBCC"))), p.extensions());
        assertArrayEquals(hex("77"), p.payload());
    }

    @Test
    void keepsAnOpaqueRfc3550ExtensionUnchanged() throws Exception {
        // From pion/rtp packet_test.go TestBasic: profile 0x0001, one word of FF.
        byte[] bytes = hex("90e0698f d9c293da 1c642782 00010001 FFFFFFFF 9836be889e");
        RtpPacket p = RtpPacket.parse(bytes, 0, bytes.length);
        assertEquals(27023, p.sequenceNumber());
        assertEquals(3653407706L, p.timestamp());
        assertEquals(476325762L, p.ssrc());
        assertTrue(p.extensions().isEmpty());
        assertArrayEquals(hex("9836be889e"), p.payload());
        assertArrayEquals(bytes, p.toBytes());
        p.setExtension(3, hex("000001"));
        assertEquals("BEDE0001", HexFormat.of().withUpperCase().formatHex(p.toBytes(), 12, 16));
    }

    @Test
    void setExtensionReplacesAndRemoveDrops() throws Exception {
        RtpPacket p = new RtpPacket(96, 1, 2, 3);
        p.setExtension(2, hex("000000"));
        p.setExtension(4, hex("01"));
        p.setExtension(2, hex("ABCDEF"));
        assertEquals(List.of(new HeaderExtension(2, hex("ABCDEF")), new HeaderExtension(4, hex("01"))), p.extensions());
        assertTrue(p.removeExtension(4));
        assertFalse(p.removeExtension(4));
        RtpPacket back = RtpPacket.parse(p.toBytes(), 0, p.size());
        assertEquals(p.extensions(), back.extensions());
        p.removeExtension(2);
        assertEquals(12, p.toBytes().length);
        assertEquals(0x80, p.toBytes()[0] & 0xFF, "X is clear without elements");
    }

    @Test
    void roundTripsEveryCombination() throws Exception {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 500; i++) {
            RtpPacket p = new RtpPacket(random.nextInt(128), random.nextInt(65536), random.nextLong() & 0xFFFFFFFFL,
                    random.nextLong() & 0xFFFFFFFFL);
            p.setMarker(random.nextBoolean());
            long[] csrcs = new long[random.nextInt(16)];
            for (int c = 0; c < csrcs.length; c++) {
                csrcs[c] = random.nextLong() & 0xFFFFFFFFL;
            }
            p.setCsrcs(csrcs);
            int elements = random.nextInt(4);
            boolean twoByte = random.nextInt(4) == 0;
            for (int e = 0; e < elements; e++) {
                int id = twoByte ? 1 + random.nextInt(255) : 1 + random.nextInt(14);
                byte[] data = new byte[twoByte ? random.nextInt(40) : 1 + random.nextInt(16)];
                random.nextBytes(data);
                p.setExtension(id, data);
            }
            byte[] payload = new byte[random.nextInt(1200)];
            random.nextBytes(payload);
            p.setPayload(payload);
            p.setPaddingSize(random.nextInt(3) == 0 ? 1 + random.nextInt(255) : 0);

            byte[] bytes = p.toBytes();
            assertEquals(p.size(), bytes.length);
            RtpPacket back = RtpPacket.parse(bytes, 0, bytes.length);
            assertEquals(p.marker(), back.marker());
            assertEquals(p.payloadType(), back.payloadType());
            assertEquals(p.sequenceNumber(), back.sequenceNumber());
            assertEquals(p.timestamp(), back.timestamp());
            assertEquals(p.ssrc(), back.ssrc());
            assertArrayEquals(p.csrcs(), back.csrcs());
            assertEquals(p.extensions(), back.extensions());
            assertArrayEquals(payload, back.payload());
            assertEquals(p.paddingSize(), back.paddingSize());
            assertArrayEquals(bytes, back.toBytes());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "80600001 00000002 000000", // truncated: 11 bytes
            "40600001 00000002 00000003", // version 1
            "C0600001 00000002 00000003", // version 3
            "8F600001 00000002 00000003 00000004", // CC=15 past the end
            "90600001 00000002 00000003 BEDE", // X=1, no room for the extension header
            "90600001 00000002 00000003 BEDE0002 10AA0000", // extension length past the end
            "90600001 00000002 00000003 BEDE0001 3F000000", // one-byte element of 16 bytes in a 4-byte block
            "90600001 00000002 00000003 10000001 01050000", // two-byte element of 5 bytes in a 4-byte block
            "90600001 00000002 00000003 10000001 000000FF", // two-byte element without its length byte
            "A0600001 00000002 00000003 0102FF", // padding count 255 > 3 bytes
            "A0600001 00000002 00000003 010200", // padding count 0
            "A0600001 00000002 00000003", // P=1 and nothing after the header
    })
    void rejectsMalformedPackets(String bytes) {
        byte[] b = hex(bytes);
        assertThrows(MalformedPacketException.class, () -> RtpPacket.parse(b, 0, b.length));
    }

    @Test
    void rejectsOutOfRangeFields() {
        RtpPacket p = new RtpPacket();
        assertThrows(IllegalArgumentException.class, () -> p.setPayloadType(128));
        assertThrows(IllegalArgumentException.class, () -> p.setSequenceNumber(65536));
        assertThrows(IllegalArgumentException.class, () -> p.setTimestamp(1L << 32));
        assertThrows(IllegalArgumentException.class, () -> p.setSsrc(-1));
        assertThrows(IllegalArgumentException.class, () -> p.setCsrcs(new long[16]));
        assertThrows(IllegalArgumentException.class, () -> p.setExtension(0, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> p.setPaddingSize(256));
        assertThrows(IndexOutOfBoundsException.class, () -> p.writeTo(new byte[11], 0));
    }
}
