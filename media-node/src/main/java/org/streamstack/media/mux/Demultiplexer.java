package org.streamstack.media.mux;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one place where datagrams arriving on the shared WebRTC socket are sorted by kind (RFC 7983) and
 * handed to their protocol. Garbage is counted, never thrown: whatever arrives, {@link #accept} returns.
 *
 * <p>Handlers are registered before the first datagram; {@code accept} may be called from any thread (ice4j
 * calls it from its socket thread) and runs the handler on it.
 */
public final class Demultiplexer {

    /** Receives the datagram in place; copy what must outlive the call. */
    @FunctionalInterface
    public interface PacketHandler {
        void handle(byte[] buf, int off, int len);
    }

    /** Smallest header of each kind: anything shorter cannot be parsed and is dropped here. */
    private static final Map<PacketKind, Integer> MINIMUM_LENGTH = new EnumMap<>(Map.of(
            PacketKind.STUN, 20,          // RFC 8489 section 5: 20-byte header
            PacketKind.DTLS, 13,          // RFC 6347 section 4.1: 13-byte record header
            PacketKind.TURN_CHANNEL, 4,   // RFC 8656 section 12.4: 4-byte ChannelData header
            PacketKind.RTP, 12,           // RFC 3550 section 5.1: 12-byte fixed header
            PacketKind.RTCP, 8));         // RFC 3550 section 6.4: header and sender SSRC

    /** Indexed by kind ordinal; replaced whole on registration, read without locking per datagram. */
    private volatile PacketHandler[] handlers = new PacketHandler[PacketKind.values().length];
    private final Map<PacketKind, LongAdder> delivered = new EnumMap<>(PacketKind.class);
    private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);

    public Demultiplexer() {
        for (PacketKind kind : PacketKind.values()) {
            delivered.put(kind, new LongAdder());
        }
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, new LongAdder());
        }
    }

    /** Registers the handler for one kind, replacing any earlier one. Returns this for chaining. */
    public Demultiplexer on(PacketKind kind, PacketHandler handler) {
        if (kind == PacketKind.UNKNOWN || kind == PacketKind.ZRTP) {
            throw new IllegalArgumentException(kind + " is always dropped");
        }
        synchronized (this) {
            PacketHandler[] copy = handlers.clone();
            copy[kind.ordinal()] = handler;
            handlers = copy;
        }
        return this;
    }

    /**
     * Classifies one datagram and delivers it to its handler.
     *
     * @return the kind delivered, or {@link PacketKind#UNKNOWN} if it was dropped (see {@link #dropped})
     */
    public PacketKind accept(byte[] buf, int off, int len) {
        if (buf == null || len <= 0 || off < 0 || off + len > buf.length) {
            drop(DropReason.EMPTY);
            return PacketKind.UNKNOWN;
        }
        PacketKind kind = PacketKind.classify(buf, off, len);
        switch (kind) {
            case UNKNOWN:
                drop(DropReason.UNKNOWN_FIRST_BYTE);
                return PacketKind.UNKNOWN;
            case ZRTP:
                drop(DropReason.ZRTP);
                return PacketKind.UNKNOWN;
            default:
                break;
        }
        if (len < MINIMUM_LENGTH.get(kind)) {
            drop(DropReason.TOO_SHORT);
            return PacketKind.UNKNOWN;
        }
        PacketHandler handler = handlers[kind.ordinal()];
        if (handler == null) {
            drop(DropReason.NO_HANDLER);
            return PacketKind.UNKNOWN;
        }
        try {
            handler.handle(buf, off, len);
        } catch (RuntimeException e) {
            drop(DropReason.HANDLER_FAILED);
            return PacketKind.UNKNOWN;
        }
        delivered.get(kind).increment();
        return kind;
    }

    public long delivered(PacketKind kind) {
        return delivered.get(kind).sum();
    }

    public long dropped(DropReason reason) {
        return dropped.get(reason).sum();
    }

    public long droppedTotal() {
        long total = 0;
        for (LongAdder adder : dropped.values()) {
            total += adder.sum();
        }
        return total;
    }

    /** A copy of the delivered counters, one entry per kind. */
    public Map<PacketKind, Long> deliveredCounts() {
        Map<PacketKind, Long> copy = new EnumMap<>(PacketKind.class);
        delivered.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** A copy of the drop counters, one entry per reason. */
    public Map<DropReason, Long> droppedCounts() {
        Map<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        dropped.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private void drop(DropReason reason) {
        dropped.get(reason).increment();
    }
}
