package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * Unrecognized Parameter, RFC 9260 3.3.3.1: in an INIT ACK, returns an INIT parameter whose type
 * asked to be reported (3.2.1), whole.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Type = 8             |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                  Unrecognized Parameter                       /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param parameter the unrecognized parameter's bytes, its own header included
 */
public record UnrecognizedParameter(byte[] parameter) implements Parameter {

    public UnrecognizedParameter {
        if (parameter.length > 0xFFFF - ParameterHeader.SIZE) {
            throw new IllegalArgumentException("parameter of " + parameter.length + " bytes");
        }
    }

    public static UnrecognizedParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, UNRECOGNIZED_PARAMETER, ParameterHeader.SIZE);
        return new UnrecognizedParameter(Arrays.copyOfRange(buf, off + ParameterHeader.SIZE, off + header.length()));
    }

    @Override
    public int type() {
        return UNRECOGNIZED_PARAMETER;
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE + parameter.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, UNRECOGNIZED_PARAMETER, length());
        System.arraycopy(parameter, 0, buf, off + ParameterHeader.SIZE, parameter.length);
        return padded;
    }
}
