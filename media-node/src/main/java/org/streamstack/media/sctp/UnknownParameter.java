package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * A parameter this implementation does not interpret: addresses (RFC 9260 3.3.2.1: meaningless
 * under DTLS), AUTH's Random and HMAC parameters, other re-configuration requests, or something
 * new. Kept whole so that it can be reported back (RFC 9260 3.2.1).
 *
 * @param value the value after the 4-byte header, without padding
 */
public record UnknownParameter(int type, byte[] value) implements Parameter {

    public UnknownParameter {
        NetworkOrder.requireU16(type, "parameter type");
        if (value.length > 0xFFFF - ParameterHeader.SIZE) {
            throw new IllegalArgumentException("parameter value of " + value.length + " bytes");
        }
    }

    public static UnknownParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.parse(buf, off, len);
        return new UnknownParameter(header.type(), Arrays.copyOfRange(buf, off + ParameterHeader.SIZE, off + header.length()));
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE + value.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, type, length());
        System.arraycopy(value, 0, buf, off + ParameterHeader.SIZE, value.length);
        return padded;
    }

    /** The parameter's bytes, header included and padding left out, as an Unrecognized Parameter carries them. */
    public byte[] toBytes() {
        byte[] bytes = new byte[paddedLength()];
        writeTo(bytes, 0);
        return Arrays.copyOf(bytes, length());
    }
}
