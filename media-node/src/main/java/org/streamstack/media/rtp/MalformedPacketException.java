package org.streamstack.media.rtp;

/**
 * Bytes from the network that are not a valid packet of the expected kind. Checked on purpose:
 * bad input is an expected event on a media path, never a programming error, so callers must decide
 * (drop and count, usually).
 *
 * <p>No stack trace is captured: a flood of garbage must stay cheap, and the message says where
 * the bytes went wrong.
 */
public class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
