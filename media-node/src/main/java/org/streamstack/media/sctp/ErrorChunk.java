package org.streamstack.media.sctp;

import java.util.List;

/**
 * ERROR, RFC 9260 3.3.10: reports conditions that do not end the association (an unrecognized
 * chunk type, a stale cookie...).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 9    | Chunk  Flags  |           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                    one or more Error Causes                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ErrorChunk(List<ErrorCause> causes) implements Chunk {

    public ErrorChunk {
        causes = List.copyOf(causes);
    }

    public static ErrorChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.ERROR, ChunkHeader.SIZE);
        return new ErrorChunk(ErrorCause.parseAll(buf, off + ChunkHeader.SIZE, header.length() - ChunkHeader.SIZE));
    }

    @Override
    public int type() {
        return ChunkType.ERROR;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + ErrorCause.lengthOfAll(causes);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.ERROR, 0, length());
        ErrorCause.writeAll(causes, buf, off + ChunkHeader.SIZE);
        return padded;
    }
}
