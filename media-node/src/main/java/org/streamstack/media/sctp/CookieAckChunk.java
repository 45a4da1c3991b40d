package org.streamstack.media.sctp;

/**
 * COOKIE ACK, RFC 9260 3.3.12: confirms the COOKIE ECHO; the association is established.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 11   | Chunk  Flags  |     Length = 4                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record CookieAckChunk() implements Chunk {

    public static CookieAckChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader.expect(buf, off, len, ChunkType.COOKIE_ACK, ChunkHeader.SIZE);
        return new CookieAckChunk();
    }

    @Override
    public int type() {
        return ChunkType.COOKIE_ACK;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return ChunkHeader.write(buf, off, ChunkType.COOKIE_ACK, 0, ChunkHeader.SIZE);
    }
}
