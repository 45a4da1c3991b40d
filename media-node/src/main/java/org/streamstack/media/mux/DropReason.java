package org.streamstack.media.mux;

/** Why the demultiplexer did not deliver a datagram. */
public enum DropReason {
    EMPTY,
    /** First byte in no RFC 7983 range (4..15, 80..127, 192..255). */
    UNKNOWN_FIRST_BYTE,
    /** RFC 7983 16..19: WebRTC does not use ZRTP. */
    ZRTP,
    /** Shorter than the smallest valid header of its kind. */
    TOO_SHORT,
    /** A kind nobody registered for (for example TURN ChannelData on a host-only transport). */
    NO_HANDLER,
    /** The handler threw: the datagram is lost, the transport goes on. */
    HANDLER_FAILED
}
