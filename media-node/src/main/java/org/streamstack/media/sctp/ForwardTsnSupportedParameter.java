package org.streamstack.media.sctp;

/**
 * Forward-TSN-Supported, RFC 3758 3.1: the sender understands FORWARD TSN (partial reliability).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Parameter Type = 49152     |  Parameter Length = 4         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ForwardTsnSupportedParameter() implements Parameter {

    public static ForwardTsnSupportedParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, FORWARD_TSN_SUPPORTED, ParameterHeader.SIZE);
        if (header.length() != ParameterHeader.SIZE) {
            throw new MalformedSctpException("Forward-TSN-Supported of " + header.length() + " bytes");
        }
        return new ForwardTsnSupportedParameter();
    }

    @Override
    public int type() {
        return FORWARD_TSN_SUPPORTED;
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return ParameterHeader.write(buf, off, FORWARD_TSN_SUPPORTED, ParameterHeader.SIZE);
    }
}
