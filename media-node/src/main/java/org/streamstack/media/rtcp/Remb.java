package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Receiver Estimated Max Bitrate, draft-alvestrand-rmcat-remb-03 section 2.2: an application layer
 * feedback message (PT 206, FMT 15, RFC 4585 6.4) tagged "REMB". Chromium sends it about five
 * times a second once its estimator has a value.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| FMT=15  |   PT=206      |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source (0)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ...                                                          |
 * </pre>
 *
 * <p>The bitrate is mantissa x 2^exp (18-bit mantissa, 6-bit exponent): writing keeps the 18 most
 * significant bits, so a bitrate above 2^18 - 1 may come back rounded down. The media source
 * SSRC is written 0 and ignored on reading (2.2).
 *
 * @param bitrateBps the estimate in bits per second
 * @param ssrcs      the media streams the estimate is for, at most 255
 */
public record Remb(long senderSsrc, long bitrateBps, List<Long> ssrcs) implements RtcpPacket {
    public static final int FMT = 15;
    private static final int FIXED_SIZE = 20;
    private static final int IDENTIFIER = 0x52454D42; // "REMB"
    private static final int MAX_MANTISSA = (1 << 18) - 1;

    public Remb {
        FieldRanges.requireU32(senderSsrc, "sender SSRC");
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("bitrate must not be negative: " + bitrateBps);
        }
        ssrcs = FieldRanges.requireU32s(ssrcs, "SSRC");
        if (ssrcs.size() > 255) {
            throw new IllegalArgumentException("at most 255 SSRCs (8-bit Num SSRC): " + ssrcs.size());
        }
    }

    /** Whether the application-layer feedback at {@code off} carries the "REMB" identifier. */
    static boolean isRemb(byte[] buf, int off, int packetSize) {
        return packetSize >= 16 && BigEndian.u32(buf, off + 12) == IDENTIFIER;
    }

    /** The 6-bit exponent written: the smallest that makes the mantissa fit 18 bits. */
    public int exponent() {
        int exponent = 0;
        while ((bitrateBps >>> exponent) > MAX_MANTISSA) {
            exponent++;
        }
        return exponent;
    }

    /** The 18-bit mantissa written, {@code bitrate >> exponent}. */
    public int mantissa() {
        return (int) (bitrateBps >>> exponent());
    }

    public static Remb parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.PSFB, FMT, "REMB");
        int content = header.unpaddedSize(buf, off);
        if (content < FIXED_SIZE || !isRemb(buf, off, content)) {
            throw new MalformedPacketException("application layer feedback without the REMB identifier");
        }
        int count = buf[off + 16] & 0xFF;
        if (content < FIXED_SIZE + 4 * count) {
            throw new MalformedPacketException("REMB with " + count + " SSRCs in " + content + " bytes");
        }
        int exponent = (buf[off + 17] & 0xFF) >>> 2;
        long mantissa = BigEndian.u24(buf, off + 17) & MAX_MANTISSA;
        long bitrate = mantissa << exponent;
        if (bitrate < 0 || (bitrate >>> exponent) != mantissa) {
            // libwebrtc rejects these the same way: the value does not fit 63 bits.
            throw new MalformedPacketException("REMB bitrate " + mantissa + " * 2^" + exponent + " overflows");
        }
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(BigEndian.u32(buf, off + FIXED_SIZE + 4 * i));
        }
        return new Remb(BigEndian.u32(buf, off + 4), bitrate, ssrcs);
    }

    @Override
    public int size() {
        return FIXED_SIZE + 4 * ssrcs.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, FMT, RtcpHeader.PSFB, size);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, 0);
        BigEndian.put32(buf, off + 12, IDENTIFIER);
        int exponent = exponent();
        buf[off + 16] = (byte) ssrcs.size();
        BigEndian.put24(buf, off + 17, (exponent << 18) | (int) (bitrateBps >>> exponent));
        int pos = off + FIXED_SIZE;
        for (long ssrc : ssrcs) {
            BigEndian.put32(buf, pos, ssrc);
            pos += 4;
        }
        return size;
    }
}
