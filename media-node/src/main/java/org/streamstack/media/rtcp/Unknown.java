package org.streamstack.media.rtcp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * An RTCP packet of a type or format we do not interpret (APP, XR, transport-cc feedback...):
 * its bytes as received, header and padding included, so it can be forwarded or logged. RFC 3550
 * 6.1: a receiver ignores packet types it does not know.
 *
 * @param raw the whole packet; not copied
 */
public record Unknown(byte[] raw) implements RtcpPacket {
    public Unknown {
        if (raw.length < RtcpHeader.SIZE || raw.length % 4 != 0
                || ((raw[2] & 0xFF) << 8 | (raw[3] & 0xFF)) != raw.length / 4 - 1) {
            throw new IllegalArgumentException("not one RTCP packet: " + raw.length + " bytes");
        }
    }

    public static Unknown parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.parse(buf, off, len);
        header.unpaddedSize(buf, off); // validates the padding count
        return new Unknown(Arrays.copyOfRange(buf, off, off + header.packetSize()));
    }

    public int packetType() {
        return raw[1] & 0xFF;
    }

    /** The RC/SC/FMT field. */
    public int count() {
        return raw[0] & 0x1F;
    }

    @Override
    public int size() {
        return raw.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, raw.length, buf.length);
        System.arraycopy(raw, 0, buf, off, raw.length);
        return raw.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Unknown other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "Unknown[pt=" + packetType() + ", count=" + count() + ", raw=" + HexFormat.of().formatHex(raw) + "]";
    }
}
