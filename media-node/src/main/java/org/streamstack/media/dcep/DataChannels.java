package org.streamstack.media.dcep;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.streamstack.media.sctp.CloseReason;
import org.streamstack.media.sctp.Reliability;
import org.streamstack.media.sctp.SctpAssociation;
import org.streamstack.media.sctp.SctpSettings;

/**
 * WebRTC data channels (RFC 8831) on one SCTP association, opened in-band with DCEP (RFC 8832),
 * sans-IO like the association beneath: the caller feeds packets and time in and gets packets and
 * events out through the {@link Listener}, on one thread.
 *
 * <p>The browser opens the channels: always {@code control}, plus the names the client listed
 * (PROTOCOL.md 5); the instance never creates one. On a DATA_CHANNEL_OPEN the channel is
 * registered, a DATA_CHANNEL_ACK goes back, and data on its stream is accepted at once: Chromium
 * sends data right after its OPEN without waiting for our ACK (WEBRTC.md). {@link #open} exists for
 * the opening side (a client, the tests): it sends ordered until the ACK arrives (RFC 8832 6).
 *
 * <p>Messages by PPID (RFC 8831 8): 51 text, 53 binary; an empty text travels as PPID 56 and an
 * empty binary as 57, each with one zero byte, and we send them back the same way. The deprecated
 * partial PPIDs 52 and 54 and anything unknown are dropped and counted.
 *
 * <p>Unreliable channel types are honoured: unordered types send unordered; partial reliability
 * maps to the SCTP layer's {@link Reliability} (abandon after N retransmissions or after a
 * lifetime, then FORWARD TSN, RFC 3758) when the peer negotiated FORWARD-TSN, which Chromium does.
 * The lifetime counts from the moment the message is queued; a message whose first fragment has
 * left is abandoned only at its next retransmission decision, so the limit is approximate.
 *
 * <p>Closing (RFC 8831 6.7): either side resets its outgoing stream; the other answers and resets
 * its own; {@link Listener#onChannelClosed} fires once both directions are reset.
 */
public final class DataChannels {
    /** RFC 8831 8 and RFC 8832 8.1. */
    public static final int PPID_DCEP = 50;
    public static final int PPID_STRING = 51;
    public static final int PPID_BINARY = 53;
    public static final int PPID_STRING_EMPTY = 56;
    public static final int PPID_BINARY_EMPTY = 57;

    /** Called on the caller's thread from inside this object's methods. */
    public interface Listener {
        /** One SCTP packet to write into DTLS; the array belongs to the callee. */
        void onPacket(byte[] packet);

        default void onAssociationEstablished() {
        }

        default void onChannelOpened(DataChannel channel) {
        }

        default void onTextMessage(DataChannel channel, String text) {
        }

        default void onBinaryMessage(DataChannel channel, byte[] data) {
        }

        default void onChannelClosed(DataChannel channel) {
        }

        /** The association ended; every channel was closed first. */
        default void onAssociationClosed(CloseReason reason, String detail) {
        }
    }

    /** What was dropped above the SCTP layer. */
    public record Counters(long malformedDcep, long withoutChannel, long unknownPpid) {
    }

    private enum Phase { OPEN, CLOSING }

    private static final class Entry {
        final DataChannel channel;
        final boolean opener;
        boolean acked;
        Phase phase = Phase.OPEN;

        Entry(DataChannel channel, boolean opener) {
            this.channel = channel;
            this.opener = opener;
            this.acked = !opener;
        }
    }

    private final Listener listener;
    private final SctpAssociation association;
    private final Map<Integer, Entry> channels = new LinkedHashMap<>();
    private long now;
    private long malformedDcep;
    private long withoutChannel;
    private long unknownPpid;

    public DataChannels(SctpSettings settings, Listener listener) {
        this(settings, new SecureRandom(), listener);
    }

    public DataChannels(SctpSettings settings, RandomGenerator random, Listener listener) {
        this.listener = listener;
        this.association = new SctpAssociation(settings, random, new AssociationEvents());
    }

    /** The association underneath: for {@code connect}, {@code shutdown}, {@code abort}, counters. */
    public SctpAssociation association() {
        return association;
    }

    public void receive(byte[] packet, long nowMillis) {
        now = nowMillis;
        association.receive(packet, nowMillis);
    }

    public void handleTimeout(long nowMillis) {
        now = nowMillis;
        association.handleTimeout(nowMillis);
    }

    public long nextTimeout() {
        return association.nextTimeout();
    }

    /**
     * Opens a channel from this side (RFC 8832 6): sends DATA_CHANNEL_OPEN on {@code streamId}; the
     * channel can carry data at once. By RFC 8832 6 the DTLS client takes even ids, the server odd.
     *
     * @throws IllegalStateException if the stream already carries a channel or the association
     *     takes no more messages
     */
    public DataChannel open(int streamId, String label, String protocol, ChannelType type, int priority,
                            long reliabilityParameter, long nowMillis) {
        if (channels.containsKey(streamId)) {
            throw new IllegalStateException("stream " + streamId + " already carries a channel");
        }
        now = nowMillis;
        DataChannelOpen open = new DataChannelOpen(type, priority, reliabilityParameter, label, protocol);
        DataChannel channel = new DataChannel(streamId, label, protocol, type, priority, reliabilityParameter);
        channels.put(streamId, new Entry(channel, true));
        if (!association.send(streamId, PPID_DCEP, open.toBytes(), true, nowMillis)) {
            channels.remove(streamId);
            throw new IllegalStateException("the association takes no more messages");
        }
        listener.onChannelOpened(channel);
        return channel;
    }

