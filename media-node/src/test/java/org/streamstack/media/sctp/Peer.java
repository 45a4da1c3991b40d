package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** A test endpoint: an association and a record of everything it reported. */
final class Peer implements SctpAssociation.Listener, VirtualNetwork.Endpoint {

    record Message(int streamId, int ppid, byte[] data, long at) {
    }

    final SctpAssociation association;
    final List<Message> messages = new ArrayList<>();
    final List<Integer> streamResets = new ArrayList<>();
    final List<byte[]> sent = new ArrayList<>();
    int established;
    CloseReason closeReason;
    String closeDetail;
    private final Consumer<byte[]> wire;
    private long now;

    Peer(SctpSettings settings, long seed, Consumer<byte[]> wire) {
        this.wire = wire;
        this.association = new SctpAssociation(settings, new Random(seed), this);
    }

    /** Two peers on a network: A (the browser's role: it connects) and B (ours: it listens). */
    static Peer[] pair(VirtualNetwork net, SctpSettings settings) {
        Peer a = new Peer(settings, 1, net.fromA());
        Peer b = new Peer(settings, 2, net.fromB());
        net.attach(a, b);
        return new Peer[] {a, b};
    }

    @Override
    public void onPacket(byte[] packet) {
        sent.add(packet);
        wire.accept(packet);
    }

    @Override
    public void onEstablished() {
        established++;
    }

    @Override
    public void onMessage(int streamId, int ppid, byte[] message) {
        messages.add(new Message(streamId, ppid, message, now));
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

    @Override
    public void receive(byte[] packet, long now) {
        this.now = now;
        association.receive(packet, now);
    }

    @Override
    public void handleTimeout(long now) {
        this.now = now;
        association.handleTimeout(now);
    }

    @Override
    public long nextTimeout() {
        return association.nextTimeout();
    }
}
