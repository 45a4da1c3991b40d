package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/**
 * Plays the browser's side by hand, chunk by chunk, against a real association under test: builds
 * the packets Chromium would send and parses what comes back.
 */
final class ScriptedPeer implements SctpAssociation.Listener {
    /** Chromium's initial TSN is random; this one wraps around 2^32 soon, on purpose. */
    static final int INITIAL_TSN = 0xFFFFFFFE;
    static final int TAG = 0x1234ABCD;

    final SctpAssociation association;
    final List<SctpPacket> out = new ArrayList<>();
    final List<Peer.Message> messages = new ArrayList<>();
    final List<Integer> streamResets = new ArrayList<>();
    CloseReason closeReason;
    String closeDetail;
    int established;
    int associationTag;
    int associationInitialTsn;
    int nextTsn = INITIAL_TSN;
    long now = 10_000;

    ScriptedPeer(SctpSettings settings) {
        association = new SctpAssociation(settings, new java.util.Random(5), this);
    }

    /** INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, as Chromium does it. */
    static ScriptedPeer established(SctpSettings settings) {
        ScriptedPeer peer = new ScriptedPeer(settings);
        peer.handshake(5 * 1024 * 1024);
        return peer;
    }

    void handshake(int aRwnd) {
        receive(0, new InitChunk(TAG, aRwnd, 65535, 65535, INITIAL_TSN, List.of(
                new ForwardTsnSupportedParameter(),
                new SupportedExtensionsParameter(List.of(ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN)))));
        InitAckChunk ack = (InitAckChunk) takeOnly().chunks().get(0);
        associationTag = ack.initiateTag();
        associationInitialTsn = ack.initialTsn();
        receive(associationTag, new CookieEchoChunk(ack.parameter(StateCookieParameter.class).orElseThrow().cookie()));
        assertTrue(takeOnly().chunks().get(0) instanceof CookieAckChunk);
        assertTrue(association.isEstablished());
    }

    /** Sends one packet carrying {@code chunks} with verification tag {@code vtag}. */
    void receive(int vtag, Chunk... chunks) {
        receiveBytes(new SctpPacket(5000, 5000, vtag, List.of(chunks)).toBytes());
    }

    /** Sends chunks with the association's tag. */
    void send(Chunk... chunks) {
        receive(associationTag, chunks);
    }

    void receiveBytes(byte[] bytes) {
        association.receive(bytes, now);
    }

    DataChunk data(int stream, int ssn, int ppid, boolean unordered, boolean b, boolean e, byte[] payload) {
        return new DataChunk(nextTsn++, stream, ssn, ppid, unordered, b, e, false, payload);
    }

    void advance(long millis) {
        now += millis;
        association.handleTimeout(now);
    }

    /** The one packet the association sent since the last call. */
    SctpPacket takeOnly() {
        assertEquals(1, out.size(), "packets sent: " + out);
        return out.remove(0);
    }

    List<SctpPacket> takeAll() {
        List<SctpPacket> all = new ArrayList<>(out);
        out.clear();
        return all;
    }

    /** All chunks of {@code type} among the packets sent since the last take. */
    <C extends Chunk> List<C> chunks(Class<C> type) {
        List<C> found = new ArrayList<>();
        for (SctpPacket p : out) {
            for (Chunk c : p.chunks()) {
                if (type.isInstance(c)) {
                    found.add(type.cast(c));
                }
            }
        }
        return found;
    }

    /** Acknowledges everything the association sent so far. */
    void ackAll(int aRwnd) {
        int cum = associationInitialTsn - 1;
        for (SctpPacket p : out) {
            for (Chunk c : p.chunks()) {
                if (c instanceof DataChunk d && d.tsn() - cum > 0) {
                    cum = d.tsn();
                }
            }
        }
        out.clear();
        send(new SackChunk(cum, aRwnd, List.of(), List.of()));
    }

    @Override
    public void onPacket(byte[] packet) {
        try {
            out.add(SctpPacket.parse(packet, 0, packet.length));
        } catch (MalformedSctpException e) {
            throw new AssertionError("the association sent a malformed packet", e);
        }
    }

    @Override
    public void onEstablished() {
        established++;
    }

    @Override
    public void onMessage(int streamId, int ppid, byte[] message) {
        messages.add(new Peer.Message(streamId, ppid, message, now));
    }

    @Override
    public void onStreamReset(int streamId) {
        streamResets.add(streamId);
    }

    @Override
    public void onClosed(CloseReason reason, String detail) {
        closeReason = reason;
        closeDetail = detail;
    }
}
