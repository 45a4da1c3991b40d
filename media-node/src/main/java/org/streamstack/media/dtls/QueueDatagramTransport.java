package org.streamstack.media.dtls;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.bouncycastle.tls.DatagramTransport;

/**
 * The in-memory datagram link between the sans-IO {@link DtlsTransport} and BouncyCastle's blocking DTLS
 * engine: datagrams pushed by the network side wait in a bounded queue for the DTLS thread; records
 * BouncyCastle sends go to a callback.
 *
 * <p>During the handshake, records are packed into as few datagrams as the send limit allows (RFC 6347
 * section 4.1.1 allows several records per datagram) and flushed when BouncyCastle turns to receiving,
 * i.e. once per flight, as BoringSSL does. BouncyCastle alone sends every handshake record in a datagram of
 * its own; when the one carrying CertificateVerify is lost but ChangeCipherSpec arrives, a BouncyCastle
 * server moves to the next epoch and never completes (bc-java issue 229): whole flights in one datagram
 * arrive whole or not at all. After the handshake every record goes out at once.
 */
final class QueueDatagramTransport implements DatagramTransport {

    /** Ice4j hands us at most one Ethernet MTU. */
    static final int RECEIVE_LIMIT = 1500;

    private static final byte[] CLOSED = new byte[0];

    private final BlockingQueue<byte[]> incoming;
    private final Consumer<byte[]> outgoing;
    private final int sendLimit;
    private final LongAdder queueDrops = new LongAdder();
    private final Object outgoingLock = new Object();
    private final byte[] pending;
    private int pendingLength;
    private boolean coalescing = true;
    private volatile boolean closed;

    QueueDatagramTransport(int capacity, int sendLimit, Consumer<byte[]> outgoing) {
        this.incoming = new LinkedBlockingQueue<>(capacity);
        this.sendLimit = sendLimit;
        this.outgoing = outgoing;
        this.pending = new byte[sendLimit];
    }

    /** Sends what is pending and, from now on, every record at once (the handshake is over). */
    void stopCoalescing() {
        synchronized (outgoingLock) {
            coalescing = false;
            flushLocked();
        }
    }

    /** Network side: queue a copy; returns false (and counts) if closed or full. */
    boolean offer(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[Math.min(len, RECEIVE_LIMIT)];
        System.arraycopy(buf, off, copy, 0, copy.length);
        if (!incoming.offer(copy)) {
            queueDrops.increment();
            return false;
        }
        return true;
    }

    long queueDrops() {
        return queueDrops.sum();
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    /** Returns -1 when nothing arrives within {@code waitMillis}, as BouncyCastle expects of a timeout. */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        synchronized (outgoingLock) {
            flushLocked(); // BouncyCastle waits for the peer: the flight is complete.
        }
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
        byte[] datagram;
        try {
            datagram = incoming.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (datagram == null) {
            return -1;
        }
        if (datagram == CLOSED || closed) {
            throw new IOException("DTLS transport closed");
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (closed) {
            return;
        }
        synchronized (outgoingLock) {
            if (coalescing && len <= sendLimit) {
                if (pendingLength + len > sendLimit) {
                    flushLocked();
                }
                System.arraycopy(buf, off, pending, pendingLength, len);
                pendingLength += len;
                return;
            }
            flushLocked();
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            outgoing.accept(copy);
        }
    }

    private void flushLocked() {
        if (pendingLength == 0 || closed) {
            pendingLength = 0;
            return;
        }
        byte[] datagram = new byte[pendingLength];
        System.arraycopy(pending, 0, datagram, 0, pendingLength);
        pendingLength = 0;
        outgoing.accept(datagram);
    }

    /** Wakes the DTLS thread; further sends are discarded. Called by BouncyCastle too, after close_notify. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (outgoingLock) {
            flushLocked(); // a fatal alert or close_notify written just before
        }
        closed = true;
        incoming.clear();
        incoming.offer(CLOSED);
    }
}
