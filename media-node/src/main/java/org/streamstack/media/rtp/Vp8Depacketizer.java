package org.streamstack.media.rtp;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * RTP payloads back to VP8 frames (RFC 7741 section 4): strips the payload descriptor (4.2), starts a
 * frame on S=1 with PID 0 and releases it on the marker (4.1).
 *
 * <p>A malformed descriptor, a packet before any frame start, a lost packet (a sequence gap or a new
 * timestamp before the marker, seen through {@link #push(RtpPacket)}) damage the frame: it is
 * dropped whole. Not thread-safe: one per stream.
 */
public final class Vp8Depacketizer {
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream(64 * 1024);
    private boolean inFrame;
    private boolean damaged;
    private int expectedSequence = -1;
    private long currentTimestamp = -1;
    private int lastPictureId = Vp8PayloadDescriptor.ABSENT;
    private long malformedPayloads;
    private long droppedFrames;

    /** Adds one RTP packet, checking its sequence number and timestamp for loss. */
    public Optional<byte[]> push(RtpPacket packet) {
        int seq = packet.sequenceNumber();
        boolean gap = expectedSequence >= 0 && seq != expectedSequence;
        if (currentTimestamp >= 0 && packet.timestamp() != currentTimestamp && hasPartialFrame()) {
            dropFrame(); // its marker packet was lost
        }
        if (gap && inFrame) {
            // Only a frame in progress can have lost a piece: a lost frame start shows as a packet
            // without S, and a frame that starts after the gap is whole from its S=1 packet on.
            damaged = true;
        }
        expectedSequence = (seq + 1) & 0xFFFF;
        currentTimestamp = packet.timestamp();
        return push(packet.payloadArray(), packet.payloadOffset(), packet.payloadLength(), packet.marker());
    }

    /** Adds one payload in order, without loss detection; returns the frame on the marker. */
    public Optional<byte[]> push(byte[] buf, int off, int len, boolean marker) {
        addPayload(buf, off, len);
        if (!marker) {
            return Optional.empty();
        }
        currentTimestamp = -1;
        if (damaged || !inFrame || frame.size() == 0) {
            dropFrame();
            return Optional.empty();
        }
        byte[] complete = frame.toByteArray();
        reset();
        return Optional.of(complete);
    }

    private void addPayload(byte[] buf, int off, int len) {
        Vp8PayloadDescriptor descriptor;
        int descriptorLength;
        try {
            descriptor = Vp8PayloadDescriptor.parse(buf, off, len);
            descriptorLength = Vp8PayloadDescriptor.length(buf, off, len);
        } catch (MalformedPacketException e) {
            malformedPayloads++;
            damaged = true;
            return;
        }
        if (descriptorLength >= len) {
            malformedPayloads++; // 4.2: a descriptor with no VP8 payload after it
            damaged = true;
            return;
        }
        if (descriptor.startsFrame()) {
            if (hasPartialFrame()) {
                dropFrame(); // a new frame began before the previous one's marker
            }
            inFrame = true;
            lastPictureId = descriptor.pictureId();
        } else if (!inFrame) {
            damaged = true; // the frame's start was lost
            return;
        }
        frame.write(buf, off + descriptorLength, len - descriptorLength);
    }

    private boolean hasPartialFrame() {
        return inFrame || damaged;
    }

    private void dropFrame() {
        if (hasPartialFrame()) {
            droppedFrames++;
        }
        reset();
    }

    private void reset() {
        frame.reset();
        inFrame = false;
        damaged = false;
    }

    /** The PictureID of the last frame started, or -1 if it carried none. */
    public int lastPictureId() {
        return lastPictureId;
    }

    public long malformedPayloads() {
        return malformedPayloads;
    }

    public long droppedFrames() {
        return droppedFrames;
    }
}
