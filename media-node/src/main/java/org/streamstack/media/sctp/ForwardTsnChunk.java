package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * FORWARD TSN, RFC 3758 3.2: tells the receiver to move its cumulative TSN forward over abandoned
 * messages; for ordered streams, each entry names the last SSN skipped. Chromium sends it without
 * entries for unordered channels (WEBRTC.md).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 192  |  Flags = 0x00 |        Length = Variable      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      New Cumulative TSN                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-1              |       Stream Sequence-1       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Stream-N              |       Stream Sequence-N       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ForwardTsnChunk(int newCumulativeTsn, List<StreamEntry> streams) implements Chunk {
    static final int FIXED_SIZE = 8;

    /** The largest SSN skipped on an ordered stream. */
    public record StreamEntry(int streamId, int ssn) {
        public StreamEntry {
            NetworkOrder.requireU16(streamId, "stream identifier");
            NetworkOrder.requireU16(ssn, "stream sequence number");
        }
    }

    public ForwardTsnChunk {
        streams = List.copyOf(streams);
    }

    public static ForwardTsnChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.FORWARD_TSN, FIXED_SIZE);
        if ((header.length() - FIXED_SIZE) % 4 != 0) {
            throw new MalformedSctpException("FORWARD TSN of " + header.length() + " bytes");
        }
        List<StreamEntry> entries = new ArrayList<>((header.length() - FIXED_SIZE) / 4);
        for (int pos = off + FIXED_SIZE; pos < off + header.length(); pos += 4) {
            entries.add(new StreamEntry(NetworkOrder.u16(buf, pos), NetworkOrder.u16(buf, pos + 2)));
        }
        return new ForwardTsnChunk(NetworkOrder.i32(buf, off + 4), entries);
    }

    @Override
    public int type() {
        return ChunkType.FORWARD_TSN;
    }

    @Override
    public int length() {
        return FIXED_SIZE + 4 * streams.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.FORWARD_TSN, 0, length());
        NetworkOrder.put32(buf, off + 4, newCumulativeTsn);
        int pos = off + FIXED_SIZE;
        for (StreamEntry entry : streams) {
            NetworkOrder.put16(buf, pos, entry.streamId());
            NetworkOrder.put16(buf, pos + 2, entry.ssn());
            pos += 4;
        }
        return padded;
    }
}
