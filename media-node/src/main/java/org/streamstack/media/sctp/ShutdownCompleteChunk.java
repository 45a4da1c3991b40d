package org.streamstack.media.sctp;

/**
 * SHUTDOWN COMPLETE, RFC 9260 3.3.13: the last chunk of a graceful close. With the T bit set the
 * verification tag is reflected (sent without a TCB, 8.4 item 5).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 14   |  Reserved   |T|      Length = 4               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ShutdownCompleteChunk(boolean tagReflected) implements Chunk {

    public static ShutdownCompleteChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.SHUTDOWN_COMPLETE, ChunkHeader.SIZE);
        return new ShutdownCompleteChunk((header.flags() & AbortChunk.FLAG_T) != 0);
    }

    @Override
    public int type() {
        return ChunkType.SHUTDOWN_COMPLETE;
    }

    @Override
    public int flags() {
        return tagReflected ? AbortChunk.FLAG_T : 0;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return ChunkHeader.write(buf, off, ChunkType.SHUTDOWN_COMPLETE, flags(), ChunkHeader.SIZE);
    }
}
