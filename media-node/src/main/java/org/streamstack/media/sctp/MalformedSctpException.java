package org.streamstack.media.sctp;

/**
 * Bytes that are not a valid SCTP packet, chunk, parameter or error cause. Checked on purpose: bad
 * input from the network is an expected event, never a programming error, so callers decide (the
 * association drops and counts).
 *
 * <p>No stack trace is captured: a flood of garbage must stay cheap, and the message says where the
 * bytes went wrong.
 */
public final class MalformedSctpException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedSctpException(String message) {
        super(message, null, false, false);
    }
}
