package org.streamstack.media.sctp;

/**
 * SHUTDOWN, RFC 9260 3.3.8: starts a graceful close (9.2) and acknowledges data up to its
 * cumulative TSN.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 7    | Chunk  Flags  |      Length = 8               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownChunk(int cumulativeTsnAck) implements Chunk {
    static final int LENGTH = 8;

    public static ShutdownChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.SHUTDOWN, LENGTH);
        if (header.length() != LENGTH) {
            throw new MalformedSctpException("SHUTDOWN of " + header.length() + " bytes");
        }
        return new ShutdownChunk(NetworkOrder.i32(buf, off + 4));
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN;
    }

    @Override
    public int length() {
        return LENGTH;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.SHUTDOWN, 0, LENGTH);
        NetworkOrder.put32(buf, off + 4, cumulativeTsnAck);
        return padded;
    }
}
