package org.streamstack.media.sctp;

/**
 * The header every chunk starts with, RFC 9260 3.2.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                          Chunk Value                          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The length counts header and value but not the zero padding to a 4-byte boundary, which the
 * sender always writes and the receiver ignores.
 */
public record ChunkHeader(int type, int flags, int length) {
    public static final int SIZE = 4;

    public ChunkHeader {
        NetworkOrder.requireU8(type, "chunk type");
        NetworkOrder.requireU8(flags, "chunk flags");
        if (length < SIZE || length > 0xFFFF) {
            throw new IllegalArgumentException("chunk length must be 4-65535: " + length);
        }
    }

    /**
     * The header at {@code off}, checked against the {@code len} bytes available there.
     *
     * @throws MalformedSctpException if fewer than 4 bytes, a length below 4, or a length that runs
     *     past {@code len}
     */
    public static ChunkHeader parse(byte[] buf, int off, int len) throws MalformedSctpException {
        if (len < SIZE) {
            throw new MalformedSctpException(len + " bytes cannot hold a chunk header");
        }
        int type = NetworkOrder.u8(buf, off);
        int length = NetworkOrder.u16(buf, off + 2);
        if (length < SIZE) {
            throw new MalformedSctpException(ChunkType.name(type) + " with length " + length);
        }
        if (length > len) {
            throw new MalformedSctpException(ChunkType.name(type) + " of " + length + " bytes, " + len + " remain");
        }
        return new ChunkHeader(type, NetworkOrder.u8(buf, off + 1), length);
    }

    /**
     * Parses a header and checks it is of {@code type} and at least {@code minLength} long.
     */
    static ChunkHeader expect(byte[] buf, int off, int len, int type, int minLength) throws MalformedSctpException {
        ChunkHeader header = parse(buf, off, len);
        if (header.type != type) {
            throw new MalformedSctpException("expected " + ChunkType.name(type) + ", found " + ChunkType.name(header.type));
        }
        if (header.length < minLength) {
            throw new MalformedSctpException(ChunkType.name(type) + " of " + header.length + " bytes, at least " + minLength + " needed");
        }
        return header;
    }

    /** Writes the header and zeroes the padding after a chunk of {@code length} bytes; returns the padded size. */
    static int write(byte[] buf, int off, int type, int flags, int length) {
        int padded = NetworkOrder.padded(length);
        java.util.Objects.checkFromIndexSize(off, padded, buf.length);
        buf[off] = (byte) type;
        buf[off + 1] = (byte) flags;
        NetworkOrder.put16(buf, off + 2, length);
        for (int i = off + length; i < off + padded; i++) {
            buf[i] = 0;
        }
        return padded;
    }
}
