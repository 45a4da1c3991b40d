package org.streamstack.media.sctp;

import java.util.List;

/**
 * What INIT (RFC 9260 3.3.2) and INIT ACK (3.3.3) share: five fixed fields, then parameters.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 1/2  |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Initiate Tag                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Advertised Receiver Window Credit (a_rwnd)          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Number of Outbound Streams   |  Number of Inbound Streams    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Initial TSN                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /              Optional/Variable-Length Parameters              /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
record InitFields(int initiateTag, int advertisedReceiverWindowCredit, int outboundStreams, int inboundStreams,
                  int initialTsn, List<Parameter> parameters) {
    static final int FIXED_SIZE = 20;

    static InitFields parse(byte[] buf, int off, int len, int type) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, type, FIXED_SIZE);
        return new InitFields(NetworkOrder.i32(buf, off + 4), NetworkOrder.i32(buf, off + 8),
                NetworkOrder.u16(buf, off + 12), NetworkOrder.u16(buf, off + 14), NetworkOrder.i32(buf, off + 16),
                Parameter.parseAll(buf, off + FIXED_SIZE, header.length() - FIXED_SIZE));
    }

    static int length(List<Parameter> parameters) {
        return FIXED_SIZE + Parameter.lengthOfAll(parameters);
    }

    static int write(byte[] buf, int off, int type, int initiateTag, int aRwnd, int outboundStreams,
                     int inboundStreams, int initialTsn, List<Parameter> parameters) {
        int padded = ChunkHeader.write(buf, off, type, 0, length(parameters));
        NetworkOrder.put32(buf, off + 4, initiateTag);
        NetworkOrder.put32(buf, off + 8, aRwnd);
        NetworkOrder.put16(buf, off + 12, outboundStreams);
        NetworkOrder.put16(buf, off + 14, inboundStreams);
        NetworkOrder.put32(buf, off + 16, initialTsn);
        Parameter.writeAll(parameters, buf, off + FIXED_SIZE);
        return padded;
    }
}
