package org.streamstack.media.rtp;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The last N RTP packets sent on one SSRC, as plain (pre-SRTP) bytes, for retransmission on a
 * Generic NACK (RFC 4585 6.2.1). Jitsi and Pion keep the same kind of ring.
 *
 * <p>Sequence numbers wrap at 2^16 (RFC 3550 5.1): each stored packet is indexed by its extended
 * sequence number (the 16-bit number unwrapped against the newest one, RFC 3550 A.1), which also
 * decides what counts as the last N, so a number seen again 65536 packets later never returns the
 * old packet. Memory is bounded by N slots, each one packet.
 *
 * <p>Not thread-safe: the sender owns it.
 */
public final class PacketHistory {
    public static final int DEFAULT_CAPACITY = 1024;

    private final int capacity;
    private final byte[][] packets;
    private final long[] extendedSequences;
    private boolean empty = true;
    private long newest;

    public PacketHistory() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity packets kept, 1-32768 (half the sequence space, so that age is unambiguous) */
    public PacketHistory(int capacity) {
        if (capacity < 1 || capacity > 0x8000) {
            throw new IllegalArgumentException("capacity must be 1-32768: " + capacity);
        }
        this.capacity = capacity;
        this.packets = new byte[capacity][];
        this.extendedSequences = new long[capacity];
        Arrays.fill(extendedSequences, Long.MIN_VALUE);
    }

    public void put(byte[] packet) {
        put(packet, 0, packet.length);
    }

    /**
     * Stores a copy of the RTP packet at {@code buf[off, off+len)}, keyed by its sequence number.
     *
     * @throws IllegalArgumentException if it is shorter than an RTP header
     */
    public void put(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < RtpPacket.FIXED_HEADER_SIZE) {
            throw new IllegalArgumentException("not an RTP packet: " + len + " bytes");
        }
        int seq = BigEndian.u16(buf, off + 2);
        // RFC 3550 A.1: the closest unwrapping to the newest number; may go below zero, which is fine.
        long extended = empty ? seq : newest + (short) (seq - (int) (newest & 0xFFFF));
        int slot = slot(extended);
        packets[slot] = Arrays.copyOfRange(buf, off, off + len);
        extendedSequences[slot] = extended;
        newest = empty ? extended : Math.max(newest, extended);
        empty = false;
    }

    /**
     * A copy of the packet sent with {@code sequenceNumber}, if it is among the last N. A copy,
     * because SRTP protects in place.
     */
    public Optional<byte[]> get(int sequenceNumber) {
        if (empty) {
            return Optional.empty();
        }
        int age = ((int) (newest & 0xFFFF) - (sequenceNumber & 0xFFFF)) & 0xFFFF;
        long extended = newest - age;
        if (age >= capacity) {
            return Optional.empty();
        }
        int slot = slot(extended);
        if (extendedSequences[slot] != extended) {
            return Optional.empty();
        }
        return Optional.of(packets[slot].clone());
    }

    private int slot(long extended) {
        return (int) Math.floorMod(extended, (long) capacity);
    }

    public int capacity() {
        return capacity;
    }
}
