package org.streamstack.media.ice;

import org.streamstack.cluster.testing.Await;
import org.streamstack.media.sdp.IceCandidate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ICE agents in one JVM on 127.0.0.1: the node's, controlling, on the shared single port, and a
 * controlled one playing the browser on a socket of its own (a single-port candidate only answers
 * addresses that checked it first, as the browser does).
 */
class IceTransportTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static IceUdpPort portA;

    @BeforeAll
    static void openPorts() throws Exception {
        portA = IceUdpPort.open(TestPorts.loopback());
    }

    @AfterAll
    static void closePorts() {
        portA.close();
    }

    static final class Events implements IceTransport.Listener {
        final BlockingQueue<byte[]> datagrams = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        final CompletableFuture<String> failed = new CompletableFuture<>();

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            datagrams.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void onStateChanged(IceTransport.State state, String reason) {
            if (state == IceTransport.State.CONNECTED) {
                connected.complete(null);
            } else if (state == IceTransport.State.FAILED) {
                failed.complete(reason);
            }
        }
    }

    @Test
    void aControllingAndAControlledAgentConnectAndExchangeDatagrams() throws Exception {
        Events a = new Events();
        Events b = new Events();
        try (IceTransport controlling = new IceTransport(portA, IceTransport.Role.CONTROLLING, IceSettings.defaults(), a);
             IceTransport controlled = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, IceSettings.defaults(), b)) {
            List<IceCandidate> candidatesA = controlling.localCandidates();
            assertEquals(1, candidatesA.size());
            IceCandidate host = candidatesA.get(0);
            assertEquals(IceCandidate.Type.HOST, host.type());
            assertEquals("127.0.0.1", host.address());
            assertEquals(portA.port(), host.port());
            assertEquals(host, IceCandidate.parse(host.toString()));

            assertFalse(controlling.send(new byte[] {(byte) 0x80, 0}, 0, 2), "no pair yet");
            assertEquals(1, controlling.dropped(IceTransport.Drop.NO_VALID_PAIR));

            // Trickled before the answer: buffered until start.
            controlled.localCandidates().forEach(c -> assertTrue(controlling.addRemoteCandidate(c)));
            controlling.localCandidates().forEach(c -> assertTrue(controlled.addRemoteCandidate(c)));
            controlled.start(controlling.localUfrag(), controlling.localPassword());
            controlling.start(controlled.localUfrag(), controlled.localPassword());

            a.connected.get(10, TimeUnit.SECONDS);
            b.connected.get(10, TimeUnit.SECONDS);
            assertEquals(IceTransport.State.CONNECTED, controlling.state());

            byte[] dtlsLike = "\u0016hello over ICE".getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(controlling.send(dtlsLike, 0, dtlsLike.length));
            assertArrayEquals(dtlsLike, b.datagrams.poll(5, TimeUnit.SECONDS));
            byte[] back = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
            assertTrue(controlled.send(back, 0, back.length));
            assertArrayEquals(back, a.datagrams.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Chromium's candidates are mDNS names: we drop them and learn its address from its checks. */
    @Test
    void aPeerWhoseCandidatesAreAllMdnsIsReachedThroughItsPeerReflexiveAddress() throws Exception {
        Events a = new Events();
        Events b = new Events();
        try (IceTransport node = new IceTransport(portA, IceTransport.Role.CONTROLLING, IceSettings.defaults(), a);
             IceTransport browser = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, IceSettings.defaults(), b)) {
            IceCandidate mdns = new IceCandidate("1", 1, "udp", 2122260223L, "4f7b2b1e-1c7d-4d3a-9c1e-0f8a2b7d6e5c.local",
                    browser.localCandidates().get(0).port(), IceCandidate.Type.HOST);
            long before = System.nanoTime();
            assertFalse(node.addRemoteCandidate(mdns));
            assertTrue(System.nanoTime() - before < 50_000_000L, "dropped without a lookup");
            assertEquals(1, node.dropped(IceTransport.Drop.MDNS_CANDIDATE));
            assertFalse(node.addRemoteCandidate(new IceCandidate("2", 1, "tcp", 1, "127.0.0.1", 9, IceCandidate.Type.HOST)));

            node.start(browser.localUfrag(), browser.localPassword());
            node.localCandidates().forEach(browser::addRemoteCandidate);
            browser.start(node.localUfrag(), node.localPassword());

            a.connected.get(10, TimeUnit.SECONDS);
            b.connected.get(10, TimeUnit.SECONDS);
            byte[] payload = {(byte) 0x17, 1, 2, 3};
            assertTrue(node.send(payload, 0, payload.length));
            assertArrayEquals(payload, b.datagrams.poll(5, TimeUnit.SECONDS));
        }
    }

    /**
     * RFC 7675: with consent checks every 300 ms a live peer keeps the transport connected well past the
     * 1.5 s consent timeout; once the peer disappears, consent expires and the transport fails.
     */
    @Test
    void consentIsKeptWhileThePeerAnswersAndItsLossIsReportedAsFailure() throws Exception {
        Events a = new Events();
        Events b = new Events();
        IceSettings quickConsent = IceSettings.defaults().withConsentTimeout(Duration.ofMillis(1500));
        try (IceUdpPort port = IceUdpPort.open(TestPorts.loopback());
             IceTransport node = new IceTransport(port, IceTransport.Role.CONTROLLING, quickConsent, a)) {
            IceTransport browser = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, quickConsent, b);
            node.localCandidates().forEach(browser::addRemoteCandidate);
            browser.localCandidates().forEach(node::addRemoteCandidate);
            browser.start(node.localUfrag(), node.localPassword());
            node.start(browser.localUfrag(), browser.localPassword());
            a.connected.get(10, TimeUnit.SECONDS);
            b.connected.get(10, TimeUnit.SECONDS);

            Thread.sleep(3000); // twice the consent timeout: only fresh consent keeps it up
            assertEquals(IceTransport.State.CONNECTED, node.state());
            assertFalse(a.failed.isDone());

            browser.close(); // the browser goes away without a word
            String reason = a.failed.get(10, TimeUnit.SECONDS);
            assertTrue(reason.contains("consent"), reason);
            assertEquals(IceTransport.State.FAILED, node.state());
        }
    }

    /**
     * ice4j races its own threads when a check of the browser's comes in while our nomination check on the
     * same pair is in flight: the pair can be set Waiting (a triggered check queued, RFC 8445 7.3.1.4)
     * between its success and its selection, and ice4j's selection then drops it from the check list. Once
     * ice4j has terminated (3 s after completion) it answers checks on pairs off the list with 403, so a
     * browser whose first consent check (RFC 7675) comes after that lost consent. Forced here: the pair is
     * set Waiting when ice4j announces the nomination, just before it selects, and the browser (a socket
     * speaking STUN by hand, answering our checks) sends its first consent check once ice4j has terminated.
     */
    @Test
    void aBrowsersLateConsentCheckIsAnsweredWhenTheNominatedPairWasSetWaitingByACheckOfItsOwn() throws Exception {
        Events a = new Events();
        try (IceTransport node = new IceTransport(portA, IceTransport.Role.CONTROLLING, IceSettings.defaults(), a);
             RawStunPeer browser = new RawStunPeer(new InetSocketAddress(LOOPBACK, portA.port()),
                     node.localUfrag(), node.localPassword())) {
            node.iceStream().addPairChangeListener(event -> {
                if (IceMediaStream.PROPERTY_PAIR_NOMINATED.equals(event.getPropertyName())) {
                    ((CandidatePair) event.getSource()).setStateWaiting(); // what a check of the browser's does
                }
            });
            node.start(browser.ufrag, browser.password);
            assertTrue(browser.check(5000).success(), "the browser's first check");
            a.connected.get(10, TimeUnit.SECONDS);

            // ice4j terminates 3 s after completion; from then on it answers checks only on pairs it knows.
            Await.until("ice4j terminated", Duration.ofSeconds(10),
                    () -> node.iceStream().getParentAgent().getState() == IceProcessingState.TERMINATED);
            RawStunPeer.Answer consent = browser.check(5000);
            assertTrue(consent.success(), () -> "consent check answered " + Integer.toHexString(consent.type())
                    + " with error " + consent.errorCode());
            assertEquals(1, node.selectedPairsRestored());
            assertEquals(IceTransport.State.CONNECTED, node.state());
        }
    }

    /**
     * A STUN server (a minimal RFC 8489 responder here) is asked once when the port opens; every agent on
     * the port then offers the public address with the shared port as a server-reflexive candidate.
     */
    @Test
    void aStunServerGivesEveryAgentAServerReflexiveCandidateOnTheSharedPort() throws Exception {
        InetAddress publicAddress = InetAddress.getByName("203.0.113.7");
        try (DatagramSocket stunServer = new DatagramSocket(0, LOOPBACK)) {
            Thread responder = new Thread(() -> answerBindingRequests(stunServer, publicAddress, 40000), "test-stun");
            responder.setDaemon(true);
            responder.start();
            IceUdpPortSettings settings = TestPorts.loopback()
                    .withStunServers(List.of(new InetSocketAddress(LOOPBACK, stunServer.getLocalPort())));
            try (IceUdpPort port = IceUdpPort.open(settings)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!port.stunDiscoveryDone() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(port.stunDiscoveryDone());
                try (IceTransport node = new IceTransport(port, IceTransport.Role.CONTROLLING, IceSettings.defaults(), new Events())) {
                    List<IceCandidate> candidates = node.localCandidates();
                    IceCandidate srflx = candidates.stream().filter(c -> c.type() == IceCandidate.Type.SRFLX).findFirst().orElseThrow(
                            () -> new AssertionError("no srflx in " + candidates));
                    assertEquals("203.0.113.7", srflx.address());
                    assertEquals(port.port(), srflx.port());
                    assertEquals("127.0.0.1", srflx.relatedAddress());
                }
            }
        }
    }

    /** RFC 8489 section 14.2: a success response carrying XOR-MAPPED-ADDRESS, nothing else. */
    private static void answerBindingRequests(DatagramSocket socket, InetAddress mapped, int mappedPort) {
        byte[] buf = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket request = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(request);
            } catch (java.io.IOException e) {
                return;
            }
            if (request.getLength() < 20 || buf[0] != 0x00 || buf[1] != 0x01) {
                continue;
            }
            ByteBuffer response = ByteBuffer.allocate(32);
            response.putShort((short) 0x0101).putShort((short) 12).put(buf, 4, 16); // cookie and transaction id
            byte[] address = mapped.getAddress();
            response.putShort((short) 0x0020).putShort((short) 8).put((byte) 0).put((byte) 1)
                    .putShort((short) (mappedPort ^ 0x2112));
            for (int i = 0; i < 4; i++) {
                response.put((byte) (address[i] ^ buf[4 + i]));
            }
            try {
                socket.send(new DatagramPacket(response.array(), 32, request.getSocketAddress()));
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
