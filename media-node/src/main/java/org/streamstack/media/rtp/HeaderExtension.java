package org.streamstack.media.rtp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One RTP header extension element (RFC 8285): a local identifier negotiated with
 * {@code a=extmap} and its data.
 *
 * <p>Identifiers 1-14 with 1-16 bytes of data fit the one-byte form (RFC 8285 section 4.2);
 * identifiers up to 255 and data of 0-255 bytes need the two-byte form (section 4.3).
 *
 * @param id   the local identifier, 1-255 (0 is padding, section 4.2/4.3)
 * @param data the element data, 0-255 bytes; not copied
 */
public record HeaderExtension(int id, byte[] data) {
    public HeaderExtension {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id must be 1-255: " + id);
        }
        if (data.length > 255) {
            throw new IllegalArgumentException("extension data is at most 255 bytes: " + data.length);
        }
    }

    /** RFC 8285 section 4.2: id 15 is reserved and the length is stored minus one (1-16 bytes). */
    boolean fitsOneByteForm() {
        return id <= 14 && data.length >= 1 && data.length <= 16;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderExtension other && id == other.id && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HeaderExtension[id=" + id + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
}
