package org.streamstack.media.sctp;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Messages accepted from the user and not yet wholly handed to the network, in order. They are
 * fragmented on demand (RFC 9260 6.9) as the retransmission queue takes them, so that the SSN and
 * TSNs are assigned only when a fragment goes out: a message that expires before its first fragment
 * leaves consumes neither, and nothing has to be skipped at the receiver.
 */
final class SendQueue {

    /** One user message. Mutable: how much of it was handed out, its SSN once assigned, abandonment. */
    static final class Message {
        final int streamId;
        final int ppid;
        final byte[] data;
        final boolean unordered;
        final int maxRetransmissions;
        final long expiresAt;
        int offset;
        int ssn = -1;
        boolean abandoned;

        Message(int streamId, int ppid, byte[] data, boolean unordered, int maxRetransmissions, long expiresAt) {
            this.streamId = streamId;
            this.ppid = ppid;
            this.data = data;
            this.unordered = unordered;
            this.maxRetransmissions = maxRetransmissions;
            this.expiresAt = expiresAt;
        }
    }

    /** A piece of a message ready to become a DATA chunk once given a TSN. */
    record Fragment(Message message, int ssn, byte[] payload, boolean beginning, boolean ending) {
    }

    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final Map<Integer, Integer> nextSsn = new HashMap<>();
    private long bufferedBytes;
    private long expired;

    void add(Message message) {
        queue.add(message);
        bufferedBytes += message.data.length;
    }

    /**
     * Payload size of the next fragment (at most {@code maxFragment}), or -1 if nothing is queued.
     * Drops, on the way, messages that were abandoned or expired before their first fragment left.
     */
    int peekFragmentSize(int maxFragment, long now) {
        while (!queue.isEmpty()) {
            Message head = queue.peek();
            boolean unsent = head.offset == 0;
            if (head.abandoned || (unsent && now >= head.expiresAt)) {
                queue.poll();
                bufferedBytes -= head.data.length - head.offset;
                if (unsent && !head.abandoned) {
                    expired++;
                }
                continue;
            }
            return Math.min(maxFragment, head.data.length - head.offset);
        }
        return -1;
    }

    /** The next fragment; call after {@link #peekFragmentSize} said there is one. */
    Fragment next(int maxFragment) {
        Message head = queue.peek();
        boolean beginning = head.offset == 0;
        if (beginning) {
            // RFC 9260 6.6: unordered messages carry no meaningful SSN; ordered ones take the next.
            if (head.unordered) {
                head.ssn = 0;
            } else {
                int ssn = nextSsn.getOrDefault(head.streamId, 0);
                head.ssn = ssn;
                nextSsn.put(head.streamId, (ssn + 1) & 0xFFFF);
            }
        }
        int size = Math.min(maxFragment, head.data.length - head.offset);
        byte[] payload = beginning && size == head.data.length ? head.data
                : Arrays.copyOfRange(head.data, head.offset, head.offset + size);
        head.offset += size;
        bufferedBytes -= size;
        boolean ending = head.offset == head.data.length;
        if (ending) {
            queue.poll();
        }
        return new Fragment(head, head.ssn, payload, beginning, ending);
    }

    /** Whether a message of {@code streamId} still has fragments to send (a reset must wait for them, RFC 6525 5.1.2). */
    boolean hasDataFor(int streamId) {
        for (Message m : queue) {
            if (m.streamId == streamId && !m.abandoned) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6525 5.1.2: after an outgoing reset the stream starts over at SSN 0. */
    void resetSsn(int streamId) {
        nextSsn.remove(streamId);
    }

    boolean isEmpty() {
        for (Iterator<Message> it = queue.iterator(); it.hasNext(); ) {
            if (!it.next().abandoned) {
                return false;
            }
        }
        return true;
    }

    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Messages that expired before any of their bytes left. */
    long expired() {
        return expired;
    }

    void clear() {
        queue.clear();
        bufferedBytes = 0;
    }
}
