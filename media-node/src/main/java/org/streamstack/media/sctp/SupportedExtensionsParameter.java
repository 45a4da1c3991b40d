package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * Supported Extensions, RFC 5061 4.2.7: the chunk types beyond RFC 9260 the sender understands.
 * Chromium lists RE-CONFIG (130) and FORWARD-TSN (192) and so do we.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 0x8008   |      Parameter Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | CHUNK TYPE 1  |  CHUNK TYPE 2 |  CHUNK TYPE 3 |  CHUNK TYPE 4 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | CHUNK TYPE N  |      PAD      |      PAD      |      PAD      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record SupportedExtensionsParameter(List<Integer> chunkTypes) implements Parameter {

    public SupportedExtensionsParameter {
        chunkTypes = List.copyOf(chunkTypes);
        for (int type : chunkTypes) {
            NetworkOrder.requireU8(type, "chunk type");
        }
        if (chunkTypes.size() > 0xFFFF - ParameterHeader.SIZE) {
            throw new IllegalArgumentException(chunkTypes.size() + " chunk types");
        }
    }

    public static SupportedExtensionsParameter parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ParameterHeader header = ParameterHeader.expect(buf, off, len, SUPPORTED_EXTENSIONS, ParameterHeader.SIZE);
        List<Integer> types = new ArrayList<>(header.length() - ParameterHeader.SIZE);
        for (int pos = off + ParameterHeader.SIZE; pos < off + header.length(); pos++) {
            types.add(NetworkOrder.u8(buf, pos));
        }
        return new SupportedExtensionsParameter(types);
    }

    public boolean supports(int chunkType) {
        return chunkTypes.contains(chunkType);
    }

    @Override
    public int type() {
        return SUPPORTED_EXTENSIONS;
    }

    @Override
    public int length() {
        return ParameterHeader.SIZE + chunkTypes.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ParameterHeader.write(buf, off, SUPPORTED_EXTENSIONS, length());
        int pos = off + ParameterHeader.SIZE;
        for (int type : chunkTypes) {
            buf[pos++] = (byte) type;
        }
        return padded;
    }
}
