package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * SACK, RFC 9260 3.3.4: the receiver's cumulative TSN, its window, the TSNs it holds beyond the
 * cumulative point (gap ack blocks, as offsets from it) and the TSNs it received more than once.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = M |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Gap Ack Block #1 Start     |   Gap Ack Block #1 End        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Gap Ack Block #N Start      |  Gap Ack Block #N End         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Duplicate TSN 1                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                                                               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Duplicate TSN M                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The parser keeps blocks as sent; the sender side ignores ones that make no sense (start after
 * end, out of order).
 */
public record SackChunk(int cumulativeTsnAck, int advertisedReceiverWindowCredit, List<GapAckBlock> gapAckBlocks,
                        List<Integer> duplicateTsns) implements Chunk {
    static final int FIXED_SIZE = 16;

    /** TSNs cumulativeTsnAck + start through cumulativeTsnAck + end were received. */
    public record GapAckBlock(int start, int end) {
        public GapAckBlock {
            NetworkOrder.requireU16(start, "gap ack block start");
            NetworkOrder.requireU16(end, "gap ack block end");
        }
    }

    public SackChunk {
        gapAckBlocks = List.copyOf(gapAckBlocks);
        duplicateTsns = List.copyOf(duplicateTsns);
        if (gapAckBlocks.size() > 0xFFFF || duplicateTsns.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 gap ack blocks and duplicate TSNs");
        }
    }

    public static SackChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.SACK, FIXED_SIZE);
        int blocks = NetworkOrder.u16(buf, off + 12);
        int duplicates = NetworkOrder.u16(buf, off + 14);
        if (header.length() != FIXED_SIZE + 4 * blocks + 4 * duplicates) {
            throw new MalformedSctpException("SACK of " + header.length() + " bytes announces " + blocks
                    + " gap ack blocks and " + duplicates + " duplicate TSNs");
        }
        List<GapAckBlock> gaps = new ArrayList<>(blocks);
        int pos = off + FIXED_SIZE;
        for (int i = 0; i < blocks; i++, pos += 4) {
            gaps.add(new GapAckBlock(NetworkOrder.u16(buf, pos), NetworkOrder.u16(buf, pos + 2)));
        }
        List<Integer> dups = new ArrayList<>(duplicates);
        for (int i = 0; i < duplicates; i++, pos += 4) {
            dups.add(NetworkOrder.i32(buf, pos));
        }
        return new SackChunk(NetworkOrder.i32(buf, off + 4), NetworkOrder.i32(buf, off + 8), gaps, dups);
    }

    @Override
    public int type() {
        return ChunkType.SACK;
    }

    @Override
    public int length() {
        return FIXED_SIZE + 4 * gapAckBlocks.size() + 4 * duplicateTsns.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.SACK, 0, length());
        NetworkOrder.put32(buf, off + 4, cumulativeTsnAck);
        NetworkOrder.put32(buf, off + 8, advertisedReceiverWindowCredit);
        NetworkOrder.put16(buf, off + 12, gapAckBlocks.size());
        NetworkOrder.put16(buf, off + 14, duplicateTsns.size());
        int pos = off + FIXED_SIZE;
        for (GapAckBlock block : gapAckBlocks) {
            NetworkOrder.put16(buf, pos, block.start());
            NetworkOrder.put16(buf, pos + 2, block.end());
            pos += 4;
        }
        for (int tsn : duplicateTsns) {
            NetworkOrder.put32(buf, pos, tsn);
            pos += 4;
        }
        return padded;
    }
}
