package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * State Cookie, RFC 9260 3.3.3.1: opaque to the initiator, which echoes it in COOKIE ECHO. Ours is
 * {@link StateCookie}: everything needed to build the association, signed, so that no state is
 * kept before the echo (5.1.3).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Type = 7             |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                            Cookie                             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record StateCookieParameter(byte[] cookie) implements Parameter {

    public StateCookieParameter {
        if (cookie.length > 0xFFFF - 2 * ParameterHeader.SIZE) {
            throw new IllegalArgumentException("cookie of " + cookie.length + " bytes");
        }
    }

    public static StateCookieParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, STATE_COOKIE, ParameterHeader.SIZE);
        return new StateCookieParameter(Arrays.copyOfRange(buf, off + ParameterHeader.SIZE, off + header.length()));
    }

    @Override
    public int type() {
        return STATE_COOKIE;
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE + cookie.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, STATE_COOKIE, length());
        System.arraycopy(cookie, 0, buf, off + ParameterHeader.SIZE, cookie.length);
        return padded;
    }
}
