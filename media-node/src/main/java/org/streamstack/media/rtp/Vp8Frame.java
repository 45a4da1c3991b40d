package org.streamstack.media.rtp;

import java.util.Objects;

/**
 * Facts read from the start of an encoded VP8 frame: the frame tag of RFC 6386 section 9.1, which
 * RFC 7741 section 4.3 calls the VP8 payload header.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Size0|H| VER |P|   P: inverse key frame flag, 0 for a key frame
 * +-+-+-+-+-+-+-+-+
 * |     Size1     |
 * +-+-+-+-+-+-+-+-+
 * |     Size2     |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Vp8Frame {
    /** The 3-byte frame tag (RFC 6386 9.1). */
    public static final int FRAME_TAG_SIZE = 3;

    private Vp8Frame() {}

    public static boolean isKeyframe(byte[] frame) {
        return isKeyframe(frame, 0, frame.length);
    }

    /**
     * Whether the frame starting at {@code off} is a key frame: its P bit (bit 0 of the first byte)
     * is 0. False for fewer bytes than a frame tag.
     */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return len >= FRAME_TAG_SIZE && (buf[off] & 0x01) == 0;
    }
}
