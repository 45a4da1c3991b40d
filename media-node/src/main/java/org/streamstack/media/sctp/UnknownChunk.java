package org.streamstack.media.sctp;

import java.util.Arrays;

/**
 * A chunk of a type this implementation does not process (I-DATA, AUTH, ASCONF, PAD...), kept whole
 * so that it can be reported in an Unrecognized Chunk Type error cause (RFC 9260 3.2, 3.3.10.6).
 *
 * @param value the chunk value after the 4-byte header, without padding
 */
public record UnknownChunk(int type, int flags, byte[] value) implements Chunk {

    public UnknownChunk {
        NetworkOrder.requireU8(type, "chunk type");
        NetworkOrder.requireU8(flags, "chunk flags");
        if (value.length > 0xFFFF - ChunkHeader.SIZE) {
            throw new IllegalArgumentException("chunk value of " + value.length + " bytes");
        }
    }

    public static UnknownChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.parse(buf, off, len);
        return new UnknownChunk(header.type(), header.flags(),
                Arrays.copyOfRange(buf, off + ChunkHeader.SIZE, off + header.length()));
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + value.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, type, flags, length());
        System.arraycopy(value, 0, buf, off + ChunkHeader.SIZE, value.length);
        return padded;
    }
}
