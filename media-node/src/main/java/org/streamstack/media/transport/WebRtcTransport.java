package org.streamstack.media.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsClose;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.dtls.DtlsTransport;
import org.streamstack.media.sdp.IceCandidate;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceTransport;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.mux.Demultiplexer;
import org.streamstack.media.mux.PacketKind;
import org.streamstack.media.srtp.SrtpKeys;
import org.streamstack.media.srtp.SrtpProfile;
import org.streamstack.media.srtp.SrtpSession;

/**
 * One peer connection's transport (RFC 8834/8835 for WebRTC): ICE carries every datagram on one 5-tuple,
 * the {@link Demultiplexer} sorts what arrives (RFC 7983), DTLS authenticates the peer and keys SRTP
 * (RFC 5764), and SRTP/SRTCP protect the media. Application data (SCTP, RFC 8261) rides DTLS.
 *
 * <pre>
 *  ICE datagram --> Demultiplexer --DTLS--> DtlsTransport --keys--> SrtpSession
 *                                 |                       `--app data--> onApplicationData
 *                                 |--RTCP--> SrtpSession.unprotectRtcp --> onRtcp
 *                                 `--RTP---> SrtpSession.unprotectRtp  --> onRtp
 *  sendRtp / sendRtcp --> SrtpSession.protect* --> IceTransport.send
 * </pre>
 *
 * <p>DTLS starts as soon as the remote description is applied, not at ICE completion: a ClientHello that
 * arrived early waits in DTLS's queue instead of every retransmitted one getting a full server flight
 * later. Sends before ICE has a valid pair are dropped and counted; DTLS retransmits.
 *
 * <p>Threading: {@link Listener#onRtcp} and {@link Listener#onRtp} run on ice4j's socket thread (shared by
 * the node's peers: do not block), except for packets that arrived during our handshake: those are
 * delivered in order on the DTLS thread right after CONNECTED. {@link Listener#onApplicationData} and the
 * CONNECTED state change run on this transport's DTLS thread; other state changes on ice4j or timer
 * threads. All methods may be called from any thread; no exception escapes from incoming traffic.
 */
public final class WebRtcTransport implements AutoCloseable {

    /** Creates the ICE transport once the WebRtcTransport can give it a listener. */
    @FunctionalInterface
    public interface IceTransportFactory {
        IceTransport create(IceTransport.Listener listener) throws IOException;
    }

    public interface Listener {
        /** NEW -> CONNECTING (remote applied) -> CONNECTED (DTLS done, SRTP keyed) -> FAILED or CLOSED. */
        void onStateChanged(State state, String reason);

        /** One plain compound RTCP packet from the peer. */
        default void onRtcp(byte[] rtcp) {
        }

        /** One plain RTP packet from the peer (browsers that send media; tests). */
        default void onRtp(byte[] rtp) {
        }

        /** One DTLS application data record (an SCTP packet). */
        default void onApplicationData(byte[] data) {
        }
    }

    public enum State { NEW, CONNECTING, CONNECTED, FAILED, CLOSED }

    /** What this transport itself dropped. */
    public enum Drop {
        /** More DTLS datagrams arrived before the remote description than we keep. */
        EARLY_DTLS_OVERFLOW,
        /** SRTP/SRTCP arrived before the DTLS handshake produced keys and could not be kept until it did. */
        SRTP_NOT_READY_IN,
        /** An incoming SRTP/SRTCP packet failed to unprotect (see the SRTP failure counters). */
        SRTP_FAILED_IN,
        /** sendRtp/sendRtcp before the DTLS handshake produced keys. */
        SRTP_NOT_READY_OUT,
        /** sendRtp/sendRtcp given a packet SRTP could not protect. */
        SRTP_FAILED_OUT,
        /** ICE refused the datagram (no valid pair yet, or a socket error: see the ICE counters). */
        ICE_SEND_FAILED
    }

    private static final int MAX_EARLY_DTLS = 16;
    /** SRTP/SRTCP kept while our handshake finishes (see {@link #holdUntilKeyed}): a keyframe's burst. */
    private static final int MAX_EARLY_SRTP = 128;

