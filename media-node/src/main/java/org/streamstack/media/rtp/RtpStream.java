package org.streamstack.media.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The send state of one RTP stream (one SSRC), sans-IO: payloads of one frame plus its capture
 * time in, numbered and timestamped {@link RtpPacket}s out.
 *
 * <ul>
 *   <li>RFC 3550 5.1: the initial sequence number and the timestamp offset are random, so that a
 *       known-plaintext attack on SRTP gets no help; sequence numbers increment by one per packet
 *       and wrap at 2^16; all packets of a frame share its timestamp; the marker goes on the last.</li>
 *   <li>The timestamp is the capture instant on the media clock (90 kHz for video, RFC 3551 5; 48 kHz for Opus, RFC 7587 4.1):
 *       {@code offset + round(captureNanos * clockRate / 1e9)} modulo 2^32. Capture times are
 *       wall-clock nanoseconds since the Unix epoch, the clock of the sender reports: a sender
 *       report pairs its NTP time with the RTP time of the same instant (RFC 3550 6.4.1), and
 *       Chromium maps RTP time to the sender's clock only from such a pair. See
 *       {@code org.streamstack.media.rtcp.SenderReports}.</li>
 *   <li>abs-send-time is the send moment, not the capture moment: {@link #packetize} reserves the
 *       element, {@link #markSent} (or {@link #stampAbsSendTime}) fills it just before the packet
 *       goes to SRTP.</li>
 *   <li>Packet and payload-octet counts for the sender report (RFC 3550 6.4.1) count what
 *       {@link #markSent} was told was sent.</li>
 * </ul>
 *
 * <p>Not thread-safe: one sender owns it.
 */
public final class RtpStream {
    public static final int VIDEO_CLOCK_RATE = 90_000;
    /** RFC 7587 4.1: Opus streams count 48 kHz ticks whatever the rate the encoder runs at. */
    public static final int OPUS_CLOCK_RATE = 48_000;
    /** No abs-send-time element. */
    public static final int NO_EXTENSION = 0;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ssrc;
    private final int payloadType;
    private final int clockRate;
    private final int absSendTimeId;
    private final long timestampOffset;
    private int nextSequenceNumber;
    private boolean captured;
    private long lastCaptureNanos;
    private long lastRtpTimestamp;
    private long packetsSent;
    private long octetsSent;

    /**
     * A 90 kHz video stream with random initial sequence number and timestamp offset.
     *
     * @param absSendTimeId the negotiated {@code a=extmap} id of abs-send-time (1-14), or {@link #NO_EXTENSION}
     * @param random        a {@code SecureRandom} in production (RFC 3550 5.1), seeded in tests
     */
    public static RtpStream video(long ssrc, int payloadType, int absSendTimeId, RandomGenerator random) {
        return new RtpStream(ssrc, payloadType, VIDEO_CLOCK_RATE, absSendTimeId,
                random.nextInt(1 << 16), random.nextLong() & 0xFFFF_FFFFL);
    }

    /**
     * @param clockRate             the RTP clock in Hz, from {@code a=rtpmap}
     * @param absSendTimeId         the negotiated abs-send-time id (1-14), or {@link #NO_EXTENSION}
     * @param initialSequenceNumber the first packet's sequence number, 0-65535
     * @param timestampOffset       added to every timestamp, an unsigned 32-bit value
     */
    public RtpStream(long ssrc, int payloadType, int clockRate, int absSendTimeId,
                     int initialSequenceNumber, long timestampOffset) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SSRC must be an unsigned 32-bit value: " + ssrc);
        }
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0-127: " + payloadType);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        if (absSendTimeId < 0 || absSendTimeId > 14) {
            throw new IllegalArgumentException("abs-send-time id must be 1-14 (one-byte form), or 0 for none: " + absSendTimeId);
        }
        if (initialSequenceNumber < 0 || initialSequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("sequence number must be 0-65535: " + initialSequenceNumber);
        }
        if (timestampOffset < 0 || timestampOffset > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("timestamp offset must be an unsigned 32-bit value: " + timestampOffset);
        }
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.absSendTimeId = absSendTimeId;
        this.timestampOffset = timestampOffset;
        this.nextSequenceNumber = initialSequenceNumber;
    }

    /**
     * The packets of one frame: consecutive sequence numbers, the capture instant's timestamp, the
     * marker on the last, an abs-send-time element reserved (zero) when the id is set.
     *
     * @param payloads            a packetizer's output for one frame, in order; not copied
     * @param captureWallClockNanos the frame's capture time, nanoseconds since the Unix epoch
     */
    public List<RtpPacket> packetize(List<byte[]> payloads, long captureWallClockNanos) {
        return packetize(payloads, captureWallClockNanos, true);
    }

    /**
     * As {@link #packetize(List, long)}, with the marker of the last packet chosen by the caller.
     * Added for audio: RFC 7587 4.1 uses the marker as RFC 3551 4.1 does, on the first packet of a
     * talkspurt (after a silence period in which packets were not sent), not at the end of a frame;
     * an audio sender sends one packet per frame and marks only the first after a gap.
     *
     * @param markLast the marker of the last packet; the others never carry one
     */
    public List<RtpPacket> packetize(List<byte[]> payloads, long captureWallClockNanos, boolean markLast) {
        long timestamp = rtpTimestamp(captureWallClockNanos);
        captured = true;
        lastCaptureNanos = captureWallClockNanos;
        lastRtpTimestamp = timestamp;
        List<RtpPacket> packets = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            RtpPacket packet = new RtpPacket(payloadType, nextSequenceNumber, timestamp, ssrc);
            nextSequenceNumber = (nextSequenceNumber + 1) & 0xFFFF;
            packet.setMarker(markLast && i == payloads.size() - 1);
            if (absSendTimeId != NO_EXTENSION) {
                packet.setExtension(absSendTimeId, new byte[AbsSendTime.SIZE]);
            }
            packet.setPayload(payloads.get(i));
            packets.add(packet);
        }
        return packets;
    }

    /** The RTP timestamp of a wall-clock instant on this stream's clock, offset included. */
    public long rtpTimestamp(long wallClockNanos) {
        return (timestampOffset + ticks(wallClockNanos, clockRate)) & 0xFFFF_FFFFL;
    }

    /**
     * {@code nanos * clockRate / 1e9} rounded to the nearest tick, without overflow for any epoch
     * time. Rounding, not flooring: frames 33,333,333 ns apart must be 3000 ticks apart, not 2999.
     */
    public static long ticks(long nanos, int clockRate) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long rest = Math.floorMod(nanos, NANOS_PER_SECOND);
        return seconds * clockRate + (rest * clockRate + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
    }

    /**
     * Writes the abs-send-time element for the moment the packet leaves. Does nothing if the
     * stream has no abs-send-time id. Retransmissions parsed back from {@link PacketHistory} can be
     * stamped again the same way.
     */
    public void stampAbsSendTime(RtpPacket packet, long sendNanos) {
        if (absSendTimeId != NO_EXTENSION) {
            AbsSendTime.write(packet, absSendTimeId, AbsSendTime.fromNanos(sendNanos));
        }
    }

    /**
     * The packet is about to be sent for the first time: stamps abs-send-time and counts it for the
     * sender report (RFC 3550 6.4.1: payload octets, not header or padding).
     */
    public void markSent(RtpPacket packet, long sendNanos) {
        stampAbsSendTime(packet, sendNanos);
        packetsSent++;
        octetsSent += packet.payloadLength();
    }

    public long ssrc() {
        return ssrc;
    }

    public int payloadType() {
        return payloadType;
    }

    public int clockRate() {
        return clockRate;
    }

    public int absSendTimeId() {
        return absSendTimeId;
    }

    public long timestampOffset() {
        return timestampOffset;
    }

    public int nextSequenceNumber() {
        return nextSequenceNumber;
    }

    /** Whether any frame was packetized, i.e. whether {@link #lastCaptureNanos()} means anything. */
    public boolean hasCapture() {
        return captured;
    }

    /** Capture time of the last frame packetized, wall-clock nanoseconds. */
    public long lastCaptureNanos() {
        return lastCaptureNanos;
    }

    /** RTP timestamp of the last frame packetized: paired with {@link #lastCaptureNanos()}. */
    public long lastRtpTimestamp() {
        return lastRtpTimestamp;
    }

    /** Packets counted by {@link #markSent}; the sender report carries the low 32 bits. */
    public long packetsSent() {
        return packetsSent;
    }

    /** Payload octets counted by {@link #markSent}; the sender report carries the low 32 bits. */
    public long octetsSent() {
        return octetsSent;
    }
}
