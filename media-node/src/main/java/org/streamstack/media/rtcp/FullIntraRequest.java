package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Full Intra Request, RFC 5104 4.3.1: payload-specific feedback (PT 206) with FMT 4. The media
 * source SSRC of the common header is unused ("SHALL be set to 0", 4.3.1.2) and kept as read; the
 * targets are in the FCI entries, whose sequence number tells a repeat from a new request.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=4  |   PT=206      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |  (FCI, one or more)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record FullIntraRequest(long senderSsrc, long mediaSsrc, List<FullIntraRequest.Entry> entries) implements RtcpPacket {
    public static final int FMT = 4;
    private static final int FIXED_SIZE = 12;
    private static final int ENTRY_SIZE = 8;

    /** One FCI entry: the SSRC asked for a decoder refresh and the command sequence number (0-255). */
    public record Entry(long ssrc, int sequenceNumber) {
        public Entry {
            FieldRanges.requireU32(ssrc, "SSRC");
            FieldRanges.requireRange(sequenceNumber, 0, 255, "FIR sequence number");
        }
    }

    public FullIntraRequest {
        FieldRanges.requireU32(senderSsrc, "sender SSRC");
        FieldRanges.requireU32(mediaSsrc, "media SSRC");
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a FIR has at least one FCI entry (RFC 5104 4.3.1.2)");
        }
    }

    public static FullIntraRequest parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.PSFB, FMT, "FIR");
        int fciBytes = header.unpaddedSize(buf, off) - FIXED_SIZE;
        if (fciBytes < ENTRY_SIZE || fciBytes % ENTRY_SIZE != 0) {
            throw new MalformedPacketException("FIR with " + fciBytes + " bytes of FCI, expected a positive multiple of 8");
        }
        List<Entry> entries = new ArrayList<>(fciBytes / ENTRY_SIZE);
        for (int pos = off + FIXED_SIZE; pos < off + FIXED_SIZE + fciBytes; pos += ENTRY_SIZE) {
            entries.add(new Entry(BigEndian.u32(buf, pos), buf[pos + 4] & 0xFF));
        }
        return new FullIntraRequest(BigEndian.u32(buf, off + 4), BigEndian.u32(buf, off + 8), entries);
    }

    @Override
    public int size() {
        return FIXED_SIZE + ENTRY_SIZE * entries.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, FMT, RtcpHeader.PSFB, size);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
        int pos = off + FIXED_SIZE;
        for (Entry entry : entries) {
            BigEndian.put32(buf, pos, entry.ssrc());
            BigEndian.put32(buf, pos + 4, (long) entry.sequenceNumber() << 24); // 24 reserved bits zero
            pos += ENTRY_SIZE;
        }
        return size;
    }
}
