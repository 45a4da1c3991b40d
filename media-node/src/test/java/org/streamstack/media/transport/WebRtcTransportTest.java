package org.streamstack.media.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsRole;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceTransport;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.mux.PacketKind;
import org.streamstack.media.srtp.SrtpProfile;
import org.streamstack.media.srtp.SrtpSession;

/**
 * The node's transport (controlling, shared port, DTLS server as Chromium's {@code a=setup:active} answer
 * makes it) back to back with a "browser" transport (controlled, own socket, DTLS client) over loopback.
 */
class WebRtcTransportTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final DtlsCertificate NODE_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate BROWSER_CERT = DtlsCertificate.generate();
    private static IceUdpPort port;

    @BeforeAll
    static void startNode() throws Exception {
        SrtpSession.warmUp();
        port = IceUdpPort.open(TestPorts.loopback());
    }

    @AfterAll
    static void stopNode() {
        port.close();
    }

    static class Events implements WebRtcTransport.Listener {
        final CompletableFuture<String> connected = new CompletableFuture<>();
        final CompletableFuture<String> ended = new CompletableFuture<>();
        final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> data = new LinkedBlockingQueue<>();

        @Override
        public void onStateChanged(WebRtcTransport.State state, String reason) {
            if (state == WebRtcTransport.State.CONNECTED) {
                connected.complete(reason);
            } else if (state == WebRtcTransport.State.FAILED || state == WebRtcTransport.State.CLOSED) {
                ended.complete(state + ": " + reason);
                connected.completeExceptionally(new IllegalStateException(state + ": " + reason));
            }
        }

        @Override
        public void onRtp(byte[] packet) {
            rtp.add(packet);
        }

        @Override
        public void onRtcp(byte[] packet) {
            rtcp.add(packet);
        }

        @Override
        public void onApplicationData(byte[] d) {
            data.add(d);
        }
    }

    /** A connected node/browser pair; the browser's raw ICE transport is kept to inject garbage. */
    static final class Session implements AutoCloseable {
        final Events nodeEvents = new Events();
        final Events browserEvents = new Events();
        final AtomicReference<IceTransport> browserIce = new AtomicReference<>();
        final WebRtcTransport node;
        final WebRtcTransport browser;

        Session(DtlsSettings dtls) throws Exception {
            node = WebRtcTransport.offerer(port, IceSettings.defaults(), NODE_CERT, dtls, nodeEvents);
            browser = new WebRtcTransport(l -> {
                IceTransport ice = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, IceSettings.defaults(), l);
                browserIce.set(ice);
                return ice;
            }, BROWSER_CERT, dtls, browserEvents);
        }

        /** The browser answers with a=setup:active: it is the DTLS client, the node the server. */
        void connect() throws Exception {
            browser.applyRemoteDescription(new RemoteDescription(node.localUfrag(), node.localPassword(),
                    node.localFingerprint(), DtlsRole.CLIENT, node.localCandidates()));
            node.applyRemoteDescription(new RemoteDescription(browser.localUfrag(), browser.localPassword(),
                    browser.localFingerprint(), DtlsRole.SERVER, browser.localCandidates()));
            nodeEvents.connected.get(15, TimeUnit.SECONDS);
            browserEvents.connected.get(15, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            browser.close();
            node.close();
        }
    }

    @Test
    void dtlsCompletesAndSrtpFlowsBothWays() throws Exception {
        try (Session s = new Session(DtlsSettings.defaults())) {
            s.connect();
            assertEquals(SrtpProfile.AEAD_AES_128_GCM, s.node.srtpProfile());
            assertEquals(WebRtcTransport.State.CONNECTED, s.node.state());

            for (int seq = 0; seq < 20; seq++) {
                byte[] plain = rtp(seq, 0x1234ABCD, 1100);
                assertTrue(s.node.sendRtp(plain));
                assertArrayEquals(plain, s.browserEvents.rtp.poll(5, TimeUnit.SECONDS), "RTP " + seq);
            }
            byte[] rr = receiverReport(1); // Chromium's recvonly RTCP comes from SSRC 1
            assertTrue(s.browser.sendRtcp(rr));
            assertArrayEquals(rr, s.nodeEvents.rtcp.poll(5, TimeUnit.SECONDS));
            byte[] sr = receiverReport(0x1234ABCD);
            sr[1] = (byte) 200;
            assertTrue(s.node.sendRtcp(sr));
            assertArrayEquals(sr, s.browserEvents.rtcp.poll(5, TimeUnit.SECONDS));

            assertTrue(s.browser.sendApplicationData("sctp init".getBytes(StandardCharsets.UTF_8)));
            assertEquals("sctp init", new String(s.nodeEvents.data.poll(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            assertTrue(s.node.sendApplicationData("sctp init-ack".getBytes(StandardCharsets.UTF_8)));
            assertEquals("sctp init-ack", new String(s.browserEvents.data.poll(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));

            TransportCounters node = s.node.counters();
            assertEquals(20, node.out(PacketKind.RTP));
            assertEquals(1, node.in(PacketKind.RTCP));
            assertTrue(node.in(PacketKind.DTLS) > 0 && node.out(PacketKind.DTLS) > 0);
            assertEquals(20, s.browser.counters().in(PacketKind.RTP));
        }
    }

    /**
     * As DTLS server the node completes its handshake first (its Finished is the last flight, RFC 6347
     * 4.2.4) and may send media at once; as client the browser side must not drop what arrives before it
     * has processed that Finished.
     */
    @Test
    void mediaSentTheMomentTheServerConnectsReachesTheClient() throws Exception {
        for (int round = 0; round < 3; round++) {
            AtomicReference<WebRtcTransport> nodeRef = new AtomicReference<>();
            Events nodeEvents = new Events() {
                @Override
                public void onStateChanged(WebRtcTransport.State state, String reason) {
                    if (state == WebRtcTransport.State.CONNECTED) {
                        for (int seq = 0; seq < 5; seq++) {
                            nodeRef.get().sendRtp(rtp(seq, 0x1234ABCD, 1000));
                        }
                        nodeRef.get().sendRtcp(receiverReport(0x1234ABCD));
                    }
                    super.onStateChanged(state, reason);
                }
            };
            Events browserEvents = new Events();
            try (WebRtcTransport node = WebRtcTransport.offerer(port, IceSettings.defaults(), NODE_CERT, DtlsSettings.defaults(), nodeEvents);
                 WebRtcTransport browser = new WebRtcTransport(l -> IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED,
                         IceSettings.defaults(), l), BROWSER_CERT, DtlsSettings.defaults(), browserEvents)) {
                nodeRef.set(node);
                browser.applyRemoteDescription(new RemoteDescription(node.localUfrag(), node.localPassword(),
                        node.localFingerprint(), DtlsRole.CLIENT, node.localCandidates()));
                node.applyRemoteDescription(new RemoteDescription(browser.localUfrag(), browser.localPassword(),
                        browser.localFingerprint(), DtlsRole.SERVER, browser.localCandidates()));
                browserEvents.connected.get(15, TimeUnit.SECONDS);
                for (int seq = 0; seq < 5; seq++) {
                    byte[] got = browserEvents.rtp.poll(5, TimeUnit.SECONDS);
                    assertNotNull(got, "round " + round + ": RTP " + seq + " lost; " + browser.counters());
                    assertArrayEquals(rtp(seq, 0x1234ABCD, 1000), got);
                }
                assertNotNull(browserEvents.rtcp.poll(5, TimeUnit.SECONDS), "round " + round + ": RTCP lost");
                assertEquals(0, browser.counters().transportDrops().get(WebRtcTransport.Drop.SRTP_NOT_READY_IN));
            }
        }
    }

    /** A keyframe's burst into a dedicated socket whose reader is busy waits in the socket's receive buffer. */
    @Test
    void aBurstReachesADedicatedSocketWhoseReaderIsBusy() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        Events nodeEvents = new Events();
        Events browserEvents = new Events() {
            @Override
            public void onRtp(byte[] packet) {
                super.onRtp(packet);
                if (busy.getCount() > 0) {
                    busy.countDown();
                    try {
                        Thread.sleep(300); // the reader thread waits for a core
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        try (WebRtcTransport node = WebRtcTransport.offerer(port, IceSettings.defaults(), NODE_CERT, DtlsSettings.defaults(), nodeEvents);
             WebRtcTransport browser = new WebRtcTransport(l -> IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED,
                     IceSettings.defaults(), l), BROWSER_CERT, DtlsSettings.defaults(), browserEvents)) {
            browser.applyRemoteDescription(new RemoteDescription(node.localUfrag(), node.localPassword(),
                    node.localFingerprint(), DtlsRole.CLIENT, node.localCandidates()));
            node.applyRemoteDescription(new RemoteDescription(browser.localUfrag(), browser.localPassword(),
                    browser.localFingerprint(), DtlsRole.SERVER, browser.localCandidates()));
            nodeEvents.connected.get(15, TimeUnit.SECONDS);
            browserEvents.connected.get(15, TimeUnit.SECONDS);
            assertTrue(node.sendRtp(rtp(0, 0x1234ABCD, 1100)));
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            int burst = 300; // 340 KB: more than the 208 KiB Linux default holds
            for (int seq = 1; seq <= burst; seq++) {
                assertTrue(node.sendRtp(rtp(seq, 0x1234ABCD, 1100)));
            }
            await(() -> browserEvents.rtp.size() == burst + 1);
        }
    }

    @Test
    void theCmProfileIsUsedWhenThePeerOffersNoGcm() throws Exception {
        try (Session s = new Session(DtlsSettings.defaults().withSrtpProfiles(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80)))) {
            s.connect();
            assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, s.node.srtpProfile());
            byte[] plain = rtp(7, 42, 500);
            assertTrue(s.node.sendRtp(plain));
            assertArrayEquals(plain, s.browserEvents.rtp.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void garbageIntoAConnectedTransportIsDroppedAndCountedAndTrafficContinues() throws Exception {
        try (Session s = new Session(DtlsSettings.defaults())) {
            s.connect();
            TransportCounters before = s.node.counters();
            IceTransport raw = s.browserIce.get();
            Random random = new Random(8834);
            int sent = 0;
            for (int i = 0; i < 300; i++) { // random bytes of every first-byte range
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                sent += raw.send(junk, 0, junk.length) ? 1 : 0;
            }
            // A truncated DTLS record: a real-looking header that promises more than it has.
            byte[] truncatedDtls = {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 100, 1, 2, 3};
            sent += raw.send(truncatedDtls, 0, truncatedDtls.length) ? 1 : 0;
            // Truncated SRTP and SRTCP: genuine packets cut short.
            SrtpSession browserSrtp = new SrtpSession(s.browser.srtpKeys());
            byte[] srtp = browserSrtp.protectRtp(rtp(1, 99, 300), 0, 312);
            sent += raw.send(srtp, 0, 40) ? 1 : 0;
            byte[] srtcp = browserSrtp.protectRtcp(receiverReport(1), 0, 32);
            sent += raw.send(srtcp, 0, 20) ? 1 : 0;
            sent += raw.send(srtcp, 0, 5) ? 1 : 0;
            browserSrtp.close();
            assertEquals(304, sent);

            // Every datagram is accounted for: dropped by the demultiplexer, or handed to DTLS (which
            // discards records it cannot authenticate) or to SRTP (which counts its failures).
            await(() -> {
                TransportCounters c = s.node.counters();
                long handled = sum(c.demuxDrops().values()) - sum(before.demuxDrops().values())
                        + c.in(PacketKind.DTLS) - before.in(PacketKind.DTLS)
                        + c.in(PacketKind.RTP) - before.in(PacketKind.RTP)
                        + c.in(PacketKind.RTCP) - before.in(PacketKind.RTCP);
                return handled == 304;
            });
            TransportCounters c = s.node.counters();
            assertTrue(c.demuxDrops().values().stream().mapToLong(Long::longValue).sum() > 0, c.toString());
            long srtpDelivered = c.in(PacketKind.RTP) + c.in(PacketKind.RTCP) - before.in(PacketKind.RTP) - before.in(PacketKind.RTCP);
            assertEquals(srtpDelivered, (long) c.transportDrops().get(WebRtcTransport.Drop.SRTP_FAILED_IN), c.toString());
            assertTrue(c.srtpFailures().values().stream().mapToLong(Long::longValue).sum() > 0, c.toString());
            assertEquals(WebRtcTransport.State.CONNECTED, s.node.state());

            byte[] plain = rtp(100, 0x1234ABCD, 800);
            assertTrue(s.node.sendRtp(plain));
            assertArrayEquals(plain, s.browserEvents.rtp.poll(5, TimeUnit.SECONDS));
            byte[] rr = receiverReport(1);
            assertTrue(s.browser.sendRtcp(rr));
            assertArrayEquals(rr, drainUntil(s.nodeEvents.rtcp, rr));
            assertTrue(s.browser.sendApplicationData(new byte[] {1, 2, 3}));
            assertArrayEquals(new byte[] {1, 2, 3}, s.nodeEvents.data.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void beforeAPairExistsSendsAreDroppedAndCountedAsNoValidPair() throws Exception {
        Events events = new Events();
        try (WebRtcTransport lonely = WebRtcTransport.offerer(port, IceSettings.defaults(), NODE_CERT,
                DtlsSettings.defaults().withInitialRetransmit(Duration.ofMillis(100)), events)) {
            assertFalse(lonely.sendRtp(rtp(1, 1, 10)));
            assertEquals(1, lonely.counters().transportDrops().get(WebRtcTransport.Drop.SRTP_NOT_READY_OUT));
            // We play DTLS client: our ClientHello and its retransmissions meet "No valid pair".
            lonely.applyRemoteDescription(new RemoteDescription("abcd", "0123456789abcdefghijkl",
                    BROWSER_CERT.fingerprintSha256(), DtlsRole.CLIENT, List.of()));
            await(() -> lonely.counters().iceDrops().get(IceTransport.Drop.NO_VALID_PAIR) >= 2);
            assertTrue(lonely.counters().transportDrops().get(WebRtcTransport.Drop.ICE_SEND_FAILED) >= 2);
            assertEquals(WebRtcTransport.State.CONNECTING, lonely.state());
        }
    }

    @Test
    void closingTheBrowserSendsCloseNotifyAndTheNodeReportsClosed() throws Exception {
        try (Session s = new Session(DtlsSettings.defaults())) {
            s.connect();
            s.browser.close();
            String ended = s.nodeEvents.ended.get(5, TimeUnit.SECONDS);
            assertTrue(ended.startsWith("CLOSED"), ended);
            assertFalse(s.node.sendApplicationData(new byte[] {1}));
        }
    }

    private static long sum(java.util.Collection<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    private static byte[] drainUntil(BlockingQueue<byte[]> queue, byte[] wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            byte[] next = queue.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && Arrays.equals(next, wanted)) {
                return next;
            }
        }
        return null;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadLength);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 3000).putInt(ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b.put((byte) (i + seq));
        }
        return b.array();
    }

    static byte[] receiverReport(int senderSsrc) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(senderSsrc);
        b.putInt(0x1234ABCD).putInt(0).putInt(1000).putInt(20).putInt(0).putInt(0);
        return b.array();
    }
}
