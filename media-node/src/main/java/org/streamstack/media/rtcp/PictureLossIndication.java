package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Picture Loss Indication, RFC 4585 6.3.1: payload-specific feedback (PT 206) with FMT 1 and no
 * FCI. Chromium repeats it until a keyframe arrives: answer with one at once.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=206      |          length=2             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record PictureLossIndication(long senderSsrc, long mediaSsrc) implements RtcpPacket {
    public static final int FMT = 1;
    private static final int SIZE = 12;

    public PictureLossIndication {
        FieldRanges.requireU32(senderSsrc, "sender SSRC");
        FieldRanges.requireU32(mediaSsrc, "media SSRC");
    }

    /** 6.3.1 says length is 2; a longer packet is read for its SSRCs all the same. */
    public static PictureLossIndication parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.PSFB, FMT, "PLI");
        if (header.unpaddedSize(buf, off) < SIZE) {
            throw new MalformedPacketException("PLI shorter than 12 bytes");
        }
        return new PictureLossIndication(BigEndian.u32(buf, off + 4), BigEndian.u32(buf, off + 8));
    }

    @Override
    public int size() {
        return SIZE;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, SIZE, buf.length);
        RtcpHeader.write(buf, off, FMT, RtcpHeader.PSFB, SIZE);
        BigEndian.put32(buf, off + 4, senderSsrc);
        BigEndian.put32(buf, off + 8, mediaSsrc);
        return SIZE;
    }
}
