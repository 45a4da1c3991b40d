package org.streamstack.media.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.bouncycastle.tls.AlertDescription;
import org.junit.jupiter.api.Test;
import org.streamstack.media.srtp.SrtpKeys;
import org.streamstack.media.srtp.SrtpProfile;

/** Two DtlsTransports wired back to back in memory, as Jitsi tests its DTLS stack. */
class DtlsTransportTest {

    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();

    /** Records what one side reports. */
    static final class Recorder implements DtlsTransport.Listener {
        final CompletableFuture<SrtpKeys> keys = new CompletableFuture<>();
        final CompletableFuture<DtlsClose> closed = new CompletableFuture<>();
        final BlockingQueue<byte[]> data = new LinkedBlockingQueue<>();

        @Override
        public void onHandshakeComplete(SrtpKeys k) {
            keys.complete(k);
        }

        @Override
        public void onApplicationData(byte[] d) {
            data.add(d);
        }

        @Override
        public void onClosed(DtlsClose close) {
            closed.complete(close);
            keys.completeExceptionally(new IllegalStateException("closed: " + close));
        }
    }

    /** A pair wired so that each side's sender feeds the other's receive, dropping a seeded fraction. */
    static final class Pair implements AutoCloseable {
        final Recorder serverEvents = new Recorder();
        final Recorder clientEvents = new Recorder();
        final DtlsTransport server;
        final DtlsTransport client;

        Pair(DtlsSettings serverSettings, DtlsSettings clientSettings, String fingerprintServerExpects,
             String fingerprintClientExpects, double loss, long seed) {
            Random random = new Random(seed);
            AtomicReference<DtlsTransport> serverRef = new AtomicReference<>();
            AtomicReference<DtlsTransport> clientRef = new AtomicReference<>();
            server = new DtlsTransport(DtlsRole.SERVER, SERVER_CERT, fingerprintServerExpects, serverSettings,
                    d -> deliver(random, loss, clientRef.get(), d), serverEvents);
            client = new DtlsTransport(DtlsRole.CLIENT, CLIENT_CERT, fingerprintClientExpects, clientSettings,
                    d -> deliver(random, loss, serverRef.get(), d), clientEvents);
            serverRef.set(server);
            clientRef.set(client);
        }

        private static void deliver(Random random, double loss, DtlsTransport to, byte[] datagram) {
            boolean lost;
            synchronized (random) {
                lost = random.nextDouble() < loss;
            }
            if (!lost) {
                to.receive(datagram, 0, datagram.length);
            }
        }

        void start() {
            server.start();
            client.start();
        }

        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    private static Pair pair(DtlsSettings settings) {
        return new Pair(settings, settings, CLIENT_CERT.fingerprintSha256(), SERVER_CERT.fingerprintSha256(), 0, 1);
    }

    @Test
    void handshakeCompletesAndBothSidesExportTheSameKeysInMirroredRoles() throws Exception {
        try (Pair p = pair(DtlsSettings.defaults())) {
            p.start();
            SrtpKeys serverKeys = p.serverEvents.keys.get(10, TimeUnit.SECONDS);
            SrtpKeys clientKeys = p.clientEvents.keys.get(10, TimeUnit.SECONDS);
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, serverKeys.profile());
            assertEquals(serverKeys, clientKeys.mirrored());
            assertArrayEquals(serverKeys.localKey(), clientKeys.remoteKey());
            assertArrayEquals(serverKeys.localSalt(), clientKeys.remoteSalt());
            assertFalse(java.util.Arrays.equals(serverKeys.localKey(), serverKeys.remoteKey()));
            assertEquals(DtlsTransport.State.CONNECTED, p.server.state());
            assertEquals(DtlsTransport.State.CONNECTED, p.client.state());
        }
    }

