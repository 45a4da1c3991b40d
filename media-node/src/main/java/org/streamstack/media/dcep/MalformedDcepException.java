package org.streamstack.media.dcep;

/**
 * Bytes on PPID 50 that are not a valid DCEP message (RFC 8832 5). Checked, without a stack trace,
 * like the SCTP layer's exception: bad input is expected and cheap to reject.
 */
public final class MalformedDcepException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedDcepException(String message) {
        super(message, null, false, false);
    }
}
