package org.streamstack.cluster.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn ({@code turnserver}, Debian package) on a free loopback port for one test class,
 * checking time-limited credentials with a random shared secret ({@code use-auth-secret}, the TURN
 * REST scheme the gateway and the media node issue). It relays on loopback too, and lets peers sit
 * on loopback, which coturn refuses by default. Its log is a temporary file ({@link #log}).
 */
public final class Coturn implements AutoCloseable {

  public static final String REALM = "streamstack.test";
  private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
  private static final int RELAY_PORTS = 200;

  private final int port;
  private final int minRelayPort;
  private String sharedSecret = "turn-" + UUID.randomUUID();
  private final File log;
  private final File pidFile;
  private Process process;

  private Coturn(int port, int minRelayPort) {
    this.port = port;
    this.minRelayPort = minRelayPort;
    try {
      this.log = File.createTempFile("coturn-" + port + "-", ".log");
      this.pidFile = File.createTempFile("coturn-" + port + "-", ".pid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.deleteOnExit();
    pidFile.deleteOnExit();
  }

  /** Whether coturn is installed here ({@code apt-get install coturn}). */
  public static boolean installed() {
    return Files.isExecutable(TURNSERVER);
  }

  /** Starts one with a random shared secret; throws when it does not answer within 10 s. */
  public static Coturn start() {
    // Relay ports from a random block above the listening ports, so that two test classes running
    // side by side rarely compete for the same ones (coturn moves on to another port when one is taken).
    int minRelayPort = ThreadLocalRandom.current().nextInt(50000, 60000 - RELAY_PORTS);
    Coturn coturn = new Coturn(FreePorts.next(), minRelayPort);
    coturn.launch();
    return coturn;
  }

  public int port() {
    return port;
  }

  public synchronized String sharedSecret() {
    return sharedSecret;
  }

  /** The {@code stun:} URL of this server, as a browser's RTCIceServer takes it. */
  public String stunUrl() {
    return "stun:127.0.0.1:" + port;
  }

  /** The {@code turn:} URL of this server over UDP. */
  public String turnUrl() {
    return "turn:127.0.0.1:" + port + "?transport=udp";
  }

  /** Settings a cluster node takes to put this server in every session's stun_servers (HOCON lines). */
  public String clusterNodeSettings() {
    return """
        streamstack.gateway.ice.stun-urls = ["%s"]
        streamstack.gateway.ice.turn-urls = ["%s"]
        streamstack.gateway.ice.turn-shared-secret = "%s"
        """.formatted(stunUrl(), turnUrl(), sharedSecret);
  }

  /** Settings a media node takes to relay its own candidates through this server (HOCON lines). */
  public String mediaNodeSettings() {
    return """
        streamstack.media.ice.turn-servers = ["127.0.0.1:%d"]
        streamstack.media.ice.turn-shared-secret = "%s"
        """.formatted(port, sharedSecret);
  }

  /** What coturn has logged so far. */
  public String log() {
    try {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public synchronized void stop() {
    if (process == null) return;
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Restarts on the same port with another shared secret, as an operator rotating it: whatever
   * still holds credentials made from the old one is refused (401).
   */
  public synchronized void restartWithSecret(String secret) {
    stop();
    sharedSecret = secret;
    launch();
  }

  private synchronized void launch() {
    List<String> command = List.of(TURNSERVER.toString(),
        "-n", // no configuration file: /etc/turnserver.conf is the operator's, not this test's
        "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
        "--min-port=" + minRelayPort, "--max-port=" + (minRelayPort + RELAY_PORTS - 1),
        "--use-auth-secret", "--static-auth-secret=" + sharedSecret, "--realm=" + REALM,
        "--allow-loopback-peers", "--fingerprint", "--no-tls", "--no-dtls", "--no-cli",
        "--pidfile=" + pidFile,
        // Verbose enough to name each allocation's user and each refusal; to stdout, which coturn
        // flushes line by line (its own log file only when it exits).
        "--verbose", "--log-file=stdout", "--simple-log");
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start turnserver (apt-get install coturn)", e);
    }
    awaitBindingAnswer();
  }

  /** Sends STUN binding requests (RFC 8489 section 6) until one is answered. */
  private void awaitBindingAnswer() {
    byte[] request = new byte[20];
    request[1] = 0x01; // Binding request, no attributes
    request[4] = 0x21; // magic cookie 0x2112A442
    request[5] = 0x12;
    request[6] = (byte) 0xA4;
    request[7] = 0x42;
    for (int i = 8; i < 20; i++) request[i] = (byte) ThreadLocalRandom.current().nextInt(256);
    InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(100);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) throw new IllegalStateException("turnserver exited at start; see " + log);
        socket.send(new DatagramPacket(request, request.length, server));
        try {
          socket.receive(new DatagramPacket(new byte[1500], 1500));
          return;
        } catch (SocketTimeoutException notYet) {
          // still starting
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("turnserver did not answer on port " + port + " within 10 s; see " + log);
  }

  @Override
  public void close() {
    stop();
  }
}
