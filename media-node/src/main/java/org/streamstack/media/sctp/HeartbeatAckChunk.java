package org.streamstack.media.sctp;

/**
 * HEARTBEAT ACK, RFC 9260 3.3.6: echoes the Heartbeat Info of the HEARTBEAT it answers, unchanged
 * (8.3).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 5    | Chunk  Flags  |    Heartbeat Ack Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /          Heartbeat Information TLV (Variable-Length)          /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record HeartbeatAckChunk(HeartbeatInfoParameter info) implements Chunk {

    public HeartbeatAckChunk {
        java.util.Objects.requireNonNull(info, "info");
    }

    public static HeartbeatAckChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        return new HeartbeatAckChunk(HeartbeatChunk.parseInfo(buf, off, len, ChunkType.HEARTBEAT_ACK));
    }

    @Override
    public int type() {
        return ChunkType.HEARTBEAT_ACK;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + info.length();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.HEARTBEAT_ACK, 0, length());
        info.writeTo(buf, off + ChunkHeader.SIZE);
        return padded;
    }
}
