package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Receiver report, RFC 3550 6.4.2: what Chromium sends about once a second about our stream.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Profile-specific extensions are skipped on reading.
 */
public record ReceiverReport(long senderSsrc, List<ReportBlock> reportBlocks) implements RtcpPacket {
    private static final int FIXED_SIZE = 8;

    public ReceiverReport {
        FieldRanges.requireU32(senderSsrc, "SSRC");
        reportBlocks = List.copyOf(reportBlocks);
        if (reportBlocks.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks (5-bit RC): " + reportBlocks.size());
        }
    }

    public static ReceiverReport parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.RR, -1, "receiver report");
        int content = header.unpaddedSize(buf, off);
        int blocks = header.count();
        if (content < FIXED_SIZE + blocks * ReportBlock.SIZE) {
            throw new MalformedPacketException("receiver report of " + content + " bytes cannot hold " + blocks + " report blocks");
        }
        return new ReceiverReport(BigEndian.u32(buf, off + 4), parseBlocks(buf, off + FIXED_SIZE, blocks));
    }

    /** {@code count} blocks at {@code off}; the caller has checked that they fit. */
    static List<ReportBlock> parseBlocks(byte[] buf, int off, int count) throws MalformedPacketException {
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            blocks.add(ReportBlock.parse(buf, off + i * ReportBlock.SIZE, ReportBlock.SIZE));
        }
        return blocks;
    }

    @Override
    public int size() {
        return FIXED_SIZE + reportBlocks.size() * ReportBlock.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, reportBlocks.size(), RtcpHeader.RR, size);
        BigEndian.put32(buf, off + 4, senderSsrc);
        int pos = off + FIXED_SIZE;
        for (ReportBlock block : reportBlocks) {
            pos += block.writeTo(buf, pos);
        }
        return size;
    }
}
