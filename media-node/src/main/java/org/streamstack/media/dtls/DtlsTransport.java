package org.streamstack.media.dtls;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.streamstack.media.srtp.SrtpKeys;
import org.streamstack.media.srtp.SrtpProfile;

/**
 * DTLS-SRTP (RFC 5764) for one peer connection, sans-IO: datagrams come in through {@link #receive}, go
 * out through the {@link DatagramSender}, and results are reported to a {@link Listener}. BouncyCastle's
 * blocking handshake runs on a thread of its own over an in-memory {@link QueueDatagramTransport}.
 *
 * <p>What WebRTC requires of it (RFC 8827 section 6.5, RFC 8842): DTLS 1.2 only (Chromium offers 1.3 too),
 * ECDHE_ECDSA with AES-GCM (CBC kept as fallback), extended master secret (RFC 7627), use_srtp, and mutual
 * authentication: a CertificateRequest is always sent, and the peer's certificate must hash to the
 * fingerprint of the remote SDP or the handshake fails with bad_certificate.
 *
 * <p>Threading: {@link #receive}, {@link #sendApplicationData} and {@link #close} may be called from any
 * thread. Listener callbacks and most {@link DatagramSender} calls happen on this transport's DTLS thread
 * ({@code sendApplicationData} sends on the caller's thread); they must not block for long.
 */
public final class DtlsTransport implements AutoCloseable {

    /** Where outgoing DTLS datagrams go (the ICE transport). The array belongs to the callee. */
    @FunctionalInterface
    public interface DatagramSender {
        void send(byte[] datagram);
    }

    /** What the DTLS thread reports. */
    public interface Listener {
        /** The handshake completed; the keys are split for our role. */
        void onHandshakeComplete(SrtpKeys keys);

        /** One DTLS application data record (SCTP packet), after the handshake. */
        default void onApplicationData(byte[] data) {
        }

        /** Called exactly once, whether the handshake failed or an established association ended. */
        void onClosed(DtlsClose close);
    }

    public enum State { NEW, HANDSHAKING, CONNECTED, CLOSED }

