package org.streamstack.media.dtls;

/**
 * Why a {@link DtlsTransport} ended; reported once through {@code Listener.onClosed}.
 *
 * @param cause what ended it
 * @param handshakeCompleted whether keys had been reported before
 * @param alert the TLS AlertDescription sent or received (RFC 5246 section 7.2), or -1
 * @param detail a human-readable explanation
 */
public record DtlsClose(Cause cause, boolean handshakeCompleted, int alert, String detail) {

    public enum Cause {
        /** {@code close()} was called. */
        LOCAL_CLOSE,
        /** The peer sent close_notify. */
        PEER_CLOSE_NOTIFY,
        /** We sent a fatal alert (for example bad_certificate on a fingerprint mismatch). */
        ALERT_SENT,
        /** The peer sent a fatal alert. */
        ALERT_RECEIVED,
        /** The handshake did not complete within the configured time. */
        HANDSHAKE_TIMEOUT,
        /** Anything else. */
        ERROR
    }
}
