package org.streamstack.media.rtp;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * RTP payloads back to H.264 access units (RFC 6184, packetization-mode=1): single NAL unit
 * packets, STAP-A (5.7.1) and FU-A (5.8) become an Annex-B access unit, every NAL unit after a
 * {@code 00 00 00 01} start code, released on the packet with the marker bit (5.1).
 *
 * <p>A malformed payload, a lost packet (a sequence gap or a new timestamp before the marker, seen
 * through {@link #push(RtpPacket)}) or an unfinished fragment damages the access unit: it is dropped
 * whole at its end rather than handed to a decoder with a hole in it. Modes 0/2 packet types
 * (STAP-B, MTAPs, FU-B) and reserved types count as malformed.
 *
 * <p>Stateful, not thread-safe: one per stream.
 */
public final class H264Depacketizer {
    private final ByteArrayOutputStream accessUnit = new ByteArrayOutputStream(64 * 1024);
    private boolean inFragment;
    private boolean damaged;
    private int expectedSequence = -1;
    private long currentTimestamp = -1;
    private long malformedPayloads;
    private long droppedAccessUnits;

    /**
     * Adds one RTP packet, checking its sequence number and timestamp for loss.
     *
     * @return the completed Annex-B access unit when this packet carries the marker and nothing was lost
     */
    public Optional<byte[]> push(RtpPacket packet) {
        int seq = packet.sequenceNumber();
        boolean gap = expectedSequence >= 0 && seq != expectedSequence;
        if (currentTimestamp >= 0 && packet.timestamp() != currentTimestamp && hasPartialAccessUnit()) {
            // The previous access unit never got its marker: its last packet was lost.
            dropAccessUnit();
        }
        if (gap) {
            damaged = true; // whatever was lost may have belonged to this access unit
        }
        expectedSequence = (seq + 1) & 0xFFFF;
        currentTimestamp = packet.timestamp();
        return push(packet.payloadArray(), packet.payloadOffset(), packet.payloadLength(), packet.marker());
    }

    /**
     * Adds one payload in order, without loss detection.
     *
     * @return the completed Annex-B access unit when {@code marker} is set and nothing was damaged
     */
    public Optional<byte[]> push(byte[] buf, int off, int len, boolean marker) {
        if (!addPayload(buf, off, len)) {
            malformedPayloads++;
            inFragment = false;
            damaged = true;
        }
        if (!marker) {
            return Optional.empty();
        }
        currentTimestamp = -1;
        if (inFragment) {
            damaged = true; // 5.8: the FU with the E bit never came
        }
        if (damaged || accessUnit.size() == 0) {
            dropAccessUnit();
            return Optional.empty();
        }
        byte[] complete = accessUnit.toByteArray();
        reset();
        return Optional.of(complete);
    }

    private boolean hasPartialAccessUnit() {
        return accessUnit.size() > 0 || inFragment || damaged;
    }

    private void dropAccessUnit() {
        if (hasPartialAccessUnit()) {
            droppedAccessUnits++;
        }
        reset();
    }

    private void reset() {
        accessUnit.reset();
        inFragment = false;
        damaged = false;
    }

    /** @return false if the payload is malformed */
    private boolean addPayload(byte[] buf, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = H264NalUnitType.of(buf[off]);
        if (type >= 1 && type <= 23) { // 5.6: single NAL unit packet
            if (inFragment) {
                return false;
            }
            appendNalUnit(buf, off, len);
            return true;
        }
        return switch (type) {
            case H264NalUnitType.STAP_A -> addAggregate(buf, off, len);
            case H264NalUnitType.FU_A -> addFragment(buf, off, len);
            default -> false;
        };
    }

    /** 5.7.1: 16-bit sizes, each followed by a NAL unit; the sizes must add up to the payload. */
    private boolean addAggregate(byte[] buf, int off, int len) {
        if (inFragment) {
            return false;
        }
        int end = off + len;
        int pos = off + 1;
        // Validate everything before appending anything, so a bad STAP-A adds nothing.
        int units = 0;
        while (pos < end) {
            if (pos + 2 > end) {
                return false;
            }
            int size = BigEndian.u16(buf, pos);
            if (size == 0 || pos + 2 + size > end) {
                return false;
            }
            pos += 2 + size;
            units++;
        }
        if (units == 0) {
            return false;
        }
        pos = off + 1;
        while (pos < end) {
            int size = BigEndian.u16(buf, pos);
            appendNalUnit(buf, pos + 2, size);
            pos += 2 + size;
        }
        return true;
    }

    /** 5.8: S starts a NAL unit whose header is rebuilt from the FU indicator and header; E ends it. */
    private boolean addFragment(byte[] buf, int off, int len) {
        if (len < 3) {
            return false; // 5.8: an FU carries at least one byte of the NAL unit
        }
        int indicator = buf[off] & 0xFF;
        int fuHeader = buf[off + 1] & 0xFF;
        boolean start = (fuHeader & 0x80) != 0;
        boolean end = (fuHeader & 0x40) != 0;
        if (start && end) {
            return false; // 5.8: "Start bit and End bit MUST NOT both be set to one in the same FU header"
        }
        if (start) {
            if (inFragment) {
                return false;
            }
            accessUnit.write(AnnexB.START_CODE, 0, AnnexB.START_CODE.length);
            accessUnit.write((indicator & 0xE0) | (fuHeader & 0x1F));
            inFragment = true;
        } else if (!inFragment) {
            return false; // its start was lost, or never sent
        }
        accessUnit.write(buf, off + 2, len - 2);
        if (end) {
            inFragment = false;
        }
        return true;
    }

    private void appendNalUnit(byte[] buf, int off, int len) {
        accessUnit.write(AnnexB.START_CODE, 0, AnnexB.START_CODE.length);
        accessUnit.write(buf, off, len);
    }

    public long malformedPayloads() {
        return malformedPayloads;
    }

    /** Access units dropped because a payload was malformed or lost. */
    public long droppedAccessUnits() {
        return droppedAccessUnits;
    }
}
