package org.streamstack.cluster.ams;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.ams.applications.Application;
import org.streamstack.cluster.ams.applications.ApplicationChange;
import org.streamstack.cluster.ams.applications.ApplicationRegistry;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.instances.InstanceEntity;
import org.streamstack.cluster.ams.instances.InstanceIndex;
import org.streamstack.cluster.ams.instances.InstanceRecord;
import org.streamstack.cluster.ams.instances.InstanceState;
import org.streamstack.cluster.ams.instances.Operation;
import org.streamstack.cluster.ams.nodes.NodeRegistry;
import org.streamstack.cluster.ams.nodes.NodeTable;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.NodeHeartbeat;

/**
 * Every AMS message that may cross members and every event and state that reaches the journal
 * survives Jackson CBOR, with equality.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmsSerializationTest {

  private ActorTestKit testKit;
  private SerializationTestKit serialization;
  private final Instant now = Instant.parse("2026-03-01T12:00:00.123456Z");

  @BeforeAll
  void start() {
    testKit = ActorTestKit.create(NodeOptions.defaults().arteryPort(FreePorts.next())
        .with("pekko.actor.serialize-messages = off").toConfig());
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private void roundTrip(Object... messages) {
    for (Object message : messages) serialization.verifySerialization(message, true);
  }

  private ApplicationVersion version() {
    return new ApplicationVersion(1,
        new ApplicationVersion.Source("x11", List.of("/usr/bin/xterm", "-e", "top"), "/tmp", Map.of("LANG", "C")),
        new ApplicationVersion.Resources(2, 2_000_000_000L, 2), List.of("vp8", "h264"), "gpu", now);
  }

  @Test
  void applicationRegistry() {
    ActorRef<ApplicationRegistry.Reply> replyTo = testKit.<ApplicationRegistry.Reply>createTestProbe().getRef();
    ApplicationChange change = new ApplicationChange(null, 4, null, 2, List.of("h264"), null);
    Application application = new Application("game", List.of(version()), now);
    HashMap<String, Application> applications = new HashMap<>();
    applications.put("game", application);
    roundTrip(
        new ApplicationRegistry.CreateApplication("game", change, replyTo),
        new ApplicationRegistry.UpdateApplication("game", change, replyTo),
        new ApplicationRegistry.GetApplication("game", replyTo),
        new ApplicationRegistry.ListApplications(replyTo),
        new ApplicationRegistry.DeleteApplication("game", replyTo),
        new ApplicationRegistry.Found(application),
        new ApplicationRegistry.Applications(List.of(application)),
        new ApplicationRegistry.Refused(409, "exists"),
        new ApplicationRegistry.ApplicationCreated("game", version(), now),
        new ApplicationRegistry.VersionAdded("game", version()),
        new ApplicationRegistry.ApplicationDeleted("game", now),
        new ApplicationRegistry.State(applications));
  }

  @Test
  void instancesAndTheirIndex() {
    ActorRef<InstanceEntity.Reply> replyTo = testKit.<InstanceEntity.Reply>createTestProbe().getRef();
    ActorRef<Done> done = testKit.<Done>createTestProbe().getRef();
    ActorRef<InstanceIndex.Entries> entries = testKit.<InstanceIndex.Entries>createTestProbe().getRef();
    Screen screen = new Screen(1280, 720, 30, 240);
    InstanceRecord record = InstanceRecord.created("0123456789abcdefghij", "game", version(), true, "session-1",
        "ws://gw/instance?token=x", screen, "eu", now).scheduledOn("node-1", now);
    Operation stop = Operation.started(2, Operation.Kind.STOP, now);
    HashMap<String, InstanceIndex.Entry> index = new HashMap<>();
    index.put("0123456789abcdefghij", new InstanceIndex.Entry("game", now, "session-1"));
    roundTrip(
        new InstanceEntity.Create(new InstanceEntity.NewInstance("game", version(), true, null, null, screen), replyTo),
        new InstanceEntity.Get(replyTo),
        new InstanceEntity.Start(replyTo),
        new InstanceEntity.Stop(true, replyTo),
        new InstanceEntity.GetOperation(2, replyTo),
        new InstanceEntity.AwaitOperation(2, Duration.ofSeconds(30), replyTo),
        new InstanceEntity.NodeEventReceived(new InstanceEvent("0123456789abcdefghij", "node-1",
            InstanceEvent.Kind.CLIENT_LEFT, "ICE failed", 17L)),
        new InstanceEntity.NodeLost("node-1", "silent"),
        new InstanceEntity.Answer(record, record.operation(1)),
        new InstanceEntity.Answer(record, null),
        new InstanceEntity.Rejected(503, "full"),
        new InstanceEntity.Created(record),
        new InstanceEntity.SessionBound("session-1", "ws://gw/instance?token=x", now),
        new InstanceEntity.Scheduled("node-1", now),
        new InstanceEntity.LaunchAccepted(now),
        new InstanceEntity.Started(now),
        new InstanceEntity.StopRequested(stop, true, now),
        new InstanceEntity.Stopped("stopped", now),
        new InstanceEntity.Stopped(null, now),
        new InstanceEntity.Failed("node lost", now),
        new InstanceEntity.StartRequested(Operation.started(3, Operation.Kind.START, now), now),
        new InstanceEntity.Live(record.withStatus(InstanceState.ERROR, "why", now)),
        new InstanceEntity.NotCreated(),
        new InstanceIndex.Register("0123456789abcdefghij", "game", now, "session-1", done),
        new InstanceIndex.Forget("0123456789abcdefghij"),
        new InstanceIndex.ListInstances(entries),
        new InstanceIndex.Entries(index),
        new InstanceIndex.Registered("0123456789abcdefghij", "game", now, null),
        new InstanceIndex.Forgotten("0123456789abcdefghij"),
        new InstanceIndex.State(index));
  }

  @Test
  void nodeRegistry() {
    ActorRef<NodeRegistry.PlaceReply> placeReply = testKit.<NodeRegistry.PlaceReply>createTestProbe().getRef();
    ActorRef<NodeRegistry.Nodes> nodes = testKit.<NodeRegistry.Nodes>createTestProbe().getRef();
    NodeHeartbeat.Capacity capacity = new NodeHeartbeat.Capacity(8, 4, 8L << 30, List.of(new NodeHeartbeat.Gpu("L4", 3)));
    NodeHeartbeat.Load load = new NodeHeartbeat.Load(1, 1, 0.5, 1L << 30);
    roundTrip(
        new NodeRegistry.HeartbeatReceived(new NodeHeartbeat("node-1", "eu", "10.0.0.1", capacity, load, List.of("i1"), 5L)),
        new NodeRegistry.Place("i1", 2, placeReply),
        new NodeRegistry.Reserve("i1", "node-1", 2),
        new NodeRegistry.Release("i1"),
        new NodeRegistry.ListNodes(nodes),
        new NodeRegistry.Placed("node-1"),
        new NodeRegistry.NoCapacity("full"),
        new NodeRegistry.Nodes(List.of(new NodeTable.NodeView("node-1", "eu", "10.0.0.1", true, capacity, load, 2, 6,
            List.of("i1"), now), new NodeTable.NodeView("ghost", "eu", null, false, null, null, 1, 0, List.of("i2"), null)), 6));
  }
}
