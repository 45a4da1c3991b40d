package org.streamstack.media.rtcp;

import org.streamstack.media.rtp.BigEndian;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * Source description, RFC 3550 6.5: chunks of an SSRC and its items; we send the CNAME (6.5.1),
 * which every compound RTCP packet should carry (6.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    CNAME=1    |     length    | user and domain name        ...  items
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   END=0       |  null padding to a 32-bit boundary            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_2                          |  chunk 2
 * </pre>
 *
 * <p>Reading is tolerant: unknown item types are kept, text is decoded as UTF-8 with replacement,
 * a chunk that ends with the packet instead of an END item is accepted, and bytes after the
 * announced chunks are ignored. An item running past the packet is malformed.
 */
public record SourceDescription(List<SourceDescription.Chunk> chunks) implements RtcpPacket {
    public static final int CNAME = 1;

    /** One item: type 1-255 and text of at most 255 UTF-8 bytes. */
    public record Item(int type, String text) {
        public Item {
            FieldRanges.requireRange(type, 1, 255, "SDES item type");
            if (Utf8.length(text) > 255) {
                throw new IllegalArgumentException("SDES item text is at most 255 UTF-8 bytes");
            }
        }
    }

    /** One chunk: an SSRC or CSRC and its items. */
    public record Chunk(long ssrc, List<Item> items) {
        public Chunk {
            FieldRanges.requireU32(ssrc, "SSRC");
            items = List.copyOf(items);
        }

        /** SSRC, items, the END item and null padding to a 32-bit boundary (6.5). */
        int size() {
            int size = 4;
            for (Item item : items) {
                size += 2 + item.text().getBytes(StandardCharsets.UTF_8).length;
            }
            return (size + 1 + 3) & ~3;
        }
    }

    public SourceDescription {
        chunks = List.copyOf(chunks);
        if (chunks.size() > 31) {
            throw new IllegalArgumentException("at most 31 chunks (5-bit SC): " + chunks.size());
        }
    }

    /** The SDES we send: one chunk with our CNAME. */
    public static SourceDescription ofCname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    /** The CNAME given for {@code ssrc}, if any. */
    public Optional<String> cnameOf(long ssrc) {
        for (Chunk chunk : chunks) {
            if (chunk.ssrc() == ssrc) {
                for (Item item : chunk.items()) {
                    if (item.type() == CNAME) {
                        return Optional.of(item.text());
                    }
                }
            }
        }
        return Optional.empty();
    }

    public static SourceDescription parse(byte[] buf, int off, int len) throws MalformedPacketException {
        RtcpHeader header = RtcpHeader.expect(buf, off, len, RtcpHeader.SDES, -1, "source description");
        int end = off + header.unpaddedSize(buf, off);
        int pos = off + RtcpHeader.SIZE;
        List<Chunk> chunks = new ArrayList<>(header.count());
        for (int c = 0; c < header.count(); c++) {
            if (pos + 4 > end) {
                throw new MalformedPacketException("SDES announces " + header.count() + " chunks, room for " + c);
            }
            long ssrc = BigEndian.u32(buf, pos);
            pos += 4;
            List<Item> items = new ArrayList<>(1);
            while (pos < end) {
                int type = buf[pos] & 0xFF;
                if (type == 0) {
                    pos++;
                    break;
                }
                if (pos + 2 > end) {
                    throw new MalformedPacketException("SDES item " + type + " without a length");
                }
                int length = buf[pos + 1] & 0xFF;
                if (pos + 2 + length > end) {
                    throw new MalformedPacketException("SDES item " + type + " of " + length + " bytes runs past the packet");
                }
                items.add(new Item(type, Utf8.decode(buf, pos + 2, length)));
                pos += 2 + length;
            }
            // 6.5: the END item is followed by null octets up to the next 32-bit boundary.
            pos = Math.min(end, off + ((pos - off + 3) & ~3));
            chunks.add(new Chunk(ssrc, items));
        }
        return new SourceDescription(chunks);
    }

    @Override
    public int size() {
        int size = RtcpHeader.SIZE;
        for (Chunk chunk : chunks) {
            size += chunk.size();
        }
        return size;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int size = size();
        Objects.checkFromIndexSize(off, size, buf.length);
        RtcpHeader.write(buf, off, chunks.size(), RtcpHeader.SDES, size);
        int pos = off + RtcpHeader.SIZE;
        for (Chunk chunk : chunks) {
            int chunkEnd = pos + chunk.size();
            BigEndian.put32(buf, pos, chunk.ssrc());
            pos += 4;
            for (Item item : chunk.items()) {
                byte[] text = item.text().getBytes(StandardCharsets.UTF_8);
                buf[pos] = (byte) item.type();
                buf[pos + 1] = (byte) text.length;
                System.arraycopy(text, 0, buf, pos + 2, text.length);
                pos += 2 + text.length;
            }
            while (pos < chunkEnd) {
                buf[pos++] = 0; // END and padding
            }
        }
        return size;
    }
}
