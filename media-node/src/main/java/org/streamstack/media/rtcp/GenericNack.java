package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Generic NACK, RFC 4585 6.2.1: transport layer feedback (PT 205) with FMT 1, naming lost packets
 * of the media source.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=205      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  (FCI, one or more)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The record holds the expanded list of lost sequence numbers; writing compresses it back with
 * {@link #toFci}. A list in sending order without duplicates round-trips unchanged.
 *
 * @param lostSequenceNumbers 16-bit sequence numbers, at least one
 */
public record GenericNack(long senderSsrc, long mediaSsrc, List<Integer> lostSequenceNumbers) implements RtcpPacket {
    public static final int FMT = 1;
    private static final int FIXED_SIZE = 12;

    /**
     * One FCI entry (6.2.1): PID is a lost packet; bit i of BLP (least significant first) reports
     * PID+i+1 lost as well.
     */
    public record Fci(int packetId, int bitmask) {
        public Fci {
            FieldRanges.requireRange(packetId, 0, 0xFFFF, "PID");
            FieldRanges.requireRange(bitmask, 0, 0xFFFF, "BLP");
        }

        /** The sequence numbers this entry reports lost, in order, wrapping at 2^16. */
        public List<Integer> lostSequenceNumbers() {
            List<Integer> lost = new ArrayList<>(1 + Integer.bitCount(bitmask));
            lost.add(packetId);
            for (int i = 0; i < 16; i++) {
                if ((bitmask & (1 << i)) != 0) {
                    lost.add((packetId + i + 1) & 0xFFFF);
                }
            }
            return lost;
        }
    }

    public GenericNack {
        FieldRanges.requireU32(senderSsrc, "sender SSRC");
        FieldRanges.requireU32(mediaSsrc, "media SSRC");
        lostSequenceNumbers = List.copyOf(lostSequenceNumbers);
        if (lostSequenceNumbers.isEmpty()) {
            throw new IllegalArgumentException("a NACK names at least one packet (RFC 4585 6.2.1)");
        }
        for (int seq : lostSequenceNumbers) {
            FieldRanges.requireRange(seq, 0, 0xFFFF, "sequence number");
        }
    }

    /**
     * Compresses sequence numbers into FCI entries: each number within 16 after the current
     * entry's PID (modulo 2^16) becomes a BLP bit, any other starts a new entry. Repeats are dropped.
     */
    public static List<Fci> toFci(List<Integer> lostSequenceNumbers) {
        List<Fci> entries = new ArrayList<>();
        int pid = -1;
        int blp = 0;
        for (int seq : lostSequenceNumbers) {
            int distance = pid < 0 ? -1 : (seq - pid) & 0xFFFF;
            if (distance == 0) {
                continue;
            }
            if (distance >= 1 && distance <= 16) {
                blp |= 1 << (distance - 1);
            } else {
                if (pid >= 0) {
                    entries.add(new Fci(pid, blp));
                }
                pid = seq & 0xFFFF;
                blp = 0;
            }
        }
        if (pid >= 0) {
            entries.add(new Fci(pid, blp));
        }
        return entries;
    }

    /** The FCI entries this NACK is written with. */
    public List<Fci> fci() {
        return toFci(lostSequenceNumbers);
    }

    public static GenericNack parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.RTPFB, FMT, "generic NACK");
        int content = header.unpaddedSize(buf, off);
        int entries = (content - FIXED_SIZE) / 4;
        if (entries < 1) {
            throw new MalformedPacketException("generic NACK of " + content + " bytes has no FCI entry");
        }
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            int pos = off + FIXED_SIZE + 4 * i;
            lost.addAll(new Fci(BigEndian.u16(buf, pos), BigEndian.u16(buf, pos + 2)).lostSequenceNumbers());
        }
        return new GenericNack(BigEndian.u32(buf, off + 4), BigEndian.u32(buf, off + 8), lost);
    }

    @Override
    public int size() {
        return FIXED_SIZE + 4 * fci().size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        List<Fci> entries = fci();
        int size = FIXED_SIZE + 4 * entries.size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, FMT, RtcpHeader.RTPFB, size);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
        int pos = off + FIXED_SIZE;
        for (Fci entry : entries) {
            BigEndian.put16(buf, pos, entry.packetId());
            BigEndian.put16(buf, pos + 2, entry.bitmask());
            pos += 4;
        }
        return size;
    }
}
