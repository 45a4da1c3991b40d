package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * Heartbeat Info, RFC 9260 3.3.5: opaque to the receiver, echoed unchanged.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Heartbeat Info Type = 1    |         HB Info Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                  Sender-Specific Heartbeat Info               /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record HeartbeatInfoParameter(byte[] info) implements Parameter {

    public HeartbeatInfoParameter {
        if (info.length > 0xFFFF - 2 * ParameterHeader.SIZE) {
            throw new IllegalArgumentException("heartbeat info of " + info.length + " bytes");
        }
    }

    public static HeartbeatInfoParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, HEARTBEAT_INFO, ParameterHeader.SIZE);
        return new HeartbeatInfoParameter(Arrays.copyOfRange(buf, off + ParameterHeader.SIZE, off + header.length()));
    }

    @Override
    public int type() {
        return HEARTBEAT_INFO;
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE + info.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, HEARTBEAT_INFO, length());
        System.arraycopy(info, 0, buf, off + ParameterHeader.SIZE, info.length);
        return padded;
    }
}
