package org.streamstack.media.sctp;

/** Why an association ended (RFC 9260 9: graceful, abortive; 8.1: unreachable peer). */
public enum CloseReason {
    /** SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE went through (9.2), or shutdown before any association. */
    SHUTDOWN,
    /** The peer sent ABORT; Chromium does on {@code pc.close()}. */
    PEER_ABORT,
    /** We sent ABORT: {@link SctpAssociation#abort}, or a protocol violation or exhausted resource. */
    LOCAL_ABORT,
    /** Too many retransmissions without an answer (8.1, 5.1 Max.Init.Retransmits). */
    FAILURE
}
