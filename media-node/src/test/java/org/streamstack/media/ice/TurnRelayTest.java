package org.streamstack.media.ice;

import org.streamstack.media.sdp.IceCandidate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A relayed candidate (RFC 8656) allocated with long-term credentials on a local coturn, and the only
 * candidate the peer learns: ICE must connect through the relay. Skipped where coturn is not installed
 * ({@code apt-get install coturn}).
 */
class TurnRelayTest {

    private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static Process coturn;
    private static int turnPort;
    private static IceUdpPort port;

    @BeforeAll
    static void startCoturn() throws Exception {
        assumeTrue(Files.isExecutable(TURNSERVER), "coturn is not installed");
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            turnPort = probe.getLocalPort();
        }
        Path log = Files.createTempFile("coturn", ".log");
        coturn = new ProcessBuilder(TURNSERVER.toString(), "-n", "--listening-ip=127.0.0.1",
                "--listening-port=" + turnPort, "--relay-ip=127.0.0.1", "--min-port=61000", "--max-port=61100",
                "--lt-cred-mech", "--user=node:secret", "--realm=streamstack.test", "--allow-loopback-peers",
                "--no-tcp", "--no-tls", "--no-dtls", "--no-cli", "--log-file=stdout")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitStunAnswer(turnPort);
        port = IceUdpPort.open(TestPorts.loopback());
    }

    @AfterAll
    static void stopCoturn() throws Exception {
        if (port != null) {
            port.close();
        }
        if (coturn != null) {
            coturn.destroy();
            coturn.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void thePeerReachesTheNodeThroughItsRelayedCandidateOnly() throws Exception {
        IceTransportTest.Events nodeEvents = new IceTransportTest.Events();
        IceTransportTest.Events browserEvents = new IceTransportTest.Events();
        IceSettings withTurn = IceSettings.defaults().withTurnServers(List.of(new TurnServer("127.0.0.1", turnPort, "node", "secret")));
        try (IceTransport node = new IceTransport(port, IceTransport.Role.CONTROLLING, withTurn, nodeEvents);
             IceTransport browser = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, IceSettings.defaults(), browserEvents)) {
            IceCandidate relay = node.localCandidates().stream().filter(c -> c.type() == IceCandidate.Type.RELAY).findFirst()
                    .orElseThrow(() -> new AssertionError("no relayed candidate in " + node.localCandidates()));
            assertEquals("127.0.0.1", relay.address());
            browser.addRemoteCandidate(relay);
            browser.localCandidates().forEach(node::addRemoteCandidate);
            browser.start(node.localUfrag(), node.localPassword());
            node.start(browser.localUfrag(), browser.localPassword());
            nodeEvents.connected.get(10, TimeUnit.SECONDS);
            browserEvents.connected.get(10, TimeUnit.SECONDS);

            byte[] up = {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1};
            browser.send(up, 0, up.length);
            assertArrayEquals(up, nodeEvents.datagrams.poll(5, TimeUnit.SECONDS));
            byte[] down = {23, (byte) 0xFE, (byte) 0xFD, 1, 2, 3};
            node.send(down, 0, down.length);
            assertArrayEquals(down, browserEvents.datagrams.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Waits until the server answers a STUN binding request (RFC 8489 section 6). */
    private static void awaitStunAnswer(int serverPort) throws Exception {
        byte[] request = new byte[20];
        request[1] = 0x01;
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = (byte) 0xA4;
        request[7] = 0x42;
        request[19] = 0x01;
        try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
            socket.setSoTimeout(100);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(request, 20, new InetSocketAddress(LOOPBACK, serverPort)));
                try {
                    socket.receive(new DatagramPacket(new byte[1500], 1500));
                    return;
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
            }
        }
        throw new IllegalStateException("coturn did not start");
    }
}
