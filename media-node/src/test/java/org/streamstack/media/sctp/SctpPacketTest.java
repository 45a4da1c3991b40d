package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The common header and the CRC32c (RFC 9260 3.1, 6.8, appendix A). */
class SctpPacketTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    /**
     * RFC 3720 B.4 lists CRC32c results as the bytes go on the wire: least significant first, the
     * placement SCTP uses too (RFC 9260 appendix A).
     */
    @Test
    void crc32cMatchesRfc3720VectorsInWireOrder() {
        assertEquals("aa 36 91 8a", wireOrder(new byte[32]));
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        assertEquals("43 ab a8 62", wireOrder(ones));
        byte[] ascending = new byte[32];
        byte[] descending = new byte[32];
        for (int i = 0; i < 32; i++) {
            ascending[i] = (byte) i;
            descending[i] = (byte) (31 - i);
        }
        assertEquals("4e 79 dd 46", wireOrder(ascending));
        assertEquals("5c db 3f 11", wireOrder(descending));
    }

    private static String wireOrder(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int v = (int) crc.getValue();
        return HEX.formatHex(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    /** A header-only packet, ports 5000/5000, tag 0: its checksum is e100a906, written 06 a9 00 e1. */
    @Test
    void writesTheChecksumLittleEndian() throws MalformedSctpException {
        byte[] expected = HEX.parseHex("13 88 13 88 00 00 00 00 06 a9 00 e1");
        SctpPacket packet = new SctpPacket(5000, 5000, 0, List.of());
        assertArrayEquals(expected, packet.toBytes());
        assertEquals(0xe100a906, SctpPacket.checksum(expected, 0, expected.length));
        assertEquals(packet, SctpPacket.parse(expected, 0, expected.length));

        byte[] bigEndian = HEX.parseHex("13 88 13 88 00 00 00 00 e1 00 a9 06");
        MalformedSctpException e = assertThrows(MalformedSctpException.class,
                () -> SctpPacket.parse(bigEndian, 0, bigEndian.length));
        assertTrue(e.getMessage().contains("CRC32c"), e.getMessage());
    }

    @Test
    void roundTripsAPacketOfSeveralChunksAtAnOffset() throws MalformedSctpException {
        SctpPacket packet = new SctpPacket(5000, 5001, 0xCAFEBABE, List.of(
                new SackChunk(41, 65536, List.of(), List.of()),
                new DataChunk(42, 1, 0, 51, false, true, true, false, new byte[] {1, 2, 3}),
                new DataChunk(43, 1, 1, 53, false, true, true, true, new byte[] {4, 5, 6, 7, 8})));
        byte[] bytes = packet.toBytes();
        assertEquals(12 + 16 + 20 + 24, bytes.length, "each chunk padded to 4 bytes");
        byte[] shifted = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, shifted, 5, bytes.length);
        SctpPacket parsed = SctpPacket.parse(shifted, 5, bytes.length);
        assertEquals(5000, parsed.sourcePort());
        assertEquals(5001, parsed.destinationPort());
        assertEquals(0xCAFEBABE, parsed.verificationTag());
        assertEquals(3, parsed.chunks().size());
        assertArrayEquals(bytes, parsed.toBytes());
    }

    @Test
    void acceptsALastChunkWithoutItsPadding() throws MalformedSctpException {
        byte[] padded = new SctpPacket(5000, 5000, 1, List.of(
                new DataChunk(1, 0, 0, 51, false, true, true, false, new byte[] {9}))).toBytes();
        byte[] unpadded = Arrays.copyOf(padded, padded.length - 3);
        int crc = SctpPacket.checksum(unpadded, 0, unpadded.length);
        unpadded[8] = (byte) crc;
        unpadded[9] = (byte) (crc >>> 8);
        unpadded[10] = (byte) (crc >>> 16);
        unpadded[11] = (byte) (crc >>> 24);
        DataChunk d = (DataChunk) SctpPacket.parse(unpadded, 0, unpadded.length).chunks().get(0);
        assertArrayEquals(new byte[] {9}, d.payload());
    }

    @Test
    void rejectsShortPacketsAndBadChecksums() {
        assertThrows(MalformedSctpException.class, () -> SctpPacket.parse(new byte[11], 0, 11));
        byte[] good = new SctpPacket(5000, 5000, 7, List.of(new CookieAckChunk())).toBytes();
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(MalformedSctpException.class, () -> SctpPacket.parse(bad, 0, bad.length), "bit " + bit);
        }
    }
}
