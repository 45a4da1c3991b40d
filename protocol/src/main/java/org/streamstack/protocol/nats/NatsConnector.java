package org.streamstack.protocol.nats;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the connection every process keeps to the bus. It never gives up: it keeps reconnecting
 * (also when the server is not up yet at start), subscriptions are restored by the client library
 * on reconnect, and every change of state is logged once.
 */
public final class NatsConnector {

  private static final Logger log = LoggerFactory.getLogger(NatsConnector.class);

  private NatsConnector() {}

  /** Returns at once; the connection comes up (and comes back) in the background. */
  public static Connection connect(NatsSettings settings) throws InterruptedException {
    Options.Builder options = new Options.Builder()
        .server(settings.url())
        .connectionName(settings.connectionName())
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(2))
        .pingInterval(Duration.ofSeconds(5))
        // Messages published while disconnected wait for the reconnect, within this bound.
        .reconnectBufferSize(8L * 1024 * 1024)
        .connectionListener(new Listener(settings))
        .errorListener(new Errors(settings));
    if (settings.token() != null) options.token(settings.token().toCharArray());
    if (settings.user() != null) options.userInfo(settings.user().toCharArray(), settings.password().toCharArray());
    try {
      return Nats.connectReconnectOnConnect(options.build());
    } catch (IOException e) {
      // connectReconnectOnConnect only throws for options that can never connect.
      throw new IllegalArgumentException("cannot connect to NATS at " + settings.redactedUrl() + ": " + e.getMessage(), e);
    }
  }

  private record Listener(NatsSettings settings) implements ConnectionListener {
    @Override
    public void connectionEvent(Connection connection, Events event) {
      switch (event) {
        case CONNECTED -> log.info("{}: connected to NATS at {}", settings.connectionName(), connection.getConnectedUrl());
        case RECONNECTED -> log.info("{}: reconnected to NATS at {}", settings.connectionName(), connection.getConnectedUrl());
        case DISCONNECTED -> log.warn("{}: lost NATS at {}; reconnecting", settings.connectionName(), settings.redactedUrl());
        case CLOSED -> log.info("{}: NATS connection closed", settings.connectionName());
        default -> log.debug("{}: NATS {}", settings.connectionName(), event);
      }
    }
  }

  private record Errors(NatsSettings settings) implements ErrorListener {
    @Override
    public void errorOccurred(Connection connection, String error) {
      log.warn("{}: NATS server error: {}", settings.connectionName(), error);
    }

    @Override
    public void exceptionOccurred(Connection connection, Exception exception) {
      log.debug("{}: NATS: {}", settings.connectionName(), exception.toString());
    }

    @Override
    public void slowConsumerDetected(Connection connection, Consumer consumer) {
      log.warn("{}: NATS slow consumer: messages are being dropped", settings.connectionName());
    }
  }
}
