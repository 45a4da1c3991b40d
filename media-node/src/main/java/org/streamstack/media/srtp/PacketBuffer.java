package org.streamstack.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * The {@link ByteArrayBuffer} jitsi-srtp transforms in place. SRTP appends its tag (10 or 16 bytes) and
 * SRTCP its index and tag (up to 20 bytes); {@link #grow} guarantees room for that many more bytes past
 * the end, reallocating when the array is too small.
 */
final class PacketBuffer implements ByteArrayBuffer {

    /** Room reserved up front so that the common case never reallocates: SRTCP-GCM adds 4 + 16 bytes. */
    static final int HEADROOM = 32;

    private byte[] buffer;
    private int offset;
    private int length;

    private PacketBuffer(byte[] buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    /** A private copy of {@code len} bytes with {@link #HEADROOM} spare bytes behind them. */
    static PacketBuffer copyOf(byte[] src, int off, int len) {
        byte[] copy = new byte[len + HEADROOM];
        System.arraycopy(src, off, copy, 0, len);
        return new PacketBuffer(copy, 0, len);
    }

    byte[] toByteArray() {
        byte[] out = new byte[length];
        System.arraycopy(buffer, offset, out, 0, length);
        return out;
    }

    @Override
    public byte[] getBuffer() {
        return buffer;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int len) {
        if (len < 0 || offset + len > buffer.length) {
            throw new IllegalArgumentException("length " + len + " outside the buffer");
        }
        length = len;
    }

    @Override
    public void setOffset(int off) {
        if (off < 0 || off + length > buffer.length) {
            throw new IllegalArgumentException("offset " + off + " outside the buffer");
        }
        offset = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] outBuff) {
        System.arraycopy(buffer, offset + off, outBuff, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (howMuch < 0) {
            throw new IllegalArgumentException("negative growth " + howMuch);
        }
        if (buffer.length - (offset + length) >= howMuch) {
            return;
        }
        byte[] bigger = new byte[length + howMuch + HEADROOM];
        System.arraycopy(buffer, offset, bigger, 0, length);
        buffer = bigger;
        offset = 0;
    }

    @Override
    public void append(byte[] data, int len) {
        if (len <= 0) {
            return;
        }
        grow(len);
        System.arraycopy(data, 0, buffer, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        if (len <= 0) {
            return;
        }
        length = Math.max(0, length - len);
    }
}