    /** An SRTP or SRTCP datagram that arrived before our keys. */
    private record EarlySrtp(PacketKind kind, byte[] datagram) {
    }

    private final IceTransport ice;
    private final DtlsCertificate certificate;
    private final DtlsSettings dtlsSettings;
    private final Listener listener;
    private final Demultiplexer demux = new Demultiplexer();
    private final List<byte[]> earlyDtls = new ArrayList<>();
    private final List<EarlySrtp> earlySrtp = new ArrayList<>();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final Map<PacketKind, LongAdder> out = new EnumMap<>(PacketKind.class);

    private volatile DtlsTransport dtls;
    private volatile SrtpSession srtp;
    private volatile SrtpKeys keys;
    /** Incoming SRTP is unprotected from here on; before, it waits in earlySrtp (guarded by this). */
    private volatile boolean receiving;
    private volatile State state = State.NEW;

    public WebRtcTransport(IceTransportFactory iceFactory, DtlsCertificate certificate, DtlsSettings dtlsSettings,
                           Listener listener) throws IOException {
        this.certificate = certificate;
        this.dtlsSettings = dtlsSettings;
        this.listener = listener;
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
        for (PacketKind k : PacketKind.values()) {
            out.put(k, new LongAdder());
        }
        demux.on(PacketKind.DTLS, this::onDtls)
                .on(PacketKind.RTCP, this::onSrtcp)
                .on(PacketKind.RTP, this::onSrtp);
        this.ice = iceFactory.create(new IceTransport.Listener() {
            @Override
            public void onDatagram(byte[] buf, int off, int len) {
                demux.accept(buf, off, len);
            }

            @Override
            public void onStateChanged(IceTransport.State s, String reason) {
                onIceState(s, reason);
            }
        });
    }

    /** The usual media node transport: ICE-controlling (we offer) on the node's shared port. */
    public static WebRtcTransport offerer(IceUdpPort port, IceSettings iceSettings, DtlsCertificate certificate,
                                          DtlsSettings dtlsSettings, Listener listener) throws IOException {
        return new WebRtcTransport(l -> new IceTransport(port, IceTransport.Role.CONTROLLING, iceSettings, l),
                certificate, dtlsSettings, listener);
    }

    public String localUfrag() {
        return ice.localUfrag();
    }

    public String localPassword() {
        return ice.localPassword();
    }

    public List<IceCandidate> localCandidates() {
        return ice.localCandidates();
    }

    /** Our {@code a=fingerprint:sha-256} value. */
    public String localFingerprint() {
        return certificate.fingerprintSha256();
    }

    /** A trickled remote candidate, before or after the remote description. */
    public boolean addRemoteCandidate(IceCandidate candidate) {
        return ice.addRemoteCandidate(candidate);
    }

    /** Applies the answer: starts ICE checks and, at once, DTLS in the role the answer gave us. Once only. */
    public void applyRemoteDescription(RemoteDescription remote) {
        DtlsTransport created;
        synchronized (this) {
            if (dtls != null || state == State.CLOSED || state == State.FAILED) {
                return;
            }
            remote.candidates().forEach(ice::addRemoteCandidate);
            created = new DtlsTransport(remote.dtlsRole(), certificate, remote.fingerprint(), dtlsSettings,
                    this::sendDtls, new DtlsEvents());
            for (byte[] early : earlyDtls) {
                created.receive(early, 0, early.length);
            }
            earlyDtls.clear();
            dtls = created;
        }
        setState(State.CONNECTING, "remote description applied");
        ice.start(remote.iceUfrag(), remote.icePassword());
        created.start();
    }

    /**
     * Protects and sends one plain RTP packet.
     *
     * @return false (and counted) before keys exist, if SRTP refuses it, or if ICE cannot send yet
     */
    public boolean sendRtp(byte[] plain, int off, int len) {
        SrtpSession session = srtp;
        if (session == null) {
            drop(Drop.SRTP_NOT_READY_OUT);
            return false;
        }
        byte[] packet = session.protectRtp(plain, off, len);
        if (packet == null) {
            drop(Drop.SRTP_FAILED_OUT);
            return false;
        }
        return send(PacketKind.RTP, packet);
    }

