package org.streamstack.media.rtcp;

import java.util.List;
import java.util.Optional;
import org.streamstack.media.rtp.RtpStream;

/**
 * Builds the sender report of an {@link RtpStream}, RFC 3550 6.4.1: "the NTP timestamp ... and the
 * RTP timestamp ... correspond to the same time", the moment the report is made, not the capture
 * time of the last frame. Chromium maps RTP time to the sender's clock (for A/V sync and the
 * {@code captureTime} of frame metadata) only from such pairs; a sender that paired the NTP time of
 * now with the RTP time of its last frame was off by about 100 ms (shared/fixtures/README.md).
 */
public final class SenderReports {
    private SenderReports() {}

    /**
     * The sender report for {@code stream} at {@code nowWallClockNanos}, or empty if the stream has
     * not packetized a frame yet (no RTP time to extrapolate from: RFC 3550 6.4 sends SRs only for
     * active senders). The RTP timestamp is extrapolated from the stream's last
     * (capture time, RTP timestamp) pair at its clock rate; both clocks are the wall clock.
     */
    public static Optional<SenderReport> create(RtpStream stream, long nowWallClockNanos) {
        if (!stream.hasCapture()) {
            return Optional.empty();
        }
        long rtpNow = rtpTimestampAt(stream.lastCaptureNanos(), stream.lastRtpTimestamp(), nowWallClockNanos, stream.clockRate());
        return Optional.of(new SenderReport(
                stream.ssrc(),
                NtpTime.fromEpochNanos(nowWallClockNanos),
                rtpNow,
                stream.packetsSent() & 0xFFFF_FFFFL,
                stream.octetsSent() & 0xFFFF_FFFFL,
                List.of()));
    }

    /**
     * The RTP timestamp of {@code nowNanos}, given that {@code lastCaptureNanos} had
     * {@code lastRtpTimestamp}: the elapsed time (negative if the capture is ahead of now) in clock
     * ticks, added modulo 2^32.
     */
    public static long rtpTimestampAt(long lastCaptureNanos, long lastRtpTimestamp, long nowNanos, int clockRate) {
        long elapsedTicks = RtpStream.ticks(nowNanos, clockRate) - RtpStream.ticks(lastCaptureNanos, clockRate);
        return (lastRtpTimestamp + elapsedTicks) & 0xFFFF_FFFFL;
    }
}
