package org.streamstack.media.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.Subjects;

/**
 * A media node's life on the bus: it starts while nats-server is down and joins once it is up,
 * and closing it ends its instances on the bus before it leaves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MediaNodeLifecycleTest {

  private static final String REGION = "shutdown-test";
  private static final String NODE_ID = "node-closing";
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NatsServer nats;
  private Connection bus;
  private final List<InstanceEvent> events = new CopyOnWriteArrayList<>();
  private final List<NodeHeartbeat> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    bus = NatsConnector.connect(nats.settings("test as AMS"));
    Await.until("the test's NATS connection", WAIT, () -> bus.getStatus() == Connection.Status.CONNECTED);
    Dispatcher listener = bus.createDispatcher();
    listener.subscribe(Subjects.nodeInstanceEvent(REGION), m -> events.add(read(m, InstanceEvent.class)));
    listener.subscribe(Subjects.nodeHeartbeat(REGION), m -> heartbeats.add(read(m, NodeHeartbeat.class)));
    bus.flush(WAIT);
  }

  @AfterAll
  void stop() throws Exception {
    bus.close();
    nats.close();
  }

  /** ice4j's settings are JVM-wide: every node of this JVM's tests uses the same. */
  private static long consentMillis() {
    return TestPorts.loopback().consentCheckInterval().toMillis();
  }

  private MediaNode startNode(String nodeId, String heartbeatInterval) {
    return MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node {
          nats-url = "%s"
          nats-token = "%s"
          region = %s
          id = %s
          heartbeat-interval = %s
        }
        """.formatted(consentMillis(), nats.url(), nats.token(), REGION, nodeId,
        heartbeatInterval)));
  }

  @Test
  @Timeout(60)
  void aNodeThatCannotStartSaysWhyAndLeavesItsPortFree() throws Exception {
    // Below the ephemeral range, so that no other socket of this machine is given it meanwhile.
    int port = -1;
    while (port < 0) {
      int candidate = org.streamstack.cluster.testing.FreePorts.next();
      try (java.net.DatagramSocket probe = new java.net.DatagramSocket(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), candidate))) {
        port = candidate;
      } catch (java.net.SocketException taken) {
        // another
      }
    }
    com.typesafe.config.Config contradictory = ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = %d
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node {
          nats-url = "%s"
          nats-token = "a-token"
          nats-user = "someone"
          nats-password = "secret"
          region = %s
          id = node-contradictory
        }
        """.formatted(port, consentMillis(), nats.url(), REGION));
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> MediaNode.start(contradictory));
    assertTrue(refused.getMessage().contains("a token or a user and password"), refused.getMessage());
    // The refused node's UDP port is free again: a socket that does not share ports can take it.
    // ice4j's listener thread closes the socket: the port is free a moment (about 50 ms) later.
    final int refusedPort = port;
    org.streamstack.cluster.testing.Await.until("the refused node's port to be free", java.time.Duration.ofSeconds(10), () -> {
      try (java.net.DatagramSocket again = new java.net.DatagramSocket(
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), refusedPort))) {
        return again.isBound();
      } catch (java.net.SocketException inUse) {
        return false;
      }
    });
  }

  @Test
  @Timeout(60)
  void aNodeStartedBeforeTheServerJoinsOnceItIsUpAndClosesWithoutIt() {
    nats.stop();
    try {
      // Never connected: closing must not wait for a bus that is not there.
      MediaNode lonely = startNode("node-lonely", "200ms");
      long closing = System.nanoTime();
      lonely.close();
      long closeMillis = (System.nanoTime() - closing) / 1_000_000;
      assertTrue(closeMillis < 3_000, "closed in " + closeMillis + " ms");

      MediaNode early = startNode("node-early", "200ms");
      try {
        nats.restart();
        Await.until("a heartbeat once the server is up", WAIT,
            () -> heartbeats.stream().anyMatch(beat -> beat.nodeId().equals("node-early")));
      } finally {
        early.close();
      }
    } finally {
      nats.restart();
    }
  }

  @Test
  @Timeout(60)
  void closingEndsEveryInstanceOnTheBusFirst() throws Exception {
    Await.until("the test's NATS connection", WAIT, () -> bus.getStatus() == Connection.Status.CONNECTED);
    MediaNode media = startNode(NODE_ID, "10s");
    List<String> ids = List.of("first", "second");
    int beatsBefore;
    try {
      Await.until("the node's first heartbeat", WAIT, () -> nodeBeats().size() == 1);
      for (String id : ids) {
        LaunchInstance launch = new LaunchInstance(id, null, REGION,
            new LaunchInstance.Application("demo", 1, "synthetic", null, null, null, null, null), null, null);
        Message reply = bus.request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch), WAIT);
        assertNotNull(reply);
        assertTrue(NatsJson.read(reply.getData(), Ack.class).ok());
      }
      Await.until("both instances running", WAIT,
          () -> events.stream().filter(e -> e.kind() == InstanceEvent.Kind.RUNNING).count() == 2);
    } finally {
      beatsBefore = nodeBeats().size();
      media.close();
    }
    // The heartbeat interval is long: a heartbeat after the launches can only be the last one.
    Await.until("ENDED of both instances", WAIT,
        () -> events.stream().filter(e -> e.kind() == InstanceEvent.Kind.ENDED).count() == 2);
    for (InstanceEvent ended : events.stream().filter(e -> e.kind() == InstanceEvent.Kind.ENDED).toList()) {
      assertTrue(ids.contains(ended.instanceId()));
      assertEquals("the media node is shutting down", ended.message());
    }
    int beatsBeforeClose = beatsBefore;
    Await.until("the last heartbeat", WAIT, () -> nodeBeats().size() > beatsBeforeClose);
    List<NodeHeartbeat> beats = nodeBeats();
    assertEquals(List.of(), beats.get(beats.size() - 1).instances());
  }

  private List<NodeHeartbeat> nodeBeats() {
    return heartbeats.stream().filter(beat -> beat.nodeId().equals(NODE_ID)).toList();
  }

  private static <T> T read(Message message, Class<T> type) {
    try {
      return NatsJson.read(message.getData(), type);
    } catch (NatsJson.MalformedMessageException e) {
      throw new IllegalStateException(e);
    }
  }
}
