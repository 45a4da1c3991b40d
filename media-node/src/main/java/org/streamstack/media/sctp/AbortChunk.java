package org.streamstack.media.sctp;

import java.util.List;

/**
 * ABORT, RFC 9260 3.3.7: ends the association at once. With the T bit set the verification tag is
 * the one the receiver would have expected from the sender (the sender had no TCB, 8.4).
 * Chromium's {@code pc.close()} sends one ("Close called"), never SHUTDOWN (WEBRTC.md).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 6    |  Reserved   |T|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                   zero or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record AbortChunk(boolean tagReflected, List<ErrorCause> causes) implements Chunk {
    static final int FLAG_T = 0x01;

    public AbortChunk {
        causes = List.copyOf(causes);
    }

    public static AbortChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.ABORT, ChunkHeader.SIZE);
        return new AbortChunk((header.flags() & FLAG_T) != 0,
                ErrorCause.parseAll(buf, off + ChunkHeader.SIZE, header.length() - ChunkHeader.SIZE));
    }

    @Override
    public int type() {
        return ChunkType.ABORT;
    }

    @Override
    public int flags() {
        return tagReflected ? FLAG_T : 0;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + ErrorCause.lengthOfAll(causes);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.ABORT, flags(), length());
        ErrorCause.writeAll(causes, buf, off + ChunkHeader.SIZE);
        return padded;
    }
}
