package org.streamstack.media.sctp;

/**
 * One chunk of an SCTP packet (RFC 9260 3.2). Each type lives in its own file with a symmetric
 * {@code parse}/{@code writeTo}; types this implementation does not know parse as
 * {@link UnknownChunk} so that the association can apply RFC 9260 3.2's rule for them.
 */
public sealed interface Chunk permits DataChunk, InitChunk, InitAckChunk, SackChunk, HeartbeatChunk,
        HeartbeatAckChunk, AbortChunk, ShutdownChunk, ShutdownAckChunk, ErrorChunk, CookieEchoChunk,
        CookieAckChunk, ShutdownCompleteChunk, ReconfigChunk, ForwardTsnChunk, UnknownChunk {

    int type();

    default int flags() {
        return 0;
    }

    /** The Chunk Length field: header and value, without padding. */
    int length();

    /** Bytes the chunk takes in a packet, padding included. */
    default int paddedLength() {
        return NetworkOrder.padded(length());
    }

    /**
     * Writes the chunk and its zero padding at {@code off}.
     *
     * @return {@link #paddedLength()}
     */
    int writeTo(byte[] buf, int off);

    /**
     * Parses the chunk at {@code off}; {@code len} is what remains of the packet there (the chunk
     * may be shorter; its padding may be missing if it is the last one).
     */
    static Chunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.parse(buf, off, len);
        int n = header.length();
        return switch (header.type()) {
            case ChunkType.DATA -> DataChunk.parse(buf, off, n);
            case ChunkType.INIT -> InitChunk.parse(buf, off, n);
            case ChunkType.INIT_ACK -> InitAckChunk.parse(buf, off, n);
            case ChunkType.SACK -> SackChunk.parse(buf, off, n);
            case ChunkType.HEARTBEAT -> HeartbeatChunk.parse(buf, off, n);
            case ChunkType.HEARTBEAT_ACK -> HeartbeatAckChunk.parse(buf, off, n);
            case ChunkType.ABORT -> AbortChunk.parse(buf, off, n);
            case ChunkType.SHUTDOWN -> ShutdownChunk.parse(buf, off, n);
            case ChunkType.SHUTDOWN_ACK -> ShutdownAckChunk.parse(buf, off, n);
            case ChunkType.ERROR -> ErrorChunk.parse(buf, off, n);
            case ChunkType.COOKIE_ECHO -> CookieEchoChunk.parse(buf, off, n);
            case ChunkType.COOKIE_ACK -> CookieAckChunk.parse(buf, off, n);
            case ChunkType.SHUTDOWN_COMPLETE -> ShutdownCompleteChunk.parse(buf, off, n);
            case ChunkType.RE_CONFIG -> ReconfigChunk.parse(buf, off, n);
            case ChunkType.FORWARD_TSN -> ForwardTsnChunk.parse(buf, off, n);
            default -> UnknownChunk.parse(buf, off, n);
        };
    }
}
