package org.streamstack.protocol.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the connection every process keeps to the bus. It never gives up: it keeps reconnecting
 * (also when the server is not up yet at start), subscriptions are restored by the client library
 * on reconnect, and every change of state is logged once (an outage once, not each failed attempt).
 */
public final class NatsConnector {

  private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);

  private NatsConnector() {}

  /**
   * Returns after the first attempt (within the connection timeout), connected or not; the
   * connection comes up (and comes back) in the background. Subscriptions made while it is down
   * are sent once it is up; what is published meanwhile waits in a bounded buffer.
   */
  public static Connection connect(NatsSettings settings) throws InterruptedException {
    // jnats' synchronous connect with reconnect-on-connect keeps retrying until the server is up:
    // connect on its own thread instead, and take the connection from its first event.
    CompletableFuture<Connection> firstAttempt = new CompletableFuture<>();
    Options.Builder options = new Options.Builder()
        .server(settings.url())
        .connectionName(settings.connectionName())
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(2))
        .pingInterval(Duration.ofSeconds(5))
        // Messages published while disconnected wait for the reconnect, within this bound.
        .reconnectBufferSize(8L * 1024 * 1024)
        .connectionListener(new Listener(settings, firstAttempt))
        .errorListener(new Errors(settings, firstAttempt));
    if (settings.token() != null) options.token(settings.token().toCharArray());
    if (settings.user() != null) options.userInfo(settings.user().toCharArray(), settings.password().toCharArray());
    Nats.connectAsynchronously(options.build(), true);
    try {
      return firstAttempt.get();
    } catch (ExecutionException e) {
      // Only options that can never connect fail before a connection exists.
      throw new IllegalArgumentException("cannot connect to NATS at " + settings.redactedUrl() + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private static final class Listener implements ConnectionListener {
    private final NatsSettings settings;
    private final CompletableFuture<Connection> firstAttempt;
    private final AtomicBoolean down = new AtomicBoolean();

    Listener(NatsSettings settings, CompletableFuture<Connection> firstAttempt) {
      this.settings = settings;
      this.firstAttempt = firstAttempt;
    }

    @Override
    public void connectionEvent(Connection connection, Events event) {
      firstAttempt.complete(connection);
      switch (event) {
        case CONNECTED -> {
          down.set(false);
          log.info("{}: connected to NATS at {}", settings.connectionName(), connection.getConnectedUrl());
        }
        case RECONNECTED -> {
          down.set(false);
          log.info("{}: reconnected to NATS at {}", settings.connectionName(), connection.getConnectedUrl());
        }
        case DISCONNECTED -> {
          if (!down.getAndSet(true)) {
            log.warn("{}: no NATS at {}; reconnecting until it is back", settings.connectionName(),
                settings.redactedUrl());
          }
        }
        case CLOSED -> log.info("{}: NATS connection closed", settings.connectionName());
        default -> log.debug("{}: NATS {}", settings.connectionName(), event);
      }
    }
  }

  private record Errors(NatsSettings settings, CompletableFuture<Connection> firstAttempt) implements ErrorListener {
    @Override
    public void errorOccurred(Connection connection, String error) {
      log.warn("{}: NATS server error: {}", settings.connectionName(), error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
      // Without a connection, the connecting thread has given up before creating one.
      if (connection == null) firstAttempt.completeExceptionally(exception);
      log.debug("{}: NATS: {}", settings.connectionName(), exception.toString());
    }

    @Override
    public void slowConsumerDetected(Connection connection, Consumer consumer) {
      log.warn("{}: NATS slow consumer: messages are being dropped", settings.connectionName());
    }
  }
}