    /** RFC 5764 section 4.2: the RFC 5705 exporter label for SRTP keying material. */
    static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    /** ECDSA only: our certificate is P-256. GCM first, CBC as fallback for peers without AEAD. */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    };

    /** RFC 5246 section 7.4.1.4.1: ecdsa(3) with sha256(4), what a P-256 key signs with. */
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final DtlsRole role;
    private final DtlsCertificate certificate;
    private final byte[] expectedRemoteFingerprint;
    private final DtlsSettings settings;
    private final Listener listener;
    private final QueueDatagramTransport datagrams;
    private final BcTlsCrypto crypto = new BcTlsCrypto();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean reportedClose = new AtomicBoolean();
    private final Object sendLock = new Object();
    private final LongAdder datagramsIn = new LongAdder();
    private final LongAdder datagramsOut = new LongAdder();
    private final LongAdder applicationDataIn = new LongAdder();
    private final LongAdder applicationDataOut = new LongAdder();
    private final LongAdder applicationDataDropped = new LongAdder();

    private volatile State state = State.NEW;
    private volatile DTLSTransport dtls;
    private volatile boolean closing;
    private volatile boolean peerSentCloseNotify;
    private volatile SrtpProfile selectedProfile;
    private volatile SrtpKeys keys;
    private volatile Thread thread;

    /**
     * @param role the side we play in the handshake
     * @param certificate the node's certificate
     * @param expectedRemoteFingerprint the remote SDP's {@code a=fingerprint:sha-256} value
     * @param sender where outgoing datagrams go
     */
    public DtlsTransport(DtlsRole role, DtlsCertificate certificate, String expectedRemoteFingerprint,
                         DtlsSettings settings, DatagramSender sender, Listener listener) {
        this.role = role;
        this.certificate = certificate;
        this.expectedRemoteFingerprint = DtlsCertificate.parseFingerprint(expectedRemoteFingerprint);
        this.settings = settings;
        this.listener = listener;
        this.datagrams = new QueueDatagramTransport(settings.receiveQueueCapacity(), settings.sendLimit(), datagram -> {
            datagramsOut.increment();
            sender.send(datagram);
        });
    }

    /** Starts the handshake thread. Datagrams received before this are kept and processed then. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        state = State.HANDSHAKING;
        Thread t = new Thread(this::run, "dtls-" + role.name().toLowerCase() + "-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Hands one incoming DTLS datagram over (copied); never blocks, never throws. */
    public void receive(byte[] buf, int off, int len) {
        if (buf == null || len <= 0 || off < 0 || off + len > buf.length) {
            return;
        }
        datagramsIn.increment();
        datagrams.offer(buf, off, len);
    }

    /**
     * Sends one DTLS application data record (an SCTP packet, RFC 8261) after the handshake.
     *
     * @return false (and counted) if not connected, too large, or the send failed
     */
    public boolean sendApplicationData(byte[] data) {
        DTLSTransport t = dtls;
        if (t == null || state != State.CONNECTED) {
            applicationDataDropped.increment();
            return false;
        }
        try {
            synchronized (sendLock) {
                if (data.length > t.getSendLimit()) {
                    applicationDataDropped.increment();
                    return false;
                }
                t.send(data, 0, data.length);
            }
            applicationDataOut.increment();
            return true;
        } catch (IOException | RuntimeException e) {
            applicationDataDropped.increment();
            return false;
        }
    }

    /** Sends close_notify if connected, stops the DTLS thread, and reports LOCAL_CLOSE. Idempotent. */
    @Override
    public void close() {
        closing = true;
        DTLSTransport t = dtls;
        if (t != null) {
            try {
                synchronized (sendLock) {
                    t.close();
                }
            } catch (IOException | RuntimeException ignored) {
                // The association is going away either way.
            }
        }
        datagrams.close();
        if (!started.get()) {
            finish(new DtlsClose(DtlsClose.Cause.LOCAL_CLOSE, false, -1, "closed before start"));
        }
    }

    public State state() {
        return state;
    }

    public DtlsRole role() {
        return role;
    }

    /** The negotiated SRTP keys, or null before the handshake completes (reported by the listener). */
    SrtpKeys srtpKeys() {
        return keys;
    }

    /** Largest application data record {@link #sendApplicationData} accepts, or 0 before the handshake. */
    public int applicationDataLimit() {
        DTLSTransport t = dtls;
        try {
            return t == null ? 0 : t.getSendLimit();
        } catch (IOException e) {
            return 0;
        }
    }

    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long datagramsOut() {
        return datagramsOut.sum();
    }

    /** Incoming datagrams dropped because the DTLS thread fell behind. */
    public long queueDrops() {
        return datagrams.queueDrops();
    }

    public long applicationDataIn() {
        return applicationDataIn.sum();
    }

    public long applicationDataOut() {
        return applicationDataOut.sum();
    }

    public long applicationDataDropped() {
        return applicationDataDropped.sum();
    }

    private void run() {
        DTLSTransport established;
        try {
            if (role == DtlsRole.SERVER) {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // No HelloVerifyRequest cookie round trip: ICE connectivity checks have already proved
                // that the peer receives at its address (RFC 8445 section 7.2.5, RFC 6347 section 4.2.1).
                protocol.setVerifyRequests(false);
                established = protocol.accept(new Server(), datagrams);
            } else {
                established = new DTLSClientProtocol().connect(new Client(), datagrams);
            }
        } catch (Exception e) {
            finish(closeFor(e, false));
            return;
        }
        datagrams.stopCoalescing(); // our last flight leaves now, not when we next read
        dtls = established;
        if (closing) {
            close();
            finish(new DtlsClose(DtlsClose.Cause.LOCAL_CLOSE, true, -1, "closed during the handshake"));
            return;
        }
        state = State.CONNECTED;
        safely(() -> listener.onHandshakeComplete(keys));
        readApplicationData(established);
    }

    /** Keeps reading after the handshake so that application data, alerts and close_notify are consumed. */
    private void readApplicationData(DTLSTransport established) {
        byte[] buf = new byte[QueueDatagramTransport.RECEIVE_LIMIT];
        while (true) {
            int n;
            try {
                n = established.receive(buf, 0, buf.length, 1000);
            } catch (Exception e) {
                finish(closeFor(e, true));
                return;
            }
            if (n > 0) {
                applicationDataIn.increment();
                byte[] data = Arrays.copyOf(buf, n);
                safely(() -> listener.onApplicationData(data));
            } else if (peerSentCloseNotify) {
                finish(new DtlsClose(DtlsClose.Cause.PEER_CLOSE_NOTIFY, true, AlertDescription.close_notify, "peer sent close_notify"));
                return;
            } else if (closing) {
                finish(new DtlsClose(DtlsClose.Cause.LOCAL_CLOSE, true, -1, "closed"));
                return;
            }
        }
    }

    private DtlsClose closeFor(Exception e, boolean handshakeCompleted) {
        if (e instanceof TlsFatalAlertReceived received) {
            return new DtlsClose(DtlsClose.Cause.ALERT_RECEIVED, handshakeCompleted, received.getAlertDescription(),
                    "peer sent " + AlertDescription.getText(received.getAlertDescription()));
        }
        if (peerSentCloseNotify) {
            return new DtlsClose(DtlsClose.Cause.PEER_CLOSE_NOTIFY, handshakeCompleted, AlertDescription.close_notify, "peer sent close_notify");
        }
        if (closing) {
            return new DtlsClose(DtlsClose.Cause.LOCAL_CLOSE, handshakeCompleted, -1, "closed");
        }
        if (e instanceof TlsFatalAlert sent) {
            return new DtlsClose(DtlsClose.Cause.ALERT_SENT, handshakeCompleted, sent.getAlertDescription(),
                    "sent " + AlertDescription.getText(sent.getAlertDescription()) + ": " + e.getMessage());
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsClose(DtlsClose.Cause.HANDSHAKE_TIMEOUT, handshakeCompleted, -1, e.getMessage());
        }
        return new DtlsClose(DtlsClose.Cause.ERROR, handshakeCompleted, -1, String.valueOf(e));
    }

    private void finish(DtlsClose close) {
        state = State.CLOSED;
        datagrams.close();
        if (reportedClose.compareAndSet(false, true)) {
            safely(() -> listener.onClosed(close));
        }
    }

    private static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException ignored) {
            // A listener's bug must not kill the DTLS thread.
        }
    }

    private TlsCredentialedSigner signer(TlsContext context) {
        TlsCertificate tlsCertificate;
        try {
            tlsCertificate = crypto.createCertificate(certificate.der());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.privateKey(),
                new Certificate(new TlsCertificate[] {tlsCertificate}), ECDSA_SHA256);
    }

    /** RFC 8122 section 5: the end-entity certificate must hash to the SDP fingerprint. */
    private void verifyPeerCertificate(Certificate peer) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the peer sent no certificate");
        }
        byte[] digest = DtlsCertificate.sha256(peer.getCertificateAt(0).getEncoded());
        if (!MessageDigest.isEqual(digest, expectedRemoteFingerprint)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate fingerprint does not match the SDP");
        }
    }

    /** RFC 5764 section 4.2: export the keying material and split it for our role. */
    private void exportKeys(TlsContext context) throws IOException {
        SrtpProfile profile = selectedProfile;
        if (profile == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no SRTP profile negotiated");
        }
        byte[] material = context.exportKeyingMaterial(EXPORTER_LABEL, null, profile.keyingMaterialLength());
        keys = SrtpKeys.fromKeyingMaterial(profile, material, context.isServer());
        Arrays.fill(material, (byte) 0);
    }

    private void onAlertReceived(short level, short description) {
        // A close_notify that answers our own (RFC 5246 section 7.2.1) does not make the close the peer's.
        if (description == AlertDescription.close_notify && !closing) {
            peerSentCloseNotify = true;
        }
    }

    private int[] srtpProfileIds() {
        return settings.srtpProfiles().stream().mapToInt(SrtpProfile::id).toArray();
    }

    private final class Server extends DefaultTlsServer {

        Server() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) settings.handshakeTimeout().toMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return (int) settings.initialRetransmit().toMillis();
        }

        /** RFC 5764 section 4.1.1: pick the first of our profiles that the client offered. */
        @Override
        @SuppressWarnings("rawtypes")
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client did not offer use_srtp");
            }
            for (SrtpProfile profile : settings.srtpProfiles()) {
                for (int id : offered.getProtectionProfiles()) {
                    if (id == profile.id()) {
                        selectedProfile = profile;
                        return;
                    }
                }
            }
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "no common SRTP profile in " + Arrays.toString(offered.getProtectionProfiles()));
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(new int[] {selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        /** Always ask: WebRTC DTLS is mutually authenticated (RFC 8827 section 6.5). */
        @Override
        public CertificateRequest getCertificateRequest() {
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            verifyPeerCertificate(clientCertificate);
        }

        /** Every suite we offer is ECDHE_ECDSA: always our ECDSA signer. */
        @Override
        public TlsCredentials getCredentials() {
            return signer(context);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            onAlertReceived(alertLevel, alertDescription);
        }
    }

    private final class Client extends DefaultTlsClient {

        Client() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public boolean requiresExtendedMasterSecret() {
            return true;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) settings.handshakeTimeout().toMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return (int) settings.initialRetransmit().toMillis();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(srtpProfileIds(), TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        /** RFC 5764 section 4.1.1: the server must answer with exactly one of the profiles we offered. */
        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (chosen == null || chosen.getProtectionProfiles().length != 1) {
                throw new TlsFatalAlert(AlertDescription.illegal_parameter, "the server did not select one SRTP profile");
            }
            int id = chosen.getProtectionProfiles()[0];
            selectedProfile = settings.srtpProfiles().stream().filter(p -> p.id() == id).findFirst()
                    .orElseThrow(() -> new TlsFatalAlert(AlertDescription.illegal_parameter, "SRTP profile " + id + " was not offered"));
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    verifyPeerCertificate(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                    return signer(context);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            exportKeys(context);
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            onAlertReceived(alertLevel, alertDescription);
        }
    }

    @Override
    public String toString() {
        return "DtlsTransport[" + role + ", " + state + "]";
    }
}
