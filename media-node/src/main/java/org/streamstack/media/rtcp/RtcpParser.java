package org.streamstack.media.rtcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Compound RTCP packets (RFC 3550 6.1) into {@link RtcpPacket}s, dispatching on the packet type
 * and, for feedback (RFC 4585 6.1), on FMT.
 *
 * <p>Tolerant where the RFCs let a receiver be: the compound may start with any packet type
 * (RFC 5506 reduced-size RTCP, which Chromium may send), packet types and formats we do not
 * interpret become {@link Unknown}. A packet that cannot be read ends parsing: its length can no
 * longer be trusted to find the next one.
 */
public final class RtcpParser {
    private RtcpParser() {}

    /**
     * Every packet of the compound packet at {@code buf[off, off+len)}, in order.
     *
     * @throws MalformedRtcpException at the first malformed packet (or if {@code len} is 0),
     *     carrying the packets before it
     */
    public static List<RtcpPacket> parseCompound(byte[] buf, int off, int len) throws MalformedRtcpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        List<RtcpPacket> packets = new ArrayList<>(4);
        if (len == 0) {
            throw new MalformedRtcpException("empty RTCP packet", packets);
        }
        int pos = off;
        int end = off + len;
        while (pos < end) {
            try {
                RtcpHeader header = RtcpHeader.parse(buf, pos, end - pos);
                packets.add(parsePacket(header, buf, pos, header.packetSize()));
                pos += header.packetSize();
            } catch (MalformedPacketException e) {
                throw new MalformedRtcpException(
                        "packet " + (packets.size() + 1) + " at byte " + (pos - off) + ": " + e.getMessage(), packets);
            }
        }
        return packets;
    }

    public static List<RtcpPacket> parseCompound(byte[] buf) throws MalformedRtcpException {
        return parseCompound(buf, 0, buf.length);
    }

    /** The single RTCP packet at {@code off}; bytes after its length field's end are ignored. */
    public static RtcpPacket parsePacket(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.parse(buf, off, len);
        return parsePacket(header, buf, off, header.packetSize());
    }

    private static RtcpPacket parsePacket(RtcpHeader header, byte[] buf, int off, int size)
            throws MalformedPacketException {
        return switch (header.packetType()) {
            case RtcpHeader.SR -> SenderReport.parse(buf, off, size);
            case RtcpHeader.RR -> ReceiverReport.parse(buf, off, size);
            case RtcpHeader.SDES -> SourceDescription.parse(buf, off, size);
            case RtcpHeader.BYE -> Bye.parse(buf, off, size);
            case RtcpHeader.RTPFB -> header.count() == GenericNack.FMT
                    ? GenericNack.parse(buf, off, size)
                    : Unknown.parse(buf, off, size);
            case RtcpHeader.PSFB -> switch (header.count()) {
                case PictureLossIndication.FMT -> PictureLossIndication.parse(buf, off, size);
                case FullIntraRequest.FMT -> FullIntraRequest.parse(buf, off, size);
                case Remb.FMT -> Remb.isRemb(buf, off, header.unpaddedSize(buf, off))
                        ? Remb.parse(buf, off, size)
                        : Unknown.parse(buf, off, size);
                default -> Unknown.parse(buf, off, size);
            };
            default -> Unknown.parse(buf, off, size);
        };
    }
}
