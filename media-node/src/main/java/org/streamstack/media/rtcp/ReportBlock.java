package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.Objects;
import java.util.OptionalLong;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * A reception report block, RFC 3550 6.4.1, carried by sender and receiver reports.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * @param ssrc                       the source reported on
 * @param fractionLost               lost since the last report, in 1/256, 0-255
 * @param cumulativeLost             24-bit signed: duplicates can make it negative (6.4.1)
 * @param extendedHighestSequence    cycles in the high 16 bits, sequence number in the low 16
 * @param jitter                     interarrival jitter in RTP timestamp units
 * @param lastSenderReport           middle 32 bits of the NTP time of the last SR received, 0 if none
 * @param delaySinceLastSenderReport in 1/65536 s
 */
public record ReportBlock(
        long ssrc,
        int fractionLost,
        int cumulativeLost,
        long extendedHighestSequence,
        long jitter,
        long lastSenderReport,
        long delaySinceLastSenderReport) {

    public static final int SIZE = 24;
    public static final int MIN_CUMULATIVE_LOST = -(1 << 23);
    public static final int MAX_CUMULATIVE_LOST = (1 << 23) - 1;

    public ReportBlock {
        FieldRanges.requireU32(ssrc, "SSRC");
        FieldRanges.requireRange(fractionLost, 0, 255, "fraction lost");
        FieldRanges.requireRange(cumulativeLost, MIN_CUMULATIVE_LOST, MAX_CUMULATIVE_LOST, "cumulative lost");
        FieldRanges.requireU32(extendedHighestSequence, "extended highest sequence number");
        FieldRanges.requireU32(jitter, "jitter");
        FieldRanges.requireU32(lastSenderReport, "LSR");
        FieldRanges.requireU32(delaySinceLastSenderReport, "DLSR");
    }

    public static ReportBlock parse(byte[] buf, int off, int len) throws MalformedPacketException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < SIZE) {
            throw new MalformedPacketException("report block of " + len + " bytes, expected 24");
        }
        int lost = (BigEndian.u24(buf, off + 5) << 8) >> 8; // sign-extend the 24-bit field
        return new ReportBlock(
                BigEndian.u32(buf, off),
                buf[off + 4] & 0xFF,
                lost,
                BigEndian.u32(buf, off + 8),
                BigEndian.u32(buf, off + 12),
                BigEndian.u32(buf, off + 16),
                BigEndian.u32(buf, off + 20));
    }

    public int writeTo(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, SIZE, buf.length);
        BigEndian.put32(buf, off, ssrc);
        buf[off + 4] = (byte) fractionLost;
        BigEndian.put24(buf, off + 5, cumulativeLost & 0xFF_FFFF);
        BigEndian.put32(buf, off + 8, extendedHighestSequence);
        BigEndian.put32(buf, off + 12, jitter);
        BigEndian.put32(buf, off + 16, lastSenderReport);
        BigEndian.put32(buf, off + 20, delaySinceLastSenderReport);
        return SIZE;
    }

    /**
     * Round-trip time to the reporter, RFC 3550 6.4.1: arrival time minus LSR minus DLSR, all in
     * the middle 32 bits of NTP time. Empty when the reporter had received no SR (LSR 0).
     *
     * @param arrivalNtpTime when this block's packet arrived, 64-bit NTP time
     */
    public OptionalLong roundTripNanos(long arrivalNtpTime) {
        if (lastSenderReport == 0) {
            return OptionalLong.empty();
        }
        long units = (NtpTime.middle32(arrivalNtpTime) - lastSenderReport - delaySinceLastSenderReport) & 0xFFFF_FFFFL;
        if (units >= 1L << 31) {
            return OptionalLong.of(0); // clocks disagree by more than the RTT: negative, clamp
        }
        return OptionalLong.of(units * 1_000_000_000L >>> 16);
    }
}
