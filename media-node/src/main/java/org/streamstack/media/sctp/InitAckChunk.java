package org.streamstack.media.sctp;

import java.util.List;
import java.util.Optional;

/**
 * INIT ACK, RFC 9260 3.3.3: the answer to INIT, carrying the State Cookie (mandatory) the
 * initiator echoes back. Layout as in {@link InitFields} with type 2.
 *
 * <p>Ours also advertises RE-CONFIG and FORWARD-TSN (Supported Extensions, RFC 5061 4.2.7) and
 * Forward-TSN-Supported (RFC 3758 3.1): without them Chromium's {@code channel.close()} never
 * completes (WEBRTC.md).
 */
public record InitAckChunk(int initiateTag, int advertisedReceiverWindowCredit, int outboundStreams,
                           int inboundStreams, int initialTsn, List<Parameter> parameters) implements Chunk {

    public InitAckChunk {
        NetworkOrder.requireU16(outboundStreams, "outbound streams");
        NetworkOrder.requireU16(inboundStreams, "inbound streams");
        parameters = List.copyOf(parameters);
    }

    public static InitAckChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        InitFields f = InitFields.parse(buf, off, len, ChunkType.INIT_ACK);
        return new InitAckChunk(f.initiateTag(), f.advertisedReceiverWindowCredit(), f.outboundStreams(),
                f.inboundStreams(), f.initialTsn(), f.parameters());
    }

    public <P extends Parameter> Optional<P> parameter(Class<P> kind) {
        return Parameter.first(parameters, kind);
    }

    @Override
    public int type() {
        return ChunkType.INIT_ACK;
    }

    @Override
    public int length() {
        return InitFields.length(parameters);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return InitFields.write(buf, off, ChunkType.INIT_ACK, initiateTag, advertisedReceiverWindowCredit,
                outboundStreams, inboundStreams, initialTsn, parameters);
    }
}
