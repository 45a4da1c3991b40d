package org.streamstack.media.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.Subjects;

/**
 * A draining media node takes no more instances: while its instances stop, a launch is refused
 * with 503 at once (AMS places it elsewhere), and the drain ends when the drain timeout does,
 * even for an instance that never stops. The instances stand in for the runtime: they ignore
 * everything, so the drain lasts its whole timeout and the refusal can be seen in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeDrainTest {

  private static final String NODE_ID = "drain-test";
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(5);

  private NatsServer nats;
  private ActorTestKit testKit;
  private Connection agentBus;
  private Connection bus;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    testKit = ActorTestKit.create();
    agentBus = NatsConnector.connect(nats.settings("node-agent"));
    bus = NatsConnector.connect(nats.settings("drain-test"));
  }

  @AfterAll
  void stop() throws Exception {
    if (bus != null) bus.close();
    if (agentBus != null) agentBus.close();
    if (testKit != null) testKit.shutdownTestKit();
    if (nats != null) nats.close();
  }

  private Ack launch(String instanceId) throws Exception {
    LaunchInstance launch = new LaunchInstance(instanceId, null, "local",
        new LaunchInstance.Application("demo", 1, "synthetic", null, null, null, List.of("h264"), "cpu"), null, null);
    Message reply = bus.request(Subjects.nodeLaunch("local", NODE_ID), NatsJson.write(launch), WAIT);
    assertNotNull(reply, "no answer to the launch of " + instanceId);
    return NatsJson.read(reply.getData(), Ack.class);
  }

  @Test
  void aDrainingNodeRefusesLaunchesWith503UntilItHasLeft() throws Exception {
    NodeAgent.Setup setup = new NodeAgent.Setup(NODE_ID, "local", "127.0.0.1", agentBus, nats.url(),
        Duration.ofSeconds(1), DRAIN_TIMEOUT, new NodeHeartbeat.Capacity(4, 2, 1L << 30, List.of()),
        new HostResources(), new Screen(640, 360, 30, null),
        (spec, owner) -> Behaviors.<InstanceRuntime.Command>ignore(), InstantSource.system());
    ActorRef<NodeAgent.Command> agent = testKit.spawn(NodeAgent.create(setup), "node-agent");
    // The agent subscribes when it starts: the first launch may find no one yet.
    long deadline = System.nanoTime() + WAIT.toNanos();
    Ack first = null;
    while (first == null && System.nanoTime() < deadline) {
      try {
        first = launch("before-drain");
      } catch (AssertionError | IllegalStateException noOneYet) {
        Thread.sleep(100);
      }
    }
    assertNotNull(first);
    assertTrue(first.ok(), first.toString());

    TestProbe<Done> drained = testKit.createTestProbe();
    long drainStarted = System.nanoTime();
    agent.tell(new NodeAgent.Drain("the test drains the node", drained.getRef()));

    Ack during = launch("during-drain");
    assertEquals(503, during.code(), during.toString());
    assertTrue(during.error().contains("shutting down"), during.error());
    drained.expectNoMessage(Duration.ofMillis(500));

    drained.expectMessage(DRAIN_TIMEOUT.plusSeconds(3), Done.getInstance());
    double seconds = (System.nanoTime() - drainStarted) / 1e9;
    assertTrue(seconds >= DRAIN_TIMEOUT.toSeconds() - 0.5, "drained after " + seconds + " s, before its timeout");
  }
}
