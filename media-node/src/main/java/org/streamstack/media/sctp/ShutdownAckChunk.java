package org.streamstack.media.sctp;

/**
 * SHUTDOWN ACK, RFC 9260 3.3.9: sent once all data is acknowledged after a SHUTDOWN (9.2).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 8    | Chunk  Flags  |      Length = 4               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownAckChunk() implements Chunk {

    public static ShutdownAckChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader.expect(buf, off, len, ChunkType.SHUTDOWN_ACK, ChunkHeader.SIZE);
        return new ShutdownAckChunk();
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN_ACK;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return ChunkHeader.write(buf, off, ChunkType.SHUTDOWN_ACK, 0, ChunkHeader.SIZE);
    }
}
