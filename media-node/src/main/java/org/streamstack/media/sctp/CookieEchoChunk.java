package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * COOKIE ECHO, RFC 9260 3.3.11: returns the State Cookie of the INIT ACK, unchanged; must be the
 * first chunk of its packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 10   | Chunk  Flags  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                            Cookie                             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record CookieEchoChunk(byte[] cookie) implements Chunk {

    public CookieEchoChunk {
        if (cookie.length > 0xFFFF - ChunkHeader.SIZE) {
            throw new IllegalArgumentException("cookie of " + cookie.length + " bytes");
        }
    }

    public static CookieEchoChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.COOKIE_ECHO, ChunkHeader.SIZE);
        return new CookieEchoChunk(Arrays.copyOfRange(buf, off + ChunkHeader.SIZE, off + header.length()));
    }

    @Override
    public int type() {
        return ChunkType.COOKIE_ECHO;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + cookie.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.COOKIE_ECHO, 0, length());
        System.arraycopy(cookie, 0, buf, off + ChunkHeader.SIZE, cookie.length);
        return padded;
    }
}
