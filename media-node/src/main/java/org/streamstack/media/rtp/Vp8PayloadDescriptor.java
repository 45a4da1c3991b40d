package org.streamstack.media.rtp;

import java.util.Objects;

/**
 * The VP8 payload descriptor at the start of every VP8 RTP payload, RFC 7741 section 4.2.
 *
 * <pre>
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |X|R|N|S|R| PID | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  X:   |I|L|T|K| RSV   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  I:   |M| PictureID   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *       |   PictureID   | (M=1: 15 bits)
 *       +-+-+-+-+-+-+-+-+
 *  L:   |   TL0PICIDX   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Absent optional fields are -1. The X byte is written when any optional field is present; reserved
 * bits are written as zero and ignored on reading (4.2).
 *
 * @param nonReference     N: the frame can be discarded without affecting any other frame
 * @param startOfPartition S: the payload starts a VP8 partition; with PID 0, it starts the frame
 * @param partitionId      PID, 0-7
 * @param pictureId        7-bit (M=0) or 15-bit (M=1) picture ID, or -1
 * @param longPictureId    M: the picture ID has 15 bits; false when absent
 * @param tl0PicIdx        TL0PICIDX, 0-255, or -1
 * @param temporalLayerId  TID, 0-3, or -1 (T=0)
 * @param layerSync        Y: false when TID is absent
 * @param keyIndex         KEYIDX, 0-31, or -1 (K=0)
 */
