package org.streamstack.cluster.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.streamstack.protocol.nats.NatsSettings;

/**
 * A real nats-server (Debian package) on a free loopback port, with token authentication, for
 * one test class. {@link #restart} brings it back on the same port, as an operator restarting it would.
 */
public final class NatsServer implements AutoCloseable {

  private final int port;
  private final String token;
  private final File log;
  private Process process;

  private NatsServer(int port, String token) {
    this.port = port;
    this.token = token;
    try {
      this.log = File.createTempFile("nats-server-" + port + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.log.deleteOnExit();
  }

  /** Starts one with a random token. */
  public static NatsServer start() {
    NatsServer server = new NatsServer(FreePorts.next(), "test-" + Long.toHexString(System.nanoTime()));
    server.launch();
    return server;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public String token() {
    return token;
  }

  public int port() {
    return port;
  }

  public NatsSettings settings(String connectionName) {
    return new NatsSettings(url(), token, null, null, connectionName);
  }

  /** Settings a cluster node takes for this server (HOCON lines). */
  public String clusterNodeSettings() {
    return "streamstack.node.nats-url = \"" + url() + "\"\nstreamstack.node.nats-token = \"" + token + "\"\n";
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

  public synchronized void restart() {
    stop();
    launch();
  }

  private synchronized void launch() {
    List<String> command = new ArrayList<>(List.of("nats-server", "-a", "127.0.0.1", "-p", String.valueOf(port),
        "--auth", token));
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nats-server (apt-get install nats-server)", e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("nats-server exited at start; see " + log);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new IllegalStateException("nats-server did not listen on port " + port + " within 10 s; see " + log);
  }

  @Override
  public void close() {
    stop();
  }
}