    public boolean sendRtp(byte[] plain) {
        return sendRtp(plain, 0, plain.length);
    }

    /** Protects and sends one plain compound RTCP packet; false (and counted) as for {@link #sendRtp}. */
    public boolean sendRtcp(byte[] plain, int off, int len) {
        SrtpSession session = srtp;
        if (session == null) {
            drop(Drop.SRTP_NOT_READY_OUT);
            return false;
        }
        byte[] packet = session.protectRtcp(plain, off, len);
        if (packet == null) {
            drop(Drop.SRTP_FAILED_OUT);
            return false;
        }
        return send(PacketKind.RTCP, packet);
    }

    public boolean sendRtcp(byte[] plain) {
        return sendRtcp(plain, 0, plain.length);
    }

    /** Sends one DTLS application data record (an SCTP packet) once connected. */
    public boolean sendApplicationData(byte[] data) {
        DtlsTransport t = dtls;
        return t != null && t.sendApplicationData(data);
    }

    public State state() {
        return state;
    }

    /** The negotiated profile, or null before the handshake. */
    public SrtpProfile srtpProfile() {
        SrtpSession session = srtp;
        return session == null ? null : session.profile();
    }

    /** The negotiated keys, for tests in this package that forge genuine-looking packets. */
    SrtpKeys srtpKeys() {
        return keys;
    }

    public TransportCounters counters() {
        Map<Drop, Long> transportDrops = new EnumMap<>(Drop.class);
        drops.forEach((k, v) -> transportDrops.put(k, v.sum()));
        Map<PacketKind, Long> sent = new EnumMap<>(PacketKind.class);
        out.forEach((k, v) -> sent.put(k, v.sum()));
        SrtpSession session = srtp;
        Map<SrtpSession.Failure, Long> failures = session == null
                ? new EnumMap<>(SrtpSession.Failure.class) : session.failureCounts();
        return new TransportCounters(demux.deliveredCounts(), sent, demux.droppedCounts(), transportDrops,
                ice.dropCounts(), failures);
    }

    /** Sends close_notify if connected, then frees ICE. Idempotent. */
    @Override
    public void close() {
        setState(State.CLOSED, "closed");
        discardEarlySrtp();
        DtlsTransport t = dtls;
        if (t != null) {
            t.close();
        }
        ice.close();
        SrtpSession session = srtp;
        if (session != null) {
            session.close();
        }
    }

    private void onDtls(byte[] buf, int off, int len) {
        DtlsTransport t = dtls;
        if (t != null) {
            t.receive(buf, off, len);
            return;
        }
        synchronized (this) {
            if (dtls == null) {
                // RFC 8842: the peer may start DTLS as soon as its ICE sees us, before we apply its answer.
                if (earlyDtls.size() < MAX_EARLY_DTLS) {
                    earlyDtls.add(Arrays.copyOfRange(buf, off, off + len));
                } else {
                    drop(Drop.EARLY_DTLS_OVERFLOW);
                }
                return;
            }
        }
        dtls.receive(buf, off, len);
    }

    private void onSrtcp(byte[] buf, int off, int len) {
        if (!receiving && holdUntilKeyed(PacketKind.RTCP, buf, off, len)) {
            return;
        }
        unprotectRtcp(srtp, buf, off, len);
    }

    private void unprotectRtcp(SrtpSession session, byte[] buf, int off, int len) {
        byte[] plain = session.unprotectRtcp(buf, off, len);
        if (plain == null) {
            drop(Drop.SRTP_FAILED_IN);
            return;
        }
        listener.onRtcp(plain);
    }

    private void onSrtp(byte[] buf, int off, int len) {
        if (!receiving && holdUntilKeyed(PacketKind.RTP, buf, off, len)) {
            return;
        }
        unprotectRtp(srtp, buf, off, len);
    }

