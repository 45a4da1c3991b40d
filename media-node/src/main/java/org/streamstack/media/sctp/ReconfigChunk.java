package org.streamstack.media.sctp;

import java.util.List;

/**
 * RE-CONFIG, RFC 6525 3.1: carries one or two re-configuration parameters (requests and responses).
 * Data channels close through it (RFC 8831 6.7): an Outgoing SSN Reset Request, answered by a
 * Re-configuration Response.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Type = 130    |  Chunk Flags  |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /                  Re-configuration Parameter                   /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               \
 * /             Re-configuration Parameter (optional)             /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ReconfigChunk(List<Parameter> parameters) implements Chunk {

    public ReconfigChunk {
        parameters = List.copyOf(parameters);
        if (parameters.isEmpty() || parameters.size() > 2) {
            throw new IllegalArgumentException("a RE-CONFIG chunk holds one or two parameters (RFC 6525 3.1)");
        }
    }

    public static ReconfigChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        ChunkHeader header = ChunkHeader.expect(buf, off, len, ChunkType.RE_CONFIG, ChunkHeader.SIZE + ParameterHeader.SIZE);
        List<Parameter> parameters = Parameter.parseAll(buf, off + ChunkHeader.SIZE, header.length() - ChunkHeader.SIZE);
        if (parameters.isEmpty() || parameters.size() > 2) {
            throw new MalformedSctpException("RE-CONFIG with " + parameters.size() + " parameters");
        }
        return new ReconfigChunk(parameters);
    }

    @Override
    public int type() {
        return ChunkType.RE_CONFIG;
    }

    @Override
    public int length() {
        return ChunkHeader.SIZE + Parameter.lengthOfAll(parameters);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int padded = ChunkHeader.write(buf, off, ChunkType.RE_CONFIG, 0, length());
        Parameter.writeAll(parameters, buf, off + ChunkHeader.SIZE);
        return padded;
    }
}