    @Test
    void theServerPicksItsPreferredProfileAmongThoseTheClientOffers() throws Exception {
        DtlsSettings cmOnly = DtlsSettings.defaults().withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80));
        try (Pair p = new Pair(DtlsSettings.defaults(), cmOnly, CLIENT_CERT.fingerprintSha256(),
                SERVER_CERT.fingerprintSha256(), 0, 1)) {
            p.start();
            SrtpKeys serverKeys = p.serverEvents.keys.get(10, TimeUnit.SECONDS);
            assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, serverKeys.profile());
            assertEquals(16, serverKeys.localKey().length);
            assertEquals(14, serverKeys.localSalt().length);
            assertEquals(serverKeys, p.clientEvents.keys.get(10, TimeUnit.SECONDS).mirrored());
        }
    }

    @Test
    void applicationDataFlowsBothWaysAfterTheHandshake() throws Exception {
        try (Pair p = pair(DtlsSettings.defaults())) {
            p.start();
            p.serverEvents.keys.get(10, TimeUnit.SECONDS);
            p.clientEvents.keys.get(10, TimeUnit.SECONDS);
            assertTrue(p.client.sendApplicationData("to server".getBytes(StandardCharsets.UTF_8)));
            assertTrue(p.server.sendApplicationData("to client".getBytes(StandardCharsets.UTF_8)));
            byte[] big = new byte[1100];
            new Random(7).nextBytes(big);
            assertTrue(p.server.sendApplicationData(big));
            assertEquals("to server", new String(p.serverEvents.data.poll(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            assertEquals("to client", new String(p.clientEvents.data.poll(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            assertArrayEquals(big, p.clientEvents.data.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWrongExpectedFingerprintFailsTheHandshakeWithBadCertificateOnTheCheckingSide() throws Exception {
        String someoneElse = DtlsCertificate.generate().fingerprintSha256();
        // The server expects another certificate than the client's.
        try (Pair p = new Pair(DtlsSettings.defaults(), DtlsSettings.defaults(), someoneElse,
                SERVER_CERT.fingerprintSha256(), 0, 1)) {
            p.start();
            DtlsClose serverClose = p.serverEvents.closed.get(10, TimeUnit.SECONDS);
            assertEquals(DtlsClose.Cause.ALERT_SENT, serverClose.cause());
            assertEquals(AlertDescription.bad_certificate, serverClose.alert());
            assertFalse(serverClose.handshakeCompleted());
            assertFalse(p.serverEvents.keys.isDone() && !p.serverEvents.keys.isCompletedExceptionally());
            DtlsClose clientClose = p.clientEvents.closed.get(10, TimeUnit.SECONDS);
            assertEquals(DtlsClose.Cause.ALERT_RECEIVED, clientClose.cause());
            assertEquals(AlertDescription.bad_certificate, clientClose.alert());
        }
        // The client expects another certificate than the server's.
        try (Pair p = new Pair(DtlsSettings.defaults(), DtlsSettings.defaults(), CLIENT_CERT.fingerprintSha256(),
                someoneElse, 0, 1)) {
            p.start();
            DtlsClose clientClose = p.clientEvents.closed.get(10, TimeUnit.SECONDS);
            assertEquals(DtlsClose.Cause.ALERT_SENT, clientClose.cause());
            assertEquals(AlertDescription.bad_certificate, clientClose.alert());
            assertEquals(DtlsClose.Cause.ALERT_RECEIVED, p.serverEvents.closed.get(10, TimeUnit.SECONDS).cause());
        }
    }

    /**
     * Twenty runs, each losing a seeded 20 % of datagrams both ways. Flights are packed into single
     * datagrams (see QueueDatagramTransport): with one record per datagram, a lost CertificateVerify behind
     * an arriving ChangeCipherSpec stalled BouncyCastle's server in about one run in seven.
     */
    @Test
    void theHandshakeCompletesDespiteTwentyPercentDatagramLoss() throws Exception {
        DtlsSettings lossy = DtlsSettings.defaults().withInitialRetransmit(Duration.ofMillis(50));
        for (long seed = 1; seed <= 20; seed++) {
            try (Pair p = new Pair(lossy, lossy, CLIENT_CERT.fingerprintSha256(), SERVER_CERT.fingerprintSha256(), 0.2, seed)) {
                p.start();
                SrtpKeys serverKeys = p.serverEvents.keys.get(10, TimeUnit.SECONDS);
                assertEquals(serverKeys, p.clientEvents.keys.get(10, TimeUnit.SECONDS).mirrored(), "seed " + seed);
            }
        }
    }

    @Test
    void eachFlightTravelsInOneDatagram() throws Exception {
        try (Pair p = pair(DtlsSettings.defaults())) {
            p.start();
            p.serverEvents.keys.get(10, TimeUnit.SECONDS);
            p.clientEvents.keys.get(10, TimeUnit.SECONDS);
            // ClientHello; Certificate..Finished | ServerHello..ServerHelloDone; ChangeCipherSpec, Finished.
            // (One more each is allowed for a retransmission on a slow machine.)
            assertTrue(p.client.datagramsOut() <= 3, "client sent " + p.client.datagramsOut());
            assertTrue(p.server.datagramsOut() <= 3, "server sent " + p.server.datagramsOut());
        }
    }

    @Test
    void closeNotifyIsConsumedAndReportedOnTheOtherSide() throws Exception {
        try (Pair p = pair(DtlsSettings.defaults())) {
            p.start();
            p.serverEvents.keys.get(10, TimeUnit.SECONDS);
            p.clientEvents.keys.get(10, TimeUnit.SECONDS);
            p.client.close();
            assertEquals(DtlsClose.Cause.LOCAL_CLOSE, p.clientEvents.closed.get(5, TimeUnit.SECONDS).cause());
            DtlsClose serverClose = p.serverEvents.closed.get(5, TimeUnit.SECONDS);
            assertEquals(DtlsClose.Cause.PEER_CLOSE_NOTIFY, serverClose.cause());
            assertTrue(serverClose.handshakeCompleted());
            assertFalse(p.server.sendApplicationData(new byte[] {1}));
        }
    }

    @Test
    void aSilentPeerTimesTheHandshakeOut() throws Exception {
        DtlsSettings quick = DtlsSettings.defaults().withHandshakeTimeout(Duration.ofMillis(600));
        Recorder events = new Recorder();
        try (DtlsTransport lonely = new DtlsTransport(DtlsRole.CLIENT, CLIENT_CERT, SERVER_CERT.fingerprintSha256(),
                quick, d -> { }, events)) {
            lonely.start();
            assertEquals(DtlsClose.Cause.HANDSHAKE_TIMEOUT, events.closed.get(5, TimeUnit.SECONDS).cause());
        }
    }

    @Test
    void fingerprintsAreUppercaseColonHexOfTheDerSha256() {
        String fp = SERVER_CERT.fingerprintSha256();
        assertTrue(fp.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fp);
        assertEquals(fp, DtlsCertificate.fingerprintOf(SERVER_CERT.der()));
        assertArrayEquals(DtlsCertificate.parseFingerprint(fp), DtlsCertificate.parseFingerprint("sha-256 " + fp.toLowerCase()));
        assertNotEquals(fp, CLIENT_CERT.fingerprintSha256());
    }

    @Test
    void aRealChromiumFingerprintParses() {
        // The fingerprint of a real Chromium 156 answer (shared/fixtures) parses.
        assertEquals(32, DtlsCertificate.parseFingerprint("sha-256 DE:8B:52:0D:B9:DD:9D:52:18:A6:12:0F:2C:C4:7A:29:50:"
                + "5F:46:56:31:3C:B9:EE:FD:27:A7:4C:1E:F5:D6:04").length);
    }
}
