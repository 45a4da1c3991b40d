package org.streamstack.media.sctp;

import java.util.OptionalInt;

/**
 * Re-configuration Response, RFC 6525 4.4: the answer to a request, matched by its sequence number.
 * The two TSN fields appear only in answers to SSN/TSN Reset Requests, which we never send.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 16       |      Parameter Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Re-configuration Response Sequence Number             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Result                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Sender's Next TSN (optional)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Receiver's Next TSN (optional)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ReconfigResponseParameter(int responseSequenceNumber, int result, OptionalInt senderNextTsn,
                                        OptionalInt receiverNextTsn) implements Parameter {
    public static final int SUCCESS_NOTHING_TO_DO = 0;
    public static final int SUCCESS_PERFORMED = 1;
    public static final int DENIED = 2;
    public static final int ERROR_WRONG_SSN = 3;
    public static final int ERROR_REQUEST_ALREADY_IN_PROGRESS = 4;
    public static final int ERROR_BAD_SEQUENCE_NUMBER = 5;
    public static final int IN_PROGRESS = 6;
    static final int SHORT_SIZE = 12;
    static final int LONG_SIZE = 20;

    public ReconfigResponseParameter {
        if (senderNextTsn.isPresent() != receiverNextTsn.isPresent()) {
            throw new IllegalArgumentException("both next TSNs or neither (RFC 6525 4.4)");
        }
    }

    public ReconfigResponseParameter(int responseSequenceNumber, int result) {
        this(responseSequenceNumber, result, OptionalInt.empty(), OptionalInt.empty());
    }

    public static ReconfigResponseParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, RECONFIG_RESPONSE, SHORT_SIZE);
        if (header.length() != SHORT_SIZE && header.length() != LONG_SIZE) {
            throw new MalformedSctpException("Re-configuration Response of " + header.length() + " bytes");
        }
        boolean tsns = header.length() == LONG_SIZE;
        return new ReconfigResponseParameter(NetworkOrder.i32(buf, off + 4), NetworkOrder.i32(buf, off + 8),
                tsns ? OptionalInt.of(NetworkOrder.i32(buf, off + 12)) : OptionalInt.empty(),
                tsns ? OptionalInt.of(NetworkOrder.i32(buf, off + 16)) : OptionalInt.empty());
    }

    /** RFC 6525 4.4: results 0 and 1 mean the request took effect. */
    public boolean successful() {
        return result == SUCCESS_NOTHING_TO_DO || result == SUCCESS_PERFORMED;
    }

    @Override
    public int type() {
        return RECONFIG_RESPONSE;
    }

    @Override
    public int length() {
        return senderNextTsn.isPresent() ? LONG_SIZE : SHORT_SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, RECONFIG_RESPONSE, length());
        NetworkOrder.put32(buf, off + 4, responseSequenceNumber);
        NetworkOrder.put32(buf, off + 8, result);
        if (senderNextTsn.isPresent()) {
            NetworkOrder.put32(buf, off + 12, senderNextTsn.getAsInt());
            NetworkOrder.put32(buf, off + 16, receiverNextTsn.getAsInt());
        }
        return padded;
    }
}
