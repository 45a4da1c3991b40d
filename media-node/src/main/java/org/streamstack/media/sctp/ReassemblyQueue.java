package org.streamstack.media.sctp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns received DATA chunks back into messages and delivers them (RFC 9260 6.5, 6.6, 6.9):
 * fragments are joined by TSN run, never by size (Chromium's fragments vary, WEBRTC.md): a message
 * is the consecutive TSNs from a B chunk to an E chunk on one stream, with one SSN when ordered.
 * Unordered messages leave at once; ordered ones leave in SSN order per stream.
 *
 * <p>Also handles FORWARD TSN (RFC 3758 3.6) and the stream resets of RFC 6525 5.2.2, including
 * deferred reset processing: ordered messages sent after the reset point wait until it is reached.
 */
final class ReassemblyQueue {

    /** A reassembled message. */
    record Message(int streamId, int ssn, int ppid, boolean unordered, byte[] payload, long firstTsn) {
    }

    private static final class InboundStream {
        int nextSsn;
        final Map<Integer, Message> waiting = new HashMap<>();
    }

    private final TreeMap<Long, DataChunk> fragments = new TreeMap<>();
    private final Map<Integer, InboundStream> streams = new HashMap<>();
    private final Consumer<Message> deliver;
    private long bufferedBytes;

    private long deferredResetTsn = -1;
    private Set<Integer> deferredStreams = Set.of();
    private final List<Message> deferredMessages = new ArrayList<>();

    ReassemblyQueue(Consumer<Message> deliver) {
        this.deliver = deliver;
    }

    /** Adds a DATA chunk of unwrapped TSN {@code tsn} (never a duplicate) and delivers what it completes. */
    void add(long tsn, DataChunk chunk) {
        if (chunk.beginning() && chunk.ending()) {
            onMessage(new Message(chunk.streamId(), chunk.ssn(), chunk.ppid(), chunk.unordered(), chunk.payload(), tsn));
            return;
        }
        fragments.put(tsn, chunk);
        bufferedBytes += chunk.payload().length;

        long first = tsn;
        DataChunk current = chunk;
        while (!current.beginning()) {
            DataChunk previous = fragments.get(first - 1);
            if (previous == null || previous.ending() || !sameMessage(previous, current)) {
                return;
            }
            first--;
            current = previous;
        }
        long last = tsn;
        current = chunk;
        while (!current.ending()) {
            DataChunk next = fragments.get(last + 1);
            if (next == null || next.beginning() || !sameMessage(current, next)) {
                return;
            }
            last++;
            current = next;
        }

        int size = 0;
        for (long t = first; t <= last; t++) {
            size += fragments.get(t).payload().length;
        }
        byte[] payload = new byte[size];
        int pos = 0;
        for (long t = first; t <= last; t++) {
            byte[] part = fragments.remove(t).payload();
            System.arraycopy(part, 0, payload, pos, part.length);
            pos += part.length;
        }
        bufferedBytes -= size;
        // Every fragment carries the stream, SSN and PPID of its message.
        onMessage(new Message(chunk.streamId(), chunk.ssn(), chunk.ppid(), chunk.unordered(), payload, first));
    }

    /** 6.9: fragments of one message share stream, U flag and (when ordered) SSN. */
    private static boolean sameMessage(DataChunk a, DataChunk b) {
        return a.streamId() == b.streamId() && a.unordered() == b.unordered() && (a.unordered() || a.ssn() == b.ssn());
    }

    private void onMessage(Message m) {
        if (m.unordered()) {
            deliver.accept(m);
            return;
        }
        if (deferredResetTsn >= 0 && m.firstTsn() > deferredResetTsn
                && (deferredStreams.isEmpty() || deferredStreams.contains(m.streamId()))) {
            // RFC 6525 5.2.2 E2: held until the reset point is reached.
            deferredMessages.add(m);
            bufferedBytes += m.payload().length;
            return;
        }
        InboundStream stream = streams.computeIfAbsent(m.streamId(), id -> new InboundStream());
        if (SerialNumbers.ssnDistance(m.ssn(), stream.nextSsn) < 0 || stream.waiting.containsKey(m.ssn())) {
            return; // an SSN already delivered or skipped: not a message we can place
        }
        stream.waiting.put(m.ssn(), m);
        bufferedBytes += m.payload().length;
        drain(stream);
    }

    private void drain(InboundStream stream) {
        Message m;
        while ((m = stream.waiting.remove(stream.nextSsn)) != null) {
            bufferedBytes -= m.payload().length;
            stream.nextSsn = (stream.nextSsn + 1) & 0xFFFF;
            deliver.accept(m);
        }
    }

    /**
     * RFC 3758 3.6: fragments up to {@code newCumulativeTsn} belong to abandoned messages and go; on
     * each listed ordered stream, messages up to the SSN given are delivered if complete and
     * skipped otherwise, and delivery resumes after it.
     */
    void forwardTsn(long newCumulativeTsn, List<ForwardTsnChunk.StreamEntry> entries) {
        Map<Long, DataChunk> dropped = fragments.headMap(newCumulativeTsn, true);
        for (DataChunk c : dropped.values()) {
            bufferedBytes -= c.payload().length;
        }
        dropped.clear();
        for (ForwardTsnChunk.StreamEntry entry : entries) {
            InboundStream stream = streams.computeIfAbsent(entry.streamId(), id -> new InboundStream());
            int skipped = SerialNumbers.ssnDistance(entry.ssn(), stream.nextSsn);
            if (skipped < 0) {
                continue;
            }
            List<Message> ready = new ArrayList<>();
            for (Message m : stream.waiting.values()) {
                int d = SerialNumbers.ssnDistance(m.ssn(), stream.nextSsn);
                if (d >= 0 && d <= skipped) {
                    ready.add(m);
                }
            }
            int base = stream.nextSsn;
            ready.sort((a, b) -> Integer.compare(SerialNumbers.ssnDistance(a.ssn(), base),
                    SerialNumbers.ssnDistance(b.ssn(), base)));
            for (Message m : ready) {
                stream.waiting.remove(m.ssn());
                bufferedBytes -= m.payload().length;
            }
            stream.nextSsn = (entry.ssn() + 1) & 0xFFFF;
            ready.forEach(deliver);
            drain(stream);
        }
    }

    /** RFC 6525 5.2.2 E2: hold ordered messages after {@code lastTsn} on these streams (all, if empty). */
    void deferReset(long lastTsn, Collection<Integer> streamIds) {
        if (deferredResetTsn >= 0) {
            // A second request while one is deferred: cover both.
            Set<Integer> union = new java.util.HashSet<>(deferredStreams);
            union.addAll(streamIds);
            deferredStreams = deferredStreams.isEmpty() || streamIds.isEmpty() ? Set.of() : Set.copyOf(union);
            deferredResetTsn = Math.max(deferredResetTsn, lastTsn);
        } else {
            deferredResetTsn = lastTsn;
            deferredStreams = Set.copyOf(streamIds);
        }
    }

    /** The TSN a deferred reset waits for, or -1. */
    long deferredResetTsn() {
        return deferredResetTsn;
    }

    Set<Integer> deferredStreams() {
        return deferredStreams;
    }

    /**
     * RFC 6525 5.2.2 E3-E4: the listed streams (all, if empty) expect SSN 0 next; held messages are
     * released.
     */
    void resetStreams(Collection<Integer> streamIds) {
        Collection<Integer> ids = streamIds.isEmpty() ? List.copyOf(streams.keySet()) : streamIds;
        for (int id : ids) {
            InboundStream stream = streams.remove(id);
            if (stream != null) {
                for (Message m : stream.waiting.values()) {
                    bufferedBytes -= m.payload().length;
                }
            }
        }
        deferredResetTsn = -1;
        deferredStreams = Set.of();
        List<Message> held = new ArrayList<>(deferredMessages);
        deferredMessages.clear();
        for (Message m : held) {
            bufferedBytes -= m.payload().length;
            onMessage(m);
        }
    }

    /** Bytes received and not yet delivered: partial messages and ordered ones waiting their turn. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    void clear() {
        fragments.clear();
        streams.clear();
        deferredMessages.clear();
        bufferedBytes = 0;
    }
}
