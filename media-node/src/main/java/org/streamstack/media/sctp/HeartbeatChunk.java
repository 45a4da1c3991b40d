package org.streamstack.media.sctp;

/**
 * HEARTBEAT, RFC 9260 3.3.5: a probe whose Heartbeat Info the peer echoes in a HEARTBEAT ACK.
 * Chromium sends one after about 27 s of idleness (WEBRTC.md).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 4    | Chunk  Flags  |      Heartbeat Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /          Heartbeat Information TLV (Variable-Length)          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record HeartbeatChunk(HeartbeatInfoParameter info) implements Chunk {

    public HeartbeatChunk {
        java.util.Objects.requireNonNull(info, "info");
    }

    public static HeartbeatChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        return new HeartbeatChunk(parseInfo(buf, off, len, ChunkType.HEARTBEAT));
    }

    /** The one Heartbeat Info parameter a HEARTBEAT or HEARTBEAT ACK must hold. */
    static HeartbeatInfoParameter parseInfo(byte[] buf, int off, int len, int type) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, type, ChunkHeader.SIZE + ParameterHeader.SIZE);
        Parameter p = Parameter.parse(buf, off + ChunkHeader.SIZE, header.length() - ChunkHeader.SIZE);
        if (!(p instanceof HeartbeatInfoParameter info)) {
            throw new MalformedSctpException(ChunkType.name(type) + " without Heartbeat Info");
        }
        return info;
    }

    @Override
    public int type() {
        return ChunkType.HEARTBEAT;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + info.length();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.HEARTBEAT, 0, length());
        info.writeTo(buf, off + ChunkHeader.SIZE);
        return padded;
    }
}
