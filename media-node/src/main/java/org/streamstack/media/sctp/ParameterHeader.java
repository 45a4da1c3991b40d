package org.streamstack.media.sctp;

/**
 * The type-length header of a chunk parameter, RFC 9260 3.2.1; error causes (3.3.10) share the
 * layout with a cause code for the type.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Parameter Type         |       Parameter Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                        Parameter Value                        /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>As with chunks, the length leaves out the padding to a 4-byte boundary.
 */
public record ParameterHeader(int type, int length) {
    public static final int SIZE = 4;

    public ParameterHeader {
        NetworkOrder.requireU16(type, "parameter type");
        if (length < SIZE || length > 0xFFFF) {
            throw new IllegalArgumentException("parameter length must be 4-65535: " + length);
        }
    }

    public static ParameterHeader parse(byte[] buf, int off, int len) throws MalformedSctpException {
        if (len < SIZE) {
            throw new MalformedSctpException(len + " bytes cannot hold a parameter header");
        }
        int type = NetworkOrder.u16(buf, off);
        int length = NetworkOrder.u16(buf, off + 2);
        if (length < SIZE || length > len) {
            throw new MalformedSctpException("parameter " + type + " of length " + length + ", " + len + " bytes remain");
        }
        return new ParameterHeader(type, length);
    }

    static ParameterHeader expect(byte[] buf, int off, int len, int type, int minLength) throws MalformedSctpException {
        ParameterHeader header = parse(buf, off, len);
        if (header.type != type) {
            throw new MalformedSctpException("expected parameter " + type + ", found " + header.type);
        }
        if (header.length < minLength) {
            throw new MalformedSctpException("parameter " + type + " of " + header.length + " bytes, at least " + minLength + " needed");
        }
        return header;
    }

    /** Writes type and length and zeroes the padding after {@code length} bytes; returns the padded size. */
    static int write(byte[] buf, int off, int type, int length) {
        int padded = NetworkOrder.padded(length);
        java.util.Objects.checkFromIndexSize(off, padded, buf.length);
        NetworkOrder.put16(buf, off, type);
        NetworkOrder.put16(buf, off + 2, length);
        for (int i = off + length; i < off + padded; i++) {
            buf[i] = 0;
        }
        return padded;
    }
}
