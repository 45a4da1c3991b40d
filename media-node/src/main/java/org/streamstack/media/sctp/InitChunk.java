package org.streamstack.media.sctp;

import java.util.List;
import java.util.Optional;

/**
 * INIT, RFC 9260 3.3.2: the first chunk of an association, always alone in its packet with
 * verification tag 0. Layout as in {@link InitFields} with type 1.
 *
 * <p>Chromium's INIT (WEBRTC.md): a_rwnd 5 MiB, 65535 streams each way, Forward-TSN-Supported, and
 * Supported Extensions [RE-CONFIG, FORWARD-TSN].
 *
 * @param initiateTag the tag the sender wants on every packet sent to it; 0 is invalid (3.3.2)
 * @param advertisedReceiverWindowCredit the sender's receive buffer, bytes (unsigned)
 * @param outboundStreams OS: streams the sender wants to send on
 * @param inboundStreams MIS: streams the sender accepts
 * @param initialTsn the sender's first TSN
 */
public record InitChunk(int initiateTag, int advertisedReceiverWindowCredit, int outboundStreams,
                        int inboundStreams, int initialTsn, List<Parameter> parameters) implements Chunk {

    public InitChunk {
        NetworkOrder.requireU16(outboundStreams, "outbound streams");
        NetworkOrder.requireU16(inboundStreams, "inbound streams");
        parameters = List.copyOf(parameters);
    }

    public static InitChunk parse(byte[] buf, int off, int len) throws MalformedSctpException {
        InitFields f = InitFields.parse(buf, off, len, ChunkType.INIT);
        return new InitChunk(f.initiateTag(), f.advertisedReceiverWindowCredit(), f.outboundStreams(),
                f.inboundStreams(), f.initialTsn(), f.parameters());
    }

    /** The first parameter of {@code kind}, if any. */
    public <P extends Parameter> Optional<P> parameter(Class<P> kind) {
        return Parameter.first(parameters, kind);
    }

    @Override
    public int type() {
        return ChunkType.INIT;
    }

    @Override
    public int length() {
        return InitFields.length(parameters);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        return InitFields.write(buf, off, ChunkType.INIT, initiateTag, advertisedReceiverWindowCredit,
                outboundStreams, inboundStreams, initialTsn, parameters);
    }
}
