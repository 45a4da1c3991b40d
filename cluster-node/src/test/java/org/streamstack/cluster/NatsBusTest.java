package org.streamstack.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsSettings;

/** The connection every process keeps to a real nats-server: authentication and coming back after a restart. */
class NatsBusTest {

  private static NatsServer server;

  @BeforeAll
  static void startServer() {
    server = NatsServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void aWrongTokenNeverConnects() throws Exception {
    Connection connection = NatsConnector.connect(new NatsSettings(server.url(), "wrong", null, null, "intruder"));
    try {
      Thread.sleep(1000);
      assertNotEquals(Connection.Status.CONNECTED, connection.getStatus());
    } finally {
      connection.close();
    }
  }

  @Test
  void requestsWorkAgainAfterTheServerRestarts() throws Exception {
    Connection responder = NatsConnector.connect(server.settings("responder"));
    Connection requester = NatsConnector.connect(server.settings("requester"));
    try {
      Dispatcher dispatcher = responder.createDispatcher(message ->
          responder.publish(message.getReplyTo(), ("echo " + new String(message.getData(), StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8)));
      dispatcher.subscribe("test.echo");
      Await.until("both connected", Duration.ofSeconds(5), () -> responder.getStatus() == Connection.Status.CONNECTED
          && requester.getStatus() == Connection.Status.CONNECTED);
      assertEquals("echo one", ask(requester, "one"));

      server.restart();

      Await.until("both reconnected", Duration.ofSeconds(10), () -> responder.getStatus() == Connection.Status.CONNECTED
          && requester.getStatus() == Connection.Status.CONNECTED);
      // The responder's subscription is restored by the reconnect; nothing re-subscribes by hand.
      Await.until("the echo answers again", Duration.ofSeconds(5), () -> {
        try {
          return "echo two".equals(ask(requester, "two"));
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      responder.close();
      requester.close();
    }
  }

  private static String ask(Connection connection, String text) throws Exception {
    Message reply = connection.request("test.echo", text.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1));
    return reply == null ? null : new String(reply.getData(), StandardCharsets.UTF_8);
  }
}
