package org.streamstack.media.rtcp;

import java.util.List;
import java.util.Objects;

/**
 * Writes a compound RTCP packet (RFC 3550 6.1): the packets back to back, none padded. RFC 3550
 * wants an SR or RR first and an SDES with CNAME in each compound; a bare SR is what the spike sent
 * and Chromium accepted, and RFC 5506 allows feedback alone: the order is the caller's.
 */
public final class RtcpCompound {
    private RtcpCompound() {}

    public static byte[] write(List<? extends RtcpPacket> packets) {
        byte[] out = new byte[size(packets)];
        writeTo(packets, out, 0);
        return out;
    }

    public static int size(List<? extends RtcpPacket> packets) {
        int size = 0;
        for (RtcpPacket packet : packets) {
            size += packet.size();
        }
        return size;
    }

    /** @return bytes written */
    public static int writeTo(List<? extends RtcpPacket> packets, byte[] buf, int off) {
        Objects.checkFromIndexSize(off, size(packets), buf.length);
        int pos = off;
        for (RtcpPacket packet : packets) {
            pos += packet.writeTo(buf, pos);
        }
        return pos - off;
    }
}
