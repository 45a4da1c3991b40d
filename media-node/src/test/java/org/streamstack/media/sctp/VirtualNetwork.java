package org.streamstack.media.sctp;

import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Two sans-IO endpoints back to back in memory, with a virtual clock: packets take a fixed one-way
 * delay, are dropped at random (seeded) or by a filter, and timers fire when the clock reaches
 * them. Deterministic: the same seed gives the same run.
 */
public final class VirtualNetwork {

    /** What the network drives: an association, or anything wrapping one. */
    public interface Endpoint {
        void receive(byte[] packet, long now);

        void handleTimeout(long now);

        long nextTimeout();
    }

    private record InFlight(long deliverAt, long seq, boolean toB, byte[] packet) {
    }

    private final long oneWayDelayMillis;
    private final Random random;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>((x, y) ->
            x.deliverAt != y.deliverAt ? Long.compare(x.deliverAt, y.deliverAt) : Long.compare(x.seq, y.seq));
    private Endpoint a;
    private Endpoint b;
    private long now = 1_000;
    private long seq;
    private double lossAToB;
    private double lossBToA;
    private Predicate<byte[]> dropAToB = p -> false;
    private Predicate<byte[]> dropBToA = p -> false;
    private long sentAToB;
    private long sentBToA;
    private long droppedAToB;
    private long droppedBToA;

    public VirtualNetwork(long oneWayDelayMillis, long seed) {
        this.oneWayDelayMillis = oneWayDelayMillis;
        this.random = new Random(seed);
    }

    public void attach(Endpoint a, Endpoint b) {
        this.a = a;
        this.b = b;
    }

    public long now() {
        return now;
    }

    /** Where endpoint A writes its packets. */
    public Consumer<byte[]> fromA() {
        return packet -> enqueue(packet, true);
    }

    public Consumer<byte[]> fromB() {
        return packet -> enqueue(packet, false);
    }

    public void setLoss(double aToB, double bToA) {
        this.lossAToB = aToB;
        this.lossBToA = bToA;
    }

    /** Drops the packets from A for which {@code filter} holds (in addition to random loss). */
    public void dropFromA(Predicate<byte[]> filter) {
        this.dropAToB = filter;
    }

    public void dropFromB(Predicate<byte[]> filter) {
        this.dropBToA = filter;
    }

    private void enqueue(byte[] packet, boolean toB) {
        if (toB) {
            sentAToB++;
            if (random.nextDouble() < lossAToB || dropAToB.test(packet)) {
                droppedAToB++;
                return;
            }
        } else {
            sentBToA++;
            if (random.nextDouble() < lossBToA || dropBToA.test(packet)) {
                droppedBToA++;
                return;
            }
        }
        inFlight.add(new InFlight(now + oneWayDelayMillis, seq++, toB, packet));
    }

    /**
     * Advances virtual time event by event until {@code done} holds, or {@code maxMillis} of virtual
     * time have passed, or nothing is left to happen.
     *
     * @return whether {@code done} holds
     */
    public boolean runUntil(BooleanSupplier done, long maxMillis) {
        long deadline = now + maxMillis;
        while (!done.getAsBoolean()) {
            long next = Math.min(inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().deliverAt,
                    Math.min(a.nextTimeout(), b.nextTimeout()));
            if (next == Long.MAX_VALUE || next > deadline) {
                return done.getAsBoolean();
            }
            step(next);
        }
        return true;
    }

    /** Lets {@code millis} of virtual time pass, handling everything due in it. */
    public void advance(long millis) {
        long end = now + millis;
        runUntil(() -> false, millis);
        now = Math.max(now, end);
    }

    private void step(long at) {
        now = Math.max(now, at);
        while (!inFlight.isEmpty() && inFlight.peek().deliverAt <= now) {
            InFlight p = inFlight.poll();
            (p.toB ? b : a).receive(p.packet, now);
        }
        if (a.nextTimeout() <= now) {
            a.handleTimeout(now);
        }
        if (b.nextTimeout() <= now) {
            b.handleTimeout(now);
        }
    }

    public long sentAToB() {
        return sentAToB;
    }

    public long sentBToA() {
        return sentBToA;
    }

    public long droppedAToB() {
        return droppedAToB;
    }

    public long droppedBToA() {
        return droppedBToA;
    }
}
