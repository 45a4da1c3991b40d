package org.streamstack.media.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An RTP data packet: the fixed header of RFC 3550 section 5.1, CSRCs, the header extension of
 * section 5.3.1 in the RFC 8285 forms, the payload and padding.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (X=1, section 5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload                            |
 * |                               +-------------------------------+
 * |                               | padding ...   | padding count |  (P=1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 8285 section 4.2, one-byte form (profile 0xBEDE), elements:   section 4.3, two-byte form
 *  0 1 2 3 4 5 6 7                                                   (profile 0x100 + 4 appbits):
 * +-+-+-+-+-+-+-+-+---------------+                                  +---------------+---------------+
 * |  ID   |  len  |  data (len+1) |                                  |      ID       |    length     | data
 * +-+-+-+-+-+-+-+-+---------------+                                  +---------------+---------------+
 * </pre>
 *
 * <p>Mutable and not thread-safe, like the packets of Jitsi and Pion: a stream fills one, the
 * sender stamps the send time into it ({@link RtpStream#stampAbsSendTime}) and serializes it.
 * A parsed packet refers to the caller's buffer for its payload (no copy); extension data is copied.
 *
 * <p>Writing chooses the one-byte form when every element fits it and the two-byte form otherwise,
 * and drops padding-only extension blocks: a parsed packet re-serializes to the same bytes unless
 * its extension block held padding between elements or appbits. An RFC 3550 extension of any other
 * profile is kept opaque and written back unchanged until an RFC 8285 element is set.
 */
public final class RtpPacket {
    public static final int VERSION = 2;
    public static final int FIXED_HEADER_SIZE = 12;
    /** RFC 8285 section 4.2. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** RFC 8285 section 4.3: 0x100 in the upper 12 bits, appbits in the lower 4. */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    private static final byte[] NO_BYTES = new byte[0];
    private static final long[] NO_CSRCS = new long[0];

    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private long[] csrcs = NO_CSRCS;
    private final List<HeaderExtension> extensions = new ArrayList<>(2);
    private int opaqueExtensionProfile = -1;
    private byte[] opaqueExtension;
    private byte[] payload = NO_BYTES;
    private int payloadOffset;
    private int payloadLength;
    private int paddingSize;

    /** An empty packet: payload type, sequence number, timestamp and SSRC zero, no payload. */
    public RtpPacket() {}

    public RtpPacket(int payloadType, int sequenceNumber, long timestamp, long ssrc) {
        setPayloadType(payloadType);
        setSequenceNumber(sequenceNumber);
        setTimestamp(timestamp);
        setSsrc(ssrc);
    }

    /**
     * Parses one RTP packet; the payload stays in {@code buf}.
     *
     * @throws MalformedPacketException if the bytes are not an RTP packet (RFC 3550 A.1 checks,
     *     as far as they need no state)
     */
    public static RtpPacket parse(byte[] buf, int off, int len) throws MalformedPacketException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < FIXED_HEADER_SIZE) {
            throw new MalformedPacketException("RTP packet of " + len + " bytes is shorter than the fixed header");
        }
        int b0 = BigEndian.u8(buf, off);
        if (b0 >>> 6 != VERSION) {
            throw new MalformedPacketException("RTP version " + (b0 >>> 6) + ", expected 2");
        }
        boolean padded = (b0 & 0x20) != 0;
        boolean extended = (b0 & 0x10) != 0;
        int csrcCount = b0 & 0x0F;
        int b1 = BigEndian.u8(buf, off + 1);

        RtpPacket packet = new RtpPacket();
        packet.marker = (b1 & 0x80) != 0;
        packet.payloadType = b1 & 0x7F;
        packet.sequenceNumber = BigEndian.u16(buf, off + 2);
        packet.timestamp = BigEndian.u32(buf, off + 4);
        packet.ssrc = BigEndian.u32(buf, off + 8);

        int pos = FIXED_HEADER_SIZE;
        if (pos + 4 * csrcCount > len) {
            throw new MalformedPacketException("CSRC count " + csrcCount + " runs past the end of a " + len + "-byte packet");
        }
        if (csrcCount > 0) {
            packet.csrcs = new long[csrcCount];
            for (int i = 0; i < csrcCount; i++, pos += 4) {
                packet.csrcs[i] = BigEndian.u32(buf, off + pos);
            }
        }

        if (extended) {
            if (pos + 4 > len) {
                throw new MalformedPacketException("extension bit set but no room for the extension header");
            }
            int profile = BigEndian.u16(buf, off + pos);
            int extensionLength = 4 * BigEndian.u16(buf, off + pos + 2);
            int start = pos + 4;
            if (start + extensionLength > len) {
                throw new MalformedPacketException("header extension of " + extensionLength + " bytes runs past the end");
            }
            if (profile == ONE_BYTE_PROFILE) {
                parseOneByteElements(buf, off + start, off + start + extensionLength, packet.extensions);
            } else if ((profile & 0xFFF0) == TWO_BYTE_PROFILE) {
                parseTwoByteElements(buf, off + start, off + start + extensionLength, packet.extensions);
            } else {
                packet.opaqueExtensionProfile = profile;
                packet.opaqueExtension = Arrays.copyOfRange(buf, off + start, off + start + extensionLength);
            }
            pos = start + extensionLength;
        }

        int end = len;
        if (padded) {
            // RFC 3550 5.1: the last octet counts the padding, itself included.
            int count = BigEndian.u8(buf, off + len - 1);
            if (count == 0 || count > len - pos) {
                throw new MalformedPacketException("padding count " + count + " with " + (len - pos) + " bytes after the header");
            }
            packet.paddingSize = count;
            end -= count;
        }
        packet.payload = buf;
        packet.payloadOffset = off + pos;
        packet.payloadLength = end - pos;
        return packet;
    }

    private static void parseOneByteElements(byte[] buf, int pos, int end, List<HeaderExtension> into)
            throws MalformedPacketException {
        while (pos < end) {
            int b = BigEndian.u8(buf, pos);
            if (b == 0) { // RFC 8285 4.2: padding byte between elements
                pos++;
                continue;
            }
            int id = b >>> 4;
            int length = (b & 0x0F) + 1;
            if (id == 15 || id == 0) {
                // 4.2: id 15 is reserved, "processing of the entire extension should terminate";
                // id 0 with a length is not padding either: libwebrtc stops the same way.
                return;
            }
            if (pos + 1 + length > end) {
                throw new MalformedPacketException("one-byte extension element " + id + " runs past the extension block");
            }
            into.add(new HeaderExtension(id, Arrays.copyOfRange(buf, pos + 1, pos + 1 + length)));
            pos += 1 + length;
        }
    }

    private static void parseTwoByteElements(byte[] buf, int pos, int end, List<HeaderExtension> into)
            throws MalformedPacketException {
        while (pos < end) {
            int id = BigEndian.u8(buf, pos);
            if (id == 0) { // RFC 8285 4.3: padding
                pos++;
                continue;
            }
            if (pos + 2 > end) {
                throw new MalformedPacketException("two-byte extension element " + id + " has no length byte");
            }
            int length = BigEndian.u8(buf, pos + 1);
            if (pos + 2 + length > end) {
                throw new MalformedPacketException("two-byte extension element " + id + " runs past the extension block");
            }
            into.add(new HeaderExtension(id, Arrays.copyOfRange(buf, pos + 2, pos + 2 + length)));
            pos += 2 + length;
        }
    }

    /** Bytes {@link #writeTo} writes. */
    public int size() {
        return headerSize() + payloadLength + paddingSize;
    }

    /** Fixed header, CSRCs and extension block: the offset of the payload in the written packet. */
    public int headerSize() {
        return FIXED_HEADER_SIZE + 4 * csrcs.length + extensionBlockSize();
    }

    private boolean oneByteForm() {
        for (HeaderExtension e : extensions) {
            if (!e.fitsOneByteForm()) {
                return false;
            }
        }
        return true;
    }

    private int extensionBlockSize() {
        if (!extensions.isEmpty()) {
            int perElement = oneByteForm() ? 1 : 2;
            int body = 0;
            for (HeaderExtension e : extensions) {
                body += perElement + e.data().length;
            }
            return 4 + ((body + 3) & ~3);
        }
        return opaqueExtension == null ? 0 : 4 + opaqueExtension.length;
    }

    /**
     * Writes the packet at {@code off}.
     *
     * @return the number of bytes written, {@link #size()}
     * @throws IndexOutOfBoundsException if {@code buf} has no room
     */
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        boolean extended = !extensions.isEmpty() || opaqueExtension != null;
        buf[off] = (byte) ((VERSION << 6) | (paddingSize > 0 ? 0x20 : 0) | (extended ? 0x10 : 0) | csrcs.length);
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        BigEndian.put16(buf, off + 2, sequenceNumber);
        BigEndian.put32(buf, off + 4, timestamp);
        BigEndian.put32(buf, off + 8, ssrc);
        int pos = off + FIXED_HEADER_SIZE;
        for (long csrc : csrcs) {
            BigEndian.put32(buf, pos, csrc);
            pos += 4;
        }
        if (!extensions.isEmpty()) {
            pos = writeElements(buf, pos);
        } else if (opaqueExtension != null) {
            BigEndian.put16(buf, pos, opaqueExtensionProfile);
            BigEndian.put16(buf, pos + 2, opaqueExtension.length / 4);
            System.arraycopy(opaqueExtension, 0, buf, pos + 4, opaqueExtension.length);
            pos += 4 + opaqueExtension.length;
        }
        System.arraycopy(payload, payloadOffset, buf, pos, payloadLength);
        pos += payloadLength;
        if (paddingSize > 0) {
            Arrays.fill(buf, pos, pos + paddingSize - 1, (byte) 0);
            buf[pos + paddingSize - 1] = (byte) paddingSize;
            pos += paddingSize;
        }
        return pos - off;
    }

    private int writeElements(byte[] buf, int pos) {
        boolean oneByte = oneByteForm();
        int blockStart = pos;
        int blockSize = extensionBlockSize();
        BigEndian.put16(buf, pos, oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE);
        BigEndian.put16(buf, pos + 2, (blockSize - 4) / 4);
        pos += 4;
        for (HeaderExtension e : extensions) {
            byte[] data = e.data();
            if (oneByte) {
                buf[pos++] = (byte) ((e.id() << 4) | (data.length - 1));
            } else {
                buf[pos++] = (byte) e.id();
                buf[pos++] = (byte) data.length;
            }
            System.arraycopy(data, 0, buf, pos, data.length);
            pos += data.length;
        }
        int blockEnd = blockStart + blockSize;
        Arrays.fill(buf, pos, blockEnd, (byte) 0); // RFC 8285 4.2/4.3: zero padding to a 32-bit boundary
        return blockEnd;
    }

    public byte[] toBytes() {
        byte[] out = new byte[size()];
        writeTo(out, 0);
        return out;
    }

    public boolean marker() {
        return marker;
    }

    public void setMarker(boolean marker) {
        this.marker = marker;
    }

    public int payloadType() {
        return payloadType;
    }

    public void setPayloadType(int payloadType) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0-127: " + payloadType);
        }
        this.payloadType = payloadType;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    public void setSequenceNumber(int sequenceNumber) {
        if (sequenceNumber < 0 || sequenceNumber > 0xFFFF) {
            throw new IllegalArgumentException("sequence number must be 0-65535: " + sequenceNumber);
        }
        this.sequenceNumber = sequenceNumber;
    }

    /** The 32-bit RTP timestamp, unsigned. */
    public long timestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = requireU32(timestamp, "timestamp");
    }

    /** The 32-bit SSRC, unsigned. */
    public long ssrc() {
        return ssrc;
    }

    public void setSsrc(long ssrc) {
        this.ssrc = requireU32(ssrc, "SSRC");
    }

    /** A copy of the CSRC list. */
    public long[] csrcs() {
        return csrcs.clone();
    }

    public void setCsrcs(long... csrcs) {
        if (csrcs.length > 15) {
            throw new IllegalArgumentException("at most 15 CSRCs (4-bit CC): " + csrcs.length);
        }
        for (long csrc : csrcs) {
            requireU32(csrc, "CSRC");
        }
        this.csrcs = csrcs.length == 0 ? NO_CSRCS : csrcs.clone();
    }

    /** Padding octets after the payload, the count octet included; 0 when the P bit is clear. */
    public int paddingSize() {
        return paddingSize;
    }

    public void setPaddingSize(int paddingSize) {
        if (paddingSize < 0 || paddingSize > 255) {
            throw new IllegalArgumentException("padding must be 0-255 bytes: " + paddingSize);
        }
        this.paddingSize = paddingSize;
    }

    /** The RFC 8285 elements in wire order; unmodifiable. */
    public List<HeaderExtension> extensions() {
        return List.copyOf(extensions);
    }

    /** The data of the first element with {@code id}; the stored array, not a copy. */
    public Optional<byte[]> extension(int id) {
        for (HeaderExtension e : extensions) {
            if (e.id() == id) {
                return Optional.of(e.data());
            }
        }
        return Optional.empty();
    }

    /** Sets or replaces the element {@code id}; drops an opaque non-RFC 8285 extension block. */
    public void setExtension(int id, byte[] data) {
        HeaderExtension element = new HeaderExtension(id, data);
        opaqueExtension = null;
        opaqueExtensionProfile = -1;
        for (int i = 0; i < extensions.size(); i++) {
            if (extensions.get(i).id() == id) {
                extensions.set(i, element);
                return;
            }
        }
        extensions.add(element);
    }

    public boolean removeExtension(int id) {
        return extensions.removeIf(e -> e.id() == id);
    }

    /** The array holding the payload: the parsed buffer, or what {@link #setPayload} was given. */
    public byte[] payloadArray() {
        return payload;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** A copy of the payload. */
    public byte[] payload() {
        return Arrays.copyOfRange(payload, payloadOffset, payloadOffset + payloadLength);
    }

    /** Uses {@code buf[off, off+len)} as the payload, without copying. */
    public void setPayload(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        this.payload = buf;
        this.payloadOffset = off;
        this.payloadLength = len;
    }

    public void setPayload(byte[] payload) {
        setPayload(payload, 0, payload.length);
    }

    private static long requireU32(long value, String what) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " must be an unsigned 32-bit value: " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType + ", seq=" + sequenceNumber + ", ts=" + timestamp + ", ssrc=" + ssrc
                + (marker ? ", M" : "") + ", ext=" + extensions + ", payload=" + payloadLength + " bytes"
                + (paddingSize > 0 ? ", padding=" + paddingSize : "") + "]";
    }
}