    /**
     * Before our keys exist, keeps SRTP/SRTCP that arrives during our handshake, or drops it (counted).
     * The peer that sends the last flight of the handshake (the DTLS server, RFC 6347 4.2.4: its Finished)
     * has keys first and may send media at once; its packets can reach our socket thread before our DTLS
     * thread has processed that Finished, and dropping them lost the start of the first keyframe whenever
     * we were the DTLS client.
     *
     * @return true if the datagram was kept or dropped, false if keys arrived meanwhile: unprotect it now
     */
    private boolean holdUntilKeyed(PacketKind kind, byte[] buf, int off, int len) {
        synchronized (this) {
            if (receiving) {
                return false;
            }
            // CONNECTED too: between the state change and the flush in onHandshakeComplete, keep the order.
            boolean handshaking = dtls != null && state != State.FAILED && state != State.CLOSED;
            if (handshaking && earlySrtp.size() < MAX_EARLY_SRTP) {
                earlySrtp.add(new EarlySrtp(kind, Arrays.copyOfRange(buf, off, off + len)));
            } else {
                drop(Drop.SRTP_NOT_READY_IN);
            }
            return true;
        }
    }

    private synchronized void discardEarlySrtp() {
        earlySrtp.forEach(early -> drop(Drop.SRTP_NOT_READY_IN));
        earlySrtp.clear();
    }

    private void unprotectRtp(SrtpSession session, byte[] buf, int off, int len) {
        byte[] plain = session.unprotectRtp(buf, off, len);
        if (plain == null) {
            drop(Drop.SRTP_FAILED_IN);
            return;
        }
        listener.onRtp(plain);
    }

    private void sendDtls(byte[] datagram) {
        send(PacketKind.DTLS, datagram);
    }

    private boolean send(PacketKind kind, byte[] datagram) {
        if (!ice.send(datagram, 0, datagram.length)) {
            drop(Drop.ICE_SEND_FAILED);
            return false;
        }
        out.get(kind).increment();
        return true;
    }

    private void onIceState(IceTransport.State s, String reason) {
        if (s == IceTransport.State.FAILED) {
            fail("ICE: " + reason);
        }
    }

    private void fail(String reason) {
        if (setState(State.FAILED, reason)) {
            discardEarlySrtp();
            DtlsTransport t = dtls;
            if (t != null) {
                t.close();
            }
        }
    }

    private boolean setState(State next, String reason) {
        synchronized (this) {
            if (state == next || state == State.CLOSED || state == State.FAILED) {
                return false;
            }
            if (next == State.CONNECTING && state != State.NEW) {
                return false;
            }
            state = next;
        }
        try {
            listener.onStateChanged(next, reason);
        } catch (RuntimeException ignored) {
            // A listener's bug must not break the transport's threads.
        }
        return true;
    }

    private void drop(Drop reason) {
        drops.get(reason).increment();
    }

    private final class DtlsEvents implements DtlsTransport.Listener {
        @Override
        public void onHandshakeComplete(SrtpKeys negotiated) {
            keys = negotiated;
            SrtpSession session = new SrtpSession(negotiated);
            srtp = session;
            setState(State.CONNECTED, "DTLS-SRTP established with " + negotiated.profile());
            // What came before the keys goes first, in arrival order: the socket thread waits on this
            // lock until receiving is set.
            synchronized (WebRtcTransport.this) {
                for (EarlySrtp early : earlySrtp) {
                    if (early.kind() == PacketKind.RTP) {
                        unprotectRtp(session, early.datagram(), 0, early.datagram().length);
                    } else {
                        unprotectRtcp(session, early.datagram(), 0, early.datagram().length);
                    }
                }
                earlySrtp.clear();
                receiving = true;
            }
        }

        @Override
        public void onApplicationData(byte[] data) {
            try {
                listener.onApplicationData(data);
            } catch (RuntimeException ignored) {
                // The listener's problem; keep reading.
            }
        }

        @Override
        public void onClosed(DtlsClose close) {
            switch (close.cause()) {
                case LOCAL_CLOSE -> { }
                case PEER_CLOSE_NOTIFY -> setState(State.CLOSED, "peer sent close_notify");
                default -> fail("DTLS: " + close.detail());
            }
        }
    }
}
