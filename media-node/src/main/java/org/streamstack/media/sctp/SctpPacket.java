package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * An SCTP packet, RFC 9260 3: the common header and one or more chunks.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Source Port Number        |     Destination Port Number   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Verification Tag                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Checksum                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Chunk #1                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           ...                                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum is CRC32c (RFC 9260 6.8, appendix A) over the whole packet with the checksum
 * field zeroed, stored least significant byte first: the one little-endian field of SCTP. A
 * big-endian checksum makes Chromium drop our INIT ACK silently (WEBRTC.md). Zero checksums (RFC
 * 9653) are not negotiated, so every packet is verified.
 */
public record SctpPacket(int sourcePort, int destinationPort, int verificationTag, List<Chunk> chunks) {
    public static final int HEADER_SIZE = 12;
    private static final byte[] ZERO_CHECKSUM = new byte[4];

    public SctpPacket {
        NetworkOrder.requireU16(sourcePort, "source port");
        NetworkOrder.requireU16(destinationPort, "destination port");
        chunks = List.copyOf(chunks);
    }

    /**
     * Parses and verifies a packet.
     *
     * @throws MalformedSctpException if shorter than the common header, the checksum does not match,
     *     or any chunk is malformed
     */
    public static SctpPacket parse(byte[] buf, int off, int len) throws MalformedSctpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER_SIZE) {
            throw new MalformedSctpException("SCTP packet of " + len + " bytes is shorter than its common header");
        }
        int expected = readChecksum(buf, off);
        int actual = checksum(buf, off, len);
        if (expected != actual) {
            throw new MalformedSctpException(String.format("CRC32c %08x, computed %08x", expected, actual));
        }
        List<Chunk> chunks = new ArrayList<>();
        int pos = HEADER_SIZE;
        while (pos < len) {
            Chunk chunk = Chunk.parse(buf, off + pos, len - pos);
            chunks.add(chunk);
            pos += Math.min(chunk.paddedLength(), len - pos);
        }
        return new SctpPacket(NetworkOrder.u16(buf, off), NetworkOrder.u16(buf, off + 2), NetworkOrder.i32(buf, off + 4), chunks);
    }

    /**
     * CRC32c of {@code len} bytes at {@code off} with the checksum field (bytes 8-11) taken as zero,
     * without modifying the array.
     */
    public static int checksum(byte[] buf, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(buf, off, 8);
        crc.update(ZERO_CHECKSUM, 0, 4);
        crc.update(buf, off + HEADER_SIZE, len - HEADER_SIZE);
        return (int) crc.getValue();
    }

    /** The checksum field, read little-endian. */
    static int readChecksum(byte[] buf, int off) {
        return (buf[off + 8] & 0xFF) | (buf[off + 9] & 0xFF) << 8 | (buf[off + 10] & 0xFF) << 16 | (buf[off + 11] & 0xFF) << 24;
    }

    public int length() {
        int total = HEADER_SIZE;
        for (Chunk chunk : chunks) {
            total += chunk.paddedLength();
        }
        return total;
    }

    /** Writes the packet, checksum included; returns its length. */
    public int writeTo(byte[] buf, int off) {
        int length = length();
        Objects.checkFromIndexSize(off, length, buf.length);
        NetworkOrder.put16(buf, off, sourcePort);
        NetworkOrder.put16(buf, off + 2, destinationPort);
        NetworkOrder.put32(buf, off + 4, verificationTag);
        int pos = off + HEADER_SIZE;
        for (Chunk chunk : chunks) {
            pos += chunk.writeTo(buf, pos);
        }
        int crc = checksum(buf, off, length);
        buf[off + 8] = (byte) crc;
        buf[off + 9] = (byte) (crc >>> 8);
        buf[off + 10] = (byte) (crc >>> 16);
        buf[off + 11] = (byte) (crc >>> 24);
        return length;
    }

    public byte[] toBytes() {
        byte[] bytes = new byte[length()];
        writeTo(bytes, 0);
        return bytes;
    }
}