    /** Sends text (PPID 51, or 56 with one zero byte when empty); false if the channel is not open. */
    public boolean send(DataChannel channel, String text, long nowMillis) {
        return text.isEmpty() ? send(channel, PPID_STRING_EMPTY, new byte[1], nowMillis)
                : send(channel, PPID_STRING, text.getBytes(StandardCharsets.UTF_8), nowMillis);
    }

    /** Sends bytes (PPID 53, or 57 with one zero byte when empty); false if the channel is not open. */
    public boolean send(DataChannel channel, byte[] data, long nowMillis) {
        return data.length == 0 ? send(channel, PPID_BINARY_EMPTY, new byte[1], nowMillis)
                : send(channel, PPID_BINARY, data, nowMillis);
    }

    private boolean send(DataChannel channel, int ppid, byte[] payload, long nowMillis) {
        Entry e = channels.get(channel.id());
        if (e == null || e.channel != channel || e.phase != Phase.OPEN) {
            return false;
        }
        now = nowMillis;
        // RFC 8832 6: the opener sends ordered until the ACK proves the peer knows the channel.
        boolean ordered = channel.type().ordered() || !e.acked;
        Reliability reliability = association.partialReliability()
                ? channel.type().reliability(channel.reliabilityParameter()) : Reliability.RELIABLE;
        return association.send(channel.id(), ppid, payload, ordered, reliability, nowMillis);
    }

    /**
     * Closes the channel (RFC 8831 6.7) by resetting our outgoing stream; {@link Listener#onChannelClosed}
     * follows once the peer has reset its own. Without an association able to reset streams the
     * channel closes at once.
     */
    public void close(DataChannel channel, long nowMillis) {
        Entry e = channels.get(channel.id());
        if (e == null || e.channel != channel || e.phase != Phase.OPEN) {
            return;
        }
        now = nowMillis;
        e.phase = Phase.CLOSING;
        if (!association.resetStream(channel.id(), nowMillis)) {
            channels.remove(channel.id());
            listener.onChannelClosed(channel);
        }
    }

    public Optional<DataChannel> channel(int id) {
        Entry e = channels.get(id);
        return e == null ? Optional.empty() : Optional.of(e.channel);
    }

    /** Open and closing channels, in the order they were opened. */
    public Collection<DataChannel> channels() {
        List<DataChannel> list = new ArrayList<>(channels.size());
        channels.values().forEach(e -> list.add(e.channel));
        return list;
    }

    public boolean isOpen(DataChannel channel) {
        Entry e = channels.get(channel.id());
        return e != null && e.channel == channel && e.phase == Phase.OPEN;
    }

    public Counters counters() {
        return new Counters(malformedDcep, withoutChannel, unknownPpid);
    }

    private void onDcep(int streamId, byte[] payload) {
        DcepMessage message;
        try {
            message = DcepMessage.parse(payload, 0, payload.length);
        } catch (MalformedDcepException ex) {
            malformedDcep++;
            return;
        }
        if (message instanceof DataChannelOpen open) {
            if (channels.containsKey(streamId)) {
                malformedDcep++; // RFC 8832 6: a stream carries one channel
                return;
            }
            DataChannel channel = new DataChannel(streamId, open.label(), open.protocol(), open.channelType(),
                    open.priority(), open.reliabilityParameter());
            channels.put(streamId, new Entry(channel, false));
            association.send(streamId, PPID_DCEP, new DataChannelAck().toBytes(), true, now);
            listener.onChannelOpened(channel);
        } else {
            Entry e = channels.get(streamId);
            if (e == null || !e.opener) {
                malformedDcep++;
                return;
            }
            e.acked = true;
        }
    }

    private void onData(int streamId, int ppid, byte[] payload) {
        Entry e = channels.get(streamId);
        if (e == null) {
            withoutChannel++;
            return;
        }
        switch (ppid) {
            case PPID_STRING -> listener.onTextMessage(e.channel, new String(payload, StandardCharsets.UTF_8));
            case PPID_STRING_EMPTY -> listener.onTextMessage(e.channel, "");
            case PPID_BINARY -> listener.onBinaryMessage(e.channel, payload);
            case PPID_BINARY_EMPTY -> listener.onBinaryMessage(e.channel, new byte[0]);
            default -> unknownPpid++;
        }
    }

    /** The association's events, turned into channel events. */
    private final class AssociationEvents implements SctpAssociation.Listener {
        @Override
        public void onPacket(byte[] packet) {
            listener.onPacket(packet);
        }

        @Override
        public void onEstablished() {
            listener.onAssociationEstablished();
        }

        @Override
        public void onMessage(int streamId, int ppid, byte[] message) {
            if (ppid == PPID_DCEP) {
                onDcep(streamId, message);
            } else {
                onData(streamId, ppid, message);
            }
        }

        @Override
        public void onStreamReset(int streamId) {
            Entry e = channels.remove(streamId);
            if (e != null) {
                listener.onChannelClosed(e.channel);
            }
        }

        @Override
        public void onClosed(CloseReason reason, String detail) {
            List<Entry> open = new ArrayList<>(channels.values());
            channels.clear();
            for (Entry e : open) {
                listener.onChannelClosed(e.channel);
            }
            listener.onAssociationClosed(reason, detail);
        }
    }
}
