package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * Outgoing SSN Reset Request, RFC 6525 4.1: the sender will start the listed streams (all, if none
 * is listed) over at SSN 0 after its TSN {@code senderLastAssignedTsn}. A data channel closes with
 * one in each direction (RFC 8831 6.7).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Request Sequence Number            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Response Sequence Number           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Sender's Last Assigned TSN                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                            ......                             /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Stream Number N-1 (optional) |    Stream Number N (optional) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record OutgoingSsnResetRequestParameter(int requestSequenceNumber, int responseSequenceNumber,
                                               int senderLastAssignedTsn, List<Integer> streamIds) implements Parameter {
    static final int FIXED_SIZE = 16;

    public OutgoingSsnResetRequestParameter {
        streamIds = List.copyOf(streamIds);
        for (int id : streamIds) {
            NetworkOrder.requireU16(id, "stream number");
        }
        if (FIXED_SIZE + 2 * streamIds.size() > 0xFFFF) {
            throw new IllegalArgumentException(streamIds.size() + " streams do not fit one parameter");
        }
    }

    public static OutgoingSsnResetRequestParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, OUTGOING_SSN_RESET_REQUEST, FIXED_SIZE);
        if (header.length() % 2 != 0) {
            throw new MalformedSctpException("Outgoing SSN Reset Request of odd length " + header.length());
        }
        List<Integer> streams = new ArrayList<>((header.length() - FIXED_SIZE) / 2);
        for (int pos = off + FIXED_SIZE; pos < off + header.length(); pos += 2) {
            streams.add(NetworkOrder.u16(buf, pos));
        }
        return new OutgoingSsnResetRequestParameter(NetworkOrder.i32(buf, off + 4), NetworkOrder.i32(buf, off + 8),
                NetworkOrder.i32(buf, off + 12), streams);
    }

    @Override
    public int type() {
        return OUTGOING_SSN_RESET_REQUEST;
    }

    @Override
    public int length() {
        return FIXED_SIZE + 2 * streamIds.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, OUTGOING_SSN_RESET_REQUEST, length());
        NetworkOrder.put32(buf, off + 4, requestSequenceNumber);
        NetworkOrder.put32(buf, off + 8, responseSequenceNumber);
        NetworkOrder.put32(buf, off + 12, senderLastAssignedTsn);
        int pos = off + FIXED_SIZE;
        for (int id : streamIds) {
            NetworkOrder.put16(buf, pos, id);
            pos += 2;
        }
        return padded;
    }
}
