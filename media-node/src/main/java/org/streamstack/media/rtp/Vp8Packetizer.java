package org.streamstack.media.rtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * VP8 frames to RTP payloads, RFC 7741 section 4: each payload is a payload descriptor (4.2)
 * followed by a piece of the frame.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           RTP header (marker on the frame's last packet)      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  VP8 payload descriptor: S=1, PID=0 on the first packet       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  VP8 payload (the first packet's starts with the 4.3 header)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The frame is treated as one partition (PID 0, S only on the first packet), which is what
 * the browser expects from a non-partitioned encoder. N is 0: without the encoder's word, every
 * frame may be a reference. By default each descriptor carries a 15-bit PictureID (X=1, I=1, M=1)
 * that increments per frame, modulo 2^15: Chromium uses it to tell a lost frame from a late one
 * when it decides between NACK and a keyframe request. The one-byte descriptor (X=0) is the option.
 *
 * <p>Payloads are of near-equal size, at most {@code maxPayloadSize} each, descriptor included;
 * the last is the one to send with the marker (4.1). Not thread-safe: one per stream.
 */
public final class Vp8Packetizer {
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = H264Packetizer.DEFAULT_MAX_PAYLOAD_SIZE;

    private final int maxPayloadSize;
    private final boolean pictureIds;
    private int pictureId;

    /** 1188-byte payloads with a 15-bit PictureID starting at a random value (RFC 7741 4.2). */
    public Vp8Packetizer() {
        this(ThreadLocalRandom.current().nextInt(Vp8PayloadDescriptor.PICTURE_ID_MODULO));
    }

    /** 1188-byte payloads with a 15-bit PictureID starting at {@code initialPictureId}. */
    public Vp8Packetizer(int initialPictureId) {
        this(DEFAULT_MAX_PAYLOAD_SIZE, true, initialPictureId);
    }

    /**
     * @param maxPayloadSize   bytes per payload, descriptor included; at least one more than the descriptor
     * @param pictureIds       whether to send the 15-bit PictureID (4-byte descriptor) or not (1 byte)
     * @param initialPictureId 0-32767, the first frame's; RFC 7741 suggests a random start
     */
    public Vp8Packetizer(int maxPayloadSize, boolean pictureIds, int initialPictureId) {
        int descriptorSize = pictureIds ? 4 : 1;
        if (maxPayloadSize <= descriptorSize) {
            throw new IllegalArgumentException("max payload size must exceed the " + descriptorSize + "-byte descriptor: " + maxPayloadSize);
        }
        if (initialPictureId < 0 || initialPictureId >= Vp8PayloadDescriptor.PICTURE_ID_MODULO) {
            throw new IllegalArgumentException("picture ID must be 0-32767: " + initialPictureId);
        }
        this.maxPayloadSize = maxPayloadSize;
        this.pictureIds = pictureIds;
        this.pictureId = initialPictureId;
    }

    public List<byte[]> packetize(byte[] frame) {
        return packetize(frame, 0, frame.length);
    }

    /**
     * The RTP payloads of one encoded VP8 frame; the marker goes on the last.
     *
     * @throws IllegalArgumentException if the frame is empty
     */
    public List<byte[]> packetize(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) {
            throw new IllegalArgumentException("empty VP8 frame");
        }
        Vp8PayloadDescriptor first = descriptor(true);
        Vp8PayloadDescriptor rest = descriptor(false);
        int descriptorSize = first.size();
        int perPacket = maxPayloadSize - descriptorSize;
        int count = (len + perPacket - 1) / perPacket;
        int base = len / count;
        int larger = len % count;
        List<byte[]> payloads = new ArrayList<>(count);
        int pos = off;
        for (int k = 0; k < count; k++) {
            int size = base + (k < larger ? 1 : 0);
            byte[] payload = new byte[descriptorSize + size];
            (k == 0 ? first : rest).writeTo(payload, 0);
            System.arraycopy(buf, pos, payload, descriptorSize, size);
            pos += size;
            payloads.add(payload);
        }
        pictureId = (pictureId + 1) % Vp8PayloadDescriptor.PICTURE_ID_MODULO;
        return payloads;
    }

    private Vp8PayloadDescriptor descriptor(boolean start) {
        return pictureIds
                ? Vp8PayloadDescriptor.withPictureId(start, 0, pictureId)
                : Vp8PayloadDescriptor.minimal(start, 0);
    }

    /** The PictureID the next frame will carry. */
    public int nextPictureId() {
        return pictureId;
    }

    public int maxPayloadSize() {
        return maxPayloadSize;
    }
}
