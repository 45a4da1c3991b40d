package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * DATA, RFC 9260 3.3.1 (the I bit is RFC 7053's SACK-IMMEDIATELY).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 0    |  Res  |I|U|B|E|            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              TSN                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Stream Identifier S      |   Stream Sequence Number n    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Payload Protocol Identifier                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                 User Data (seq n of Stream S)                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>B marks a message's first fragment, E its last (both: an unfragmented message); U means
 * unordered, whose SSN carries no meaning. RFC 9260 3.3.1 forbids an empty payload, so parsing
 * rejects one. The payload array is not copied.
 *
 * @param tsn the Transmission Sequence Number, unsigned 32 bits in an int
 * @param ppid the Payload Protocol Identifier, unsigned 32 bits in an int (RFC 8831 8: 51 text, 53 binary...)
 */
public record DataChunk(int tsn, int streamId, int ssn, int ppid, boolean unordered, boolean beginning,
                        boolean ending, boolean immediate, byte[] payload) implements Chunk {
    public static final int HEADER_SIZE = 16;
    static final int FLAG_END = 0x01;
    static final int FLAG_BEGINNING = 0x02;
    static final int FLAG_UNORDERED = 0x04;
    static final int FLAG_IMMEDIATE = 0x08;

    public DataChunk {
        NetworkOrder.requireU16(streamId, "stream identifier");
        NetworkOrder.requireU16(ssn, "stream sequence number");
        if (payload == null || payload.length == 0 || payload.length > 0xFFFF - HEADER_SIZE) {
            throw new IllegalArgumentException("a DATA chunk carries 1-65519 bytes of user data (RFC 9260 3.3.1)");
        }
    }

    public static DataChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.DATA, HEADER_SIZE);
        if (header.length() == HEADER_SIZE) {
            throw new MalformedSctpException("DATA chunk without user data (RFC 9260 3.3.1)");
        }
        int flags = header.flags();
        return new DataChunk(NetworkOrder.i32(buf, off + 4), NetworkOrder.u16(buf, off + 8),
                NetworkOrder.u16(buf, off + 10), NetworkOrder.i32(buf, off + 12),
                (flags & FLAG_UNORDERED) != 0, (flags & FLAG_BEGINNING) != 0, (flags & FLAG_END) != 0,
                (flags & FLAG_IMMEDIATE) != 0, Arrays.copyOfRange(buf, off + HEADER_SIZE, off + header.length()));
    }

    /** The same chunk with the I bit set or cleared. */
    public DataChunk withImmediate(boolean immediate) {
        return immediate == this.immediate ? this
                : new DataChunk(tsn, streamId, ssn, ppid, unordered, beginning, ending, immediate, payload);
    }

    @Override
    public int type() {
        return ChunkType.DATA;
    }

    @Override
    public int flags() {
        return (immediate ? FLAG_IMMEDIATE : 0) | (unordered ? FLAG_UNORDERED : 0)
                | (beginning ? FLAG_BEGINNING : 0) | (ending ? FLAG_END : 0);
    }

    @Override
    public int length() {
        return HEADER_SIZE + payload.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.DATA, flags(), length());
        NetworkOrder.put32(buf, off + 4, tsn);
        NetworkOrder.put16(buf, off + 8, streamId);
        NetworkOrder.put16(buf, off + 10, ssn);
        NetworkOrder.put32(buf, off + 12, ppid);
        System.arraycopy(payload, 0, buf, off + HEADER_SIZE, payload.length);
        return padded;
    }

    @Override
    public String toString() {
        return "DATA[tsn=" + Integer.toUnsignedString(tsn) + ", stream=" + streamId + ", ssn=" + ssn + ", ppid="
                + Integer.toUnsignedString(ppid) + (unordered ? ", U" : "") + (beginning ? ", B" : "")
                + (ending ? ", E" : "") + (immediate ? ", I" : "") + ", " + payload.length + " bytes]";
    }
}