public record Vp8PayloadDescriptor(
        boolean nonReference,
        boolean startOfPartition,
        int partitionId,
        int pictureId,
        boolean longPictureId,
        int tl0PicIdx,
        int temporalLayerId,
        boolean layerSync,
        int keyIndex) {

    public static final int ABSENT = -1;
    /** Picture IDs wrap at 2^15 (4.2). */
    public static final int PICTURE_ID_MODULO = 1 << 15;

    public Vp8PayloadDescriptor {
        requireRange(partitionId, 0, 7, "PID");
        requireRange(pictureId, ABSENT, longPictureId ? 0x7FFF : 0x7F, "PictureID");
        if (pictureId == ABSENT && longPictureId) {
            throw new IllegalArgumentException("M set without a PictureID");
        }
        requireRange(tl0PicIdx, ABSENT, 0xFF, "TL0PICIDX");
        requireRange(temporalLayerId, ABSENT, 3, "TID");
        if (temporalLayerId == ABSENT && layerSync) {
            throw new IllegalArgumentException("Y set without a TID");
        }
        requireRange(keyIndex, ABSENT, 31, "KEYIDX");
    }

    /** The one-byte descriptor: X=0. */
    public static Vp8PayloadDescriptor minimal(boolean startOfPartition, int partitionId) {
        return new Vp8PayloadDescriptor(false, startOfPartition, partitionId, ABSENT, false, ABSENT, ABSENT, false, ABSENT);
    }

    /** The four-byte descriptor with a 15-bit picture ID: X=1, I=1, M=1. */
    public static Vp8PayloadDescriptor withPictureId(boolean startOfPartition, int partitionId, int pictureId) {
        return new Vp8PayloadDescriptor(false, startOfPartition, partitionId, pictureId, true, ABSENT, ABSENT, false, ABSENT);
    }

    /** Whether the payload starts a frame: S=1 and PID=0 (4.2). */
    public boolean startsFrame() {
        return startOfPartition && partitionId == 0;
    }

    private boolean extended() {
        return pictureId != ABSENT || tl0PicIdx != ABSENT || temporalLayerId != ABSENT || keyIndex != ABSENT;
    }

    /** Bytes of the descriptor: where the VP8 payload starts. */
    public int size() {
        if (!extended()) {
            return 1;
        }
        int size = 2;
        if (pictureId != ABSENT) {
            size += longPictureId ? 2 : 1;
        }
        if (tl0PicIdx != ABSENT) {
            size++;
        }
        if (temporalLayerId != ABSENT || keyIndex != ABSENT) {
            size++;
        }
        return size;
    }

    /**
     * Bytes of the descriptor at {@code off} as sent, which is where the VP8 payload starts. Differs
     * from {@code parse(...).size()} only for an X byte with no field flagged (allowed, 4.2).
     */
    public static int length(byte[] buf, int off, int len) throws MalformedPacketException {
        Vp8PayloadDescriptor descriptor = parse(buf, off, len);
        return descriptor.size() == 1 && (buf[off] & 0x80) != 0 ? 2 : descriptor.size();
    }

    public static Vp8PayloadDescriptor parse(byte[] buf, int off, int len) throws MalformedPacketException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) {
            throw new MalformedPacketException("empty VP8 payload");
        }
        int b0 = buf[off] & 0xFF;
        boolean nonReference = (b0 & 0x20) != 0;
        boolean start = (b0 & 0x10) != 0;
        int pid = b0 & 0x07;
        int pictureId = ABSENT;
        boolean longPictureId = false;
        int tl0PicIdx = ABSENT;
        int tid = ABSENT;
        boolean layerSync = false;
        int keyIndex = ABSENT;
        if ((b0 & 0x80) != 0) {
            int pos = 1;
            if (len < 2) {
                throw new MalformedPacketException("VP8 descriptor: X set but no extension byte");
            }
            int x = buf[off + pos++] & 0xFF;
            if ((x & 0x80) != 0) {
                if (pos >= len) {
                    throw new MalformedPacketException("VP8 descriptor: I set but no PictureID");
                }
                int p = buf[off + pos++] & 0xFF;
                if ((p & 0x80) != 0) {
                    if (pos >= len) {
                        throw new MalformedPacketException("VP8 descriptor: M set but PictureID is cut short");
                    }
                    pictureId = ((p & 0x7F) << 8) | (buf[off + pos++] & 0xFF);
                    longPictureId = true;
                } else {
                    pictureId = p;
                }
            }
            if ((x & 0x40) != 0) {
                if (pos >= len) {
                    throw new MalformedPacketException("VP8 descriptor: L set but no TL0PICIDX");
                }
                tl0PicIdx = buf[off + pos++] & 0xFF;
            }
            if ((x & 0x30) != 0) {
                if (pos >= len) {
                    throw new MalformedPacketException("VP8 descriptor: T or K set but no TID/KEYIDX byte");
                }
                int tk = buf[off + pos] & 0xFF;
                if ((x & 0x20) != 0) {
                    tid = tk >>> 6;
                    layerSync = (tk & 0x20) != 0;
                }
                if ((x & 0x10) != 0) {
                    keyIndex = tk & 0x1F;
                }
            }
        }
        return new Vp8PayloadDescriptor(nonReference, start, pid, pictureId, longPictureId, tl0PicIdx, tid, layerSync, keyIndex);
    }

    /** @return bytes written, {@link #size()} */
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        boolean extended = extended();
        buf[off] = (byte) ((extended ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (startOfPartition ? 0x10 : 0) | partitionId);
        if (!extended) {
            return 1;
        }
        int pos = off + 1;
        boolean tk = temporalLayerId != ABSENT || keyIndex != ABSENT;
        buf[pos++] = (byte) ((pictureId != ABSENT ? 0x80 : 0) | (tl0PicIdx != ABSENT ? 0x40 : 0)
                | (temporalLayerId != ABSENT ? 0x20 : 0) | (keyIndex != ABSENT ? 0x10 : 0));
        if (pictureId != ABSENT) {
            if (longPictureId) {
                buf[pos++] = (byte) (0x80 | (pictureId >>> 8));
                buf[pos++] = (byte) pictureId;
            } else {
                buf[pos++] = (byte) pictureId;
            }
        }
        if (tl0PicIdx != ABSENT) {
            buf[pos++] = (byte) tl0PicIdx;
        }
        if (tk) {
            buf[pos++] = (byte) ((temporalLayerId != ABSENT ? temporalLayerId << 6 : 0) | (layerSync ? 0x20 : 0)
                    | (keyIndex != ABSENT ? keyIndex : 0));
        }
        return pos - off;
    }

    private static void requireRange(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + "-" + max + ": " + value);
        }
    }
}
