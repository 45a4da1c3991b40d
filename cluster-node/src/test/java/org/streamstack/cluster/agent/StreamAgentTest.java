package org.streamstack.cluster.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.testing.AmsStandIn;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.StartInstance;
import org.streamstack.protocol.nats.StartedInstance;
import org.streamstack.protocol.nats.StopInstance;
import org.streamstack.protocol.nats.Subjects;

/**
 * The agent alone: a cluster member with only the agent role, a real nats-server, and a stand-in
 * for its region's AMS REST API. The test is the gateway and AMS on the bus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamAgentTest {

  private static final String REGION = "north";
  private static final String AMS_TOKEN = "ams-" + UUID.randomUUID();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NatsServer nats;
  private AmsStandIn ams;
  private ClusterNode node;
  private Connection bus;
  private final BlockingQueue<AgentHeartbeat> heartbeats = new LinkedBlockingQueue<>();

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    ams = AmsStandIn.start(AMS_TOKEN);
    node = ClusterNode.start(NodeOptions.defaults()
        .roles(List.of("agent"))
        .arteryHost("127.0.0.1")
        .arteryPort(FreePorts.next())
        .journal("h2:mem:" + UUID.randomUUID())
        .with(RunningNode.TEST_SETTINGS)
        .with(nats.clusterNodeSettings() + """
            streamstack.node.region = "%s"
            streamstack.agent {
              ams-url = "%s/"
              ams-token = "%s"
              heartbeat-interval = 150ms
              request-timeout = 3s
              session-owner = "kiosk"
            }
            """.formatted(REGION, ams.url(), AMS_TOKEN)));
    bus = NatsConnector.connect(nats.settings("stream-agent-test"));
    Dispatcher beats = bus.createDispatcher();
    beats.subscribe(Subjects.agentHeartbeat(REGION), message -> heartbeats.add(read(message, AgentHeartbeat.class)));
  }

  @AfterAll
  void stop() throws Exception {
    if (bus != null) bus.close();
    if (node != null) node.close();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @AfterEach
  void amsBackToNormal() {
    ams.answerCreates();
    ams.answerNodeLists();
    ams.up();
    ams.refuseCreates(0, null);
    ams.applications(List.of("demo"));
    ams.nodes(List.of(new AmsStandIn.Node("node-1", true, 12, 2)));
  }

  private static <T> T read(Message message, Class<T> type) {
    try {
      return NatsJson.read(message.getData(), type);
    } catch (NatsJson.MalformedMessageException e) {
      throw new AssertionError(e);
    }
  }

  private <T> T request(String subject, Object payload, Class<T> replyType) throws Exception {
    byte[] bytes = payload instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : NatsJson.write(payload);
    return read(bus.request(subject, bytes).get(5, TimeUnit.SECONDS), replyType);
  }

  private AgentHeartbeat heartbeatWhere(Predicate<AgentHeartbeat> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    AgentHeartbeat last = null;
    while (System.nanoTime() < deadline) {
      AgentHeartbeat beat = heartbeats.poll(200, TimeUnit.MILLISECONDS);
      if (beat == null) continue;
      last = beat;
      if (condition.test(beat)) return beat;
    }
    throw new AssertionError("no such heartbeat within " + WAIT + "; last: " + last);
  }

  private StartedInstance start(String sessionId, String app) throws Exception {
    return request(Subjects.agentStartInstance(REGION),
        new StartInstance(sessionId, app, null, new Screen(1280, 720, 30, 240), "ws://gateway/instance/" + sessionId),
        StartedInstance.class);
  }

  @Test
  void heartbeatReportsTheApplicationsAndTheFreeSlotsOfOnlineNodes() throws Exception {
    ams.applications(List.of("demo", "paint"));
    ams.nodes(List.of(new AmsStandIn.Node("a", true, 12, 2), new AmsStandIn.Node("b", true, 4, 1),
        new AmsStandIn.Node("c", false, 8, 0)));
    AgentHeartbeat beat = heartbeatWhere(b -> b.freeSlots() == 13 && b.applications().equals(List.of("demo", "paint")));
    assertTrue(beat.available());
    assertEquals(REGION, beat.region());
    assertEquals(node.system().address().toString(), beat.agentId());

    ams.nodes(List.of(new AmsStandIn.Node("c", false, 8, 0)));
    AgentHeartbeat noNode = heartbeatWhere(b -> !b.available());
    assertEquals(0, noNode.freeSlots(), "an offline node has no free slots to offer");
    assertTrue(ams.calls("GET", "/1.0/nodes").stream().allMatch(c -> ("Bearer " + AMS_TOKEN).equals(c.authorization())),
        "every AMS request carries the region's AMS token");
  }

  @Test
  void silentAmsMakesTheRegionUnavailableWithItsLastKnownApplications() throws Exception {
    ams.applications(List.of("demo", "chess"));
    heartbeatWhere(b -> b.available() && b.applications().contains("chess"));
    ams.down();
    AgentHeartbeat silent = heartbeatWhere(b -> !b.available());
    assertEquals(List.of("demo", "chess"), silent.applications());
    assertEquals(0, silent.freeSlots());
    ams.up();
    heartbeatWhere(AgentHeartbeat::available);
  }

  @Test
  void startCreatesAStreamingInstanceBoundToTheSession() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    StartedInstance started = request(Subjects.agentStartInstance(REGION),
        new StartInstance(sessionId, "demo", 2, new Screen(1920, 1080, 60, 240), "ws://gw:4000/x?token=t"),
        StartedInstance.class);
    assertTrue(started.ok(), String.valueOf(started));
    assertEquals(sessionId, ams.instances().get(started.instanceId()));
    JsonNode body = ams.calls("POST", "/1.0/instances").stream()
        .filter(c -> c.body().path("session").path("id").asText().equals(sessionId)).findFirst().orElseThrow().body();
    assertEquals("demo", body.path("app").asText());
    assertEquals(2, body.path("app_version").asInt());
    assertTrue(body.path("enable_streaming").asBoolean());
    assertEquals("ws://gw:4000/x?token=t", body.path("session").path("url").asText());
    assertEquals(1920, body.path("screen").path("width").asInt());
    assertEquals(60, body.path("screen").path("fps").asInt());
  }

  @Test
  void startsAreNumberedAndHeartbeatsSayWhenAmsCountsThem() throws Exception {
    StartedInstance first = start(UUID.randomUUID().toString(), "demo");
    StartedInstance second = start(UUID.randomUUID().toString(), "demo");
    assertEquals(node.system().address().toString(), first.agentId());
    assertEquals(first.agentId(), second.agentId());
    assertEquals(first.startSeq() + 1, second.startSeq(), "one number per start, in order");
    // A refused start takes no number: no slot to account for.
    assertEquals(null, start(UUID.randomUUID().toString(), "tetris").startSeq());
    AgentHeartbeat counted = heartbeatWhere(b -> b.startsReflected() != null && b.startsReflected() >= second.startSeq());
    assertTrue(counted.available());
    assertEquals(second.startSeq(), start(UUID.randomUUID().toString(), "demo").startSeq() - 1);
  }

  /**
   * A start AMS places while it answers a beat's question shows in that beat's free slots before
   * the agent hears AMS's answer to the create. The agent says so as soon as it hears, before the
   * gateway does: otherwise the gateway would count that slot twice until the next beat, and a
   * region with room would look full.
   */
  @Test
  void aStartAlreadyInTheLastBeatsFreeSlotsIsReportedAsCountedBeforeItsAnswer() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    ams.holdCreateAnswers();
    CompletableFuture<Message> answer = bus.request(Subjects.agentStartInstance(REGION), NatsJson.write(
        new StartInstance(sessionId, "demo", null, new Screen(1280, 720, 30, 240), "ws://gateway/instance/" + sessionId)));
    Await.until("AMS to list the placed instance on its node", WAIT,
        () -> ams.instanceOf(sessionId) != null && ams.firstListed(ams.instanceOf(sessionId)) != null);
    long listedAt = ams.firstListed(ams.instanceOf(sessionId));
    // No beat after this one: only the agent's own word can tell the gateway that AMS counts the start.
    ams.holdNodeLists();
    heartbeatWhere(b -> b.sentAtMillis() >= listedAt);
    heartbeats.clear();
    ams.answerCreates();
    StartedInstance started = read(answer.get(5, TimeUnit.SECONDS), StartedInstance.class);
    assertTrue(started.ok(), String.valueOf(started));
    AgentHeartbeat counted = heartbeatWhere(b -> b.startsReflected() != null && b.startsReflected() >= started.startSeq());
    assertTrue(counted.available());
    assertEquals(10, counted.freeSlots(), "the figures of the last beat, which count the start already");
    ams.answerNodeLists();
  }

  @Test
  void amsRefusalsArePassedOnWithTheirCode() throws Exception {
    StartedInstance unknown = start(UUID.randomUUID().toString(), "tetris");
    assertEquals(400, unknown.code());
    assertTrue(unknown.error().contains("tetris"), unknown.error());

    ams.refuseCreates(503, "no capacity left in region north");
    StartedInstance full = start(UUID.randomUUID().toString(), "demo");
    assertEquals(503, full.code());
    assertEquals("no capacity left in region north", full.error());

    ams.down();
    StartedInstance silent = start(UUID.randomUUID().toString(), "demo");
    assertEquals(503, silent.code());
    assertTrue(silent.error().contains("did not answer"), silent.error());
  }

  @Test
  void stopDeletesTheInstanceAndStoppingItAgainIsFine() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    String instanceId = start(sessionId, "demo").instanceId();
    Ack stopped = request(Subjects.agentStopInstance(REGION), new StopInstance(sessionId, instanceId, "deleted"), Ack.class);
    assertTrue(stopped.ok(), String.valueOf(stopped));
    assertFalse(ams.instances().containsKey(instanceId));
    assertFalse(ams.calls("DELETE", "/1.0/instances/" + instanceId).isEmpty());
    Ack again = request(Subjects.agentStopInstance(REGION), new StopInstance(sessionId, instanceId, "deleted"), Ack.class);
    assertTrue(again.ok(), "AMS's 404 for an instance it no longer has is a successful stop: " + again);
  }

  @Test
  void stopWithoutAnInstanceIdFindsTheInstanceBySession() throws Exception {
    String sessionId = UUID.randomUUID().toString();
    String other = start(UUID.randomUUID().toString(), "demo").instanceId();
    String instanceId = start(sessionId, "demo").instanceId();
    Ack stopped = request(Subjects.agentStopInstance(REGION), new StopInstance(sessionId, null, "gave up"), Ack.class);
    assertTrue(stopped.ok(), String.valueOf(stopped));
    assertFalse(ams.instances().containsKey(instanceId));
    assertTrue(ams.instances().containsKey(other), "only the instance of that session is stopped");
  }

  @Test
  void malformedRequestsAreAnsweredWith400AndTheAgentCarriesOn() throws Exception {
    Ack garbage = request(Subjects.agentStartInstance(REGION), "{not json", Ack.class);
    assertEquals(400, garbage.code());
    Ack noSession = request(Subjects.agentStopInstance(REGION), "{\"instanceId\":\"x\"}", Ack.class);
    assertEquals(400, noSession.code());
    assertTrue(noSession.error().contains("sessionId"), noSession.error());
    Ack empty = request(Subjects.agentCreateSession(REGION), "", Ack.class);
    assertEquals(400, empty.code());
    assertTrue(start(UUID.randomUUID().toString(), "demo").ok());
  }

  @Test
  void instanceStatusAndClientLeftAreRelayedToTheGateway() throws Exception {
    BlockingQueue<InstanceStatus> statuses = new LinkedBlockingQueue<>();
    BlockingQueue<ClientLeft> left = new LinkedBlockingQueue<>();
    Dispatcher gateway = bus.createDispatcher();
    gateway.subscribe(Subjects.GATEWAY_INSTANCE_STATUS, Subjects.GATEWAY_QUEUE,
        message -> statuses.add(read(message, InstanceStatus.class)));
    gateway.subscribe(Subjects.GATEWAY_CLIENT_LEFT, Subjects.GATEWAY_QUEUE, message -> left.add(read(message, ClientLeft.class)));
    bus.flush(Duration.ofSeconds(2));
    try {
      InstanceStatus status = new InstanceStatus(REGION, "ins-1", UUID.randomUUID().toString(), "error", "node lost", 42L);
      bus.publish(Subjects.amsInstanceStatus(REGION), NatsJson.write(status));
      assertEquals(status, statuses.poll(5, TimeUnit.SECONDS));
      ClientLeft gone = new ClientLeft(null, "ins-1", UUID.randomUUID().toString(), "ICE failed", 43L);
      bus.publish(Subjects.amsClientLeft(REGION), NatsJson.write(gone));
      ClientLeft relayed = left.poll(5, TimeUnit.SECONDS);
      assertNotNull(relayed);
      assertEquals(REGION, relayed.region(), "the agent names its region when AMS did not");
      assertEquals(gone.sessionId(), relayed.sessionId());
      assertEquals("ICE failed", relayed.reason());
    } finally {
      bus.closeDispatcher(gateway);
    }
  }

  @Test
  void createSessionIsRelayedToTheGatewayWithTheConfiguredOwner() throws Exception {
    BlockingQueue<CreateSession> asked = new LinkedBlockingQueue<>();
    Dispatcher gateway = bus.createDispatcher(message -> {
      asked.add(read(message, CreateSession.class));
      bus.publish(message.getReplyTo(), NatsJson.write(CreatedSession.created("s-1", "ws://gw/s-1")));
    });
    gateway.subscribe(Subjects.GATEWAY_CREATE_SESSION, Subjects.GATEWAY_QUEUE);
    bus.flush(Duration.ofSeconds(2));
    CreatedSession created = request(Subjects.agentCreateSession(REGION),
        new CreateSession(null, "ins-9", "demo", null, null, null), CreatedSession.class);
    assertEquals(CreatedSession.created("s-1", "ws://gw/s-1"), created);
    CreateSession relayed = asked.poll(5, TimeUnit.SECONDS);
    assertEquals(new CreateSession(REGION, "ins-9", "demo", null, null, "kiosk"), relayed);

    bus.closeDispatcher(gateway);
    bus.flush(Duration.ofSeconds(2));
    CreatedSession unanswered = request(Subjects.agentCreateSession(REGION),
        new CreateSession(REGION, "ins-10", "demo", null, null, "acme"), CreatedSession.class);
    assertEquals(503, unanswered.code());
    assertNull(unanswered.sessionId());
  }

  @Test
  void anAgentWithoutItsAmsTokenRefusesToStart() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AgentSettings.from(
        NodeOptions.defaults().with("streamstack.agent.ams-token = \"\"").toConfig()));
    assertTrue(refused.getMessage().contains("STREAMSTACK_AMS_TOKEN"), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AgentSettings.from(ConfigFactory.parseString(
        "streamstack.agent.ams-url = \"ftp://x\"").withFallback(
        NodeOptions.defaults().with("streamstack.agent.ams-token = t").toConfig())));
  }
}
