package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Sender report, RFC 3550 6.4.1.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP timestamp                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sender's packet count                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (RC x 24 bytes)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The NTP and RTP timestamps name the same instant: build one with {@link SenderReports}.
 * Profile-specific extensions are skipped on reading (no WebRTC profile defines one).
 *
 * @param ntpTime       64-bit NTP time (RFC 5905), see {@link NtpTime}
 * @param rtpTimestamp  the same instant on the stream's RTP clock
 * @param packetCount   packets sent, modulo 2^32
 * @param octetCount    payload octets sent, modulo 2^32
 */
public record SenderReport(
        long senderSsrc,
        long ntpTime,
        long rtpTimestamp,
        long packetCount,
        long octetCount,
        List<ReportBlock> reportBlocks) implements RtcpPacket {

    private static final int FIXED_SIZE = 28;

    public SenderReport {
        FieldRanges.requireU32(senderSsrc, "SSRC");
        FieldRanges.requireU32(rtpTimestamp, "RTP timestamp");
        FieldRanges.requireU32(packetCount, "packet count");
        FieldRanges.requireU32(octetCount, "octet count");
        reportBlocks = List.copyOf(reportBlocks);
        if (reportBlocks.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks (5-bit RC): " + reportBlocks.size());
        }
    }

    public static SenderReport parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.SR, -1, "sender report");
        int content = header.unpaddedSize(buf, off);
        int blocks = header.count();
        if (content < FIXED_SIZE + blocks * ReportBlock.SIZE) {
            throw new MalformedPacketException("sender report of " + content + " bytes cannot hold " + blocks + " report blocks");
        }
        return new SenderReport(
                BigEndian.u32(buf, off + 4),
                (BigEndian.u32(buf, off + 8) << 32) | BigEndian.u32(buf, off + 12),
                BigEndian.u32(buf, off + 16),
                BigEndian.u32(buf, off + 20),
                BigEndian.u32(buf, off + 24),
                ReceiverReport.parseBlocks(buf, off + FIXED_SIZE, blocks));
    }

    @Override
    public int size() {
        return FIXED_SIZE + reportBlocks.size() * ReportBlock.SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, reportBlocks.size(), RtcpHeader.SR, size);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, ntpTime >>> 32);
        BigEndian.put32(buf, off + 12, ntpTime);
        BigEndian.put32(buf, off + 16, rtpTimestamp);
        BigEndian.put32(buf, off + 20, packetCount);
        BigEndian.put32(buf, off + 24, octetCount);
        int pos = off + FIXED_SIZE;
        for (ReportBlock block : reportBlocks) {
            pos += block.writeTo(buf, pos);
        }
        return size;
    }
}
