package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Goodbye, RFC 3550 6.6: the sources are leaving, optionally with a reason.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ...  (opt)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param reason UTF-8, at most 255 bytes, padded with nulls to a 32-bit boundary on the wire
 */
public record Bye(List<Long> ssrcs, Optional<String> reason) implements RtcpPacket {
    public Bye {
        ssrcs = FieldRanges.requireU32s(ssrcs, "SSRC");
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException("at most 31 sources (5-bit SC): " + ssrcs.size());
        }
        Objects.requireNonNull(reason);
        if (reason.isPresent() && Utf8.length(reason.get()) > 255) {
            throw new IllegalArgumentException("BYE reason is at most 255 UTF-8 bytes");
        }
    }

    public static Bye of(long ssrc) {
        return new Bye(List.of(ssrc), Optional.empty());
    }

    public static Bye parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.BYE, -1, "BYE");
        int end = off + header.unpaddedSize(buf, off);
        int pos = off + RtcpHeader.SIZE;
        if (pos + 4 * header.count() > end) {
            throw new MalformedPacketException("BYE announces " + header.count() + " sources in " + (end - off) + " bytes");
        }
        List<Long> ssrcs = new ArrayList<>(header.count());
        for (int i = 0; i < header.count(); i++, pos += 4) {
            ssrcs.add(BigEndian.u32(buf, pos));
        }
        Optional<String> reason = Optional.empty();
        if (pos < end) {
            int length = buf[pos] & 0xFF;
            if (pos + 1 + length > end) {
                throw new MalformedPacketException("BYE reason of " + length + " bytes runs past the packet");
            }
            reason = Optional.of(Utf8.decode(buf, pos + 1, length));
        }
        return new Bye(ssrcs, reason);
    }

    private int reasonSize() {
        return reason.map(r -> (1 + r.getBytes(StandardCharsets.UTF_8).length + 3) & ~3).orElse(0);
    }

    @Override
    public int size() {
        return RtcpHeader.SIZE + 4 * ssrcs.size() + reasonSize();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, ssrcs.size(), RtcpHeader.BYE, size);
        int pos = off + RtcpHeader.SIZE;
        for (long ssrc : ssrcs) {
            BigEndian.put32(buf, pos, ssrc);
            pos += 4;
        }
        if (reason.isPresent()) {
            byte[] text = reason.get().getBytes(StandardCharsets.UTF_8);
            buf[pos] = (byte) text.length;
            System.arraycopy(text, 0, buf, pos + 1, text.length);
            for (int i = pos + 1 + text.length; i < off + size; i++) {
                buf[i] = 0;
            }
        }
        return size;
    }
}
