package org.streamstack.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.cluster.testing.AmsStandIn;
import org.streamstack.cluster.testing.ApiClient.Reply;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.StartedInstance;
import org.streamstack.protocol.nats.Subjects;

/**
 * The gateway launching instances through agents: one cluster member holding the gateway and the
 * agent of region {@code local}, a real nats-server, and a stand-in for the region's AMS REST API.
 * The test plays AMS on the bus (instance status, client left, instance-first sessions) and a
 * second region's agent (heartbeats of region {@code eu}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentLaunchTest {

  private static final String AMS_TOKEN = "ams-" + UUID.randomUUID();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NatsServer nats;
  private AmsStandIn ams;
  private RunningNode node;
  private Connection bus;
  private String token;
  private String kioskToken;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    ams = AmsStandIn.start(AMS_TOKEN);
    node = RunningNode.withAgents(List.of("gateway", "agent"), nats.clusterNodeSettings() + """
        streamstack.node.region = "local"
        streamstack.agent {
          ams-url = "%s"
          ams-token = "%s"
          heartbeat-interval = 150ms
          request-timeout = 2s
          session-owner = "kiosk"
        }
        streamstack.gateway {
          agent-timeout = 1s
          region-forget-after = 3s
          agent-request-timeout = 3s
        }
        """.formatted(ams.url(), AMS_TOKEN));
    bus = NatsConnector.connect(nats.settings("agent-launch-test"));
    token = node.createAccount("acme");
    kioskToken = node.createAccount("kiosk");
    Await.until("region local to take sessions", WAIT, () -> regions().contains("local=true"));
  }

  @AfterAll
  void stop() throws Exception {
    if (bus != null) bus.close();
    if (node != null) node.stop();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @AfterEach
  void amsBackToNormal() {
    ams.refuseCreates(0, null);
    ams.applications(List.of("demo"));
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The regions as name=available, from GET /1.0/regions?recursion=true. */
  private List<String> regions() {
    Reply reply = node.api.get("/1.0/regions?recursion=true", token);
    assertEquals(200, reply.status(), reply.body());
    List<String> regions = new ArrayList<>();
    for (JsonNode region : reply.json().path("metadata")) {
      regions.add(region.path("name").asText() + "=" + region.path("available").asBoolean());
    }
    return regions;
  }

  private List<String> applications() {
    List<String> names = new ArrayList<>();
    for (JsonNode name : node.api.get("/1.0/applications", token).json().path("metadata")) names.add(name.asText());
    return names;
  }

  private JsonNode session(String id, String owner) {
    Reply reply = node.api.get("/1.0/sessions/" + id, owner);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().path("metadata");
  }

  private String status(String id) {
    return session(id, token).path("status").asText();
  }

  /** The session as the gateway keeps it (the API does not show the instance). */
  private SessionRecord record(String id) {
    SessionEntity.Reply reply = ClusterSharding.get(node.node.system()).entityRefFor(SessionEntity.TYPE_KEY, id)
        .<SessionEntity.Reply>ask(replyTo -> new SessionEntity.Get(null, replyTo), Duration.ofSeconds(5))
        .toCompletableFuture().join();
    return ((SessionEntity.Accepted) reply).session();
  }

  /** Creates a session through the API and returns its id and the instance AMS created for it. */
  private String[] createWithInstance(Map<String, Object> body) throws Exception {
    JsonNode created = node.createSession(token, body);
    String id = created.path("id").asText();
    String instanceId = ams.instances().entrySet().stream().filter(e -> e.getValue().equals(id))
        .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("AMS has no instance of " + id));
    return new String[] {id, instanceId};
  }

  private boolean amsDeleted(String instanceId) {
    return !ams.calls("DELETE", "/1.0/instances/" + instanceId).isEmpty();
  }

  private void publish(String subject, Object message) throws Exception {
    bus.publish(subject, NatsJson.write(message));
    bus.flush(Duration.ofSeconds(2));
  }

  // --- regions and applications ----------------------------------------------------------------

  @Test
  void regionsAndApplicationsComeFromTheAgentsAndSilentRegionsAreForgotten() throws Exception {
    ams.applications(List.of("demo", "paint"));
    Await.until("paint to be offered", WAIT, () -> applications().equals(List.of("demo", "paint")));

    AgentHeartbeat eu = new AgentHeartbeat("eu", "eu-agent", true, 5, List.of("chess"), System.currentTimeMillis());
    publish(Subjects.agentHeartbeat("eu"), eu);
    Await.until("region eu to be listed", WAIT, () -> regions().containsAll(List.of("eu=true", "local=true")));
    assertEquals(List.of("chess", "demo", "paint"), applications());
    Reply inEu = node.api.post("/1.0/sessions", Map.of("app", "demo", "region", "eu"), token);
    assertEquals(400, inEu.status(), inEu.body());
    assertTrue(inEu.error().contains("does not offer"), inEu.error());

    // eu's agent falls silent: the region turns unavailable, then it is forgotten.
    Await.until("region eu to turn unavailable", WAIT, () -> regions().contains("eu=false"));
    Reply silent = node.api.post("/1.0/sessions", Map.of("app", "chess", "region", "eu"), token);
    assertEquals(503, silent.status(), silent.body());
    Await.until("region eu to be forgotten", WAIT,
        () -> regions().stream().noneMatch(region -> region.startsWith("eu=")) && regions().contains("local=true"));
    assertFalse(applications().contains("chess"));
    Reply gone = node.api.post("/1.0/sessions", Map.of("app", "chess"), token);
    assertEquals(400, gone.status(), gone.body());
    assertEquals("unknown application 'chess'", gone.error());
  }

  @Test
  void withoutARegionTheAvailableRegionWithTheMostFreeSlotsIsChosen() throws Exception {
    // The test is the agent of region west, which has more room than local.
    Dispatcher westAgent = bus.createDispatcher(message -> bus.publish(message.getReplyTo(),
        NatsJson.write(StartedInstance.started("west-" + UUID.randomUUID()))));
    westAgent.subscribe(Subjects.agentStartInstance("west"), Subjects.agentQueue("west"));
    try {
      publish(Subjects.agentHeartbeat("west"), new AgentHeartbeat("west", "west-agent", true, 500, List.of("demo"), 0L));
      Await.until("region west to be listed", WAIT, () -> regions().contains("west=true"));
      JsonNode inWest = node.createSession(token, Map.of("app", "demo"));
      assertEquals("west", inWest.path("region").asText());
      assertTrue(record(inWest.path("id").asText()).instanceId().startsWith("west-"));

      publish(Subjects.agentHeartbeat("west"), new AgentHeartbeat("west", "west-agent", true, 0, List.of("demo"), 0L));
      Await.until("region west to be full", WAIT, () -> regions().contains("west=false"));
      assertEquals("local", node.createSession(token, Map.of("app", "demo")).path("region").asText());
      Reply full = node.api.post("/1.0/sessions", Map.of("app", "demo", "region", "west"), token);
      assertEquals(503, full.status(), full.body());
    } finally {
      bus.closeDispatcher(westAgent);
    }
  }

  @Test
  void unknownApplicationsAndRegionsAreRefused() {
    Reply unknownApp = node.api.post("/1.0/sessions", Map.of("app", "tetris"), token);
    assertEquals(400, unknownApp.status(), unknownApp.body());
    assertEquals("unknown application 'tetris'", unknownApp.error());
    Reply unknownRegion = node.api.post("/1.0/sessions", Map.of("app", "demo", "region", "mars"), token);
    assertEquals(400, unknownRegion.status(), unknownRegion.body());
    assertTrue(unknownRegion.error().contains("mars"), unknownRegion.error());
    assertTrue(ams.calls("POST", "/1.0/instances").stream()
        .noneMatch(call -> call.body().path("app").asText().equals("tetris")), "a refused create reaches no AMS");
  }

  // --- gateway first ---------------------------------------------------------------------------

  @Test
  void createStartsAnInstanceThroughTheAgentAndTheSessionRecordsIt() throws Exception {
    JsonNode created = node.createSession(token, Map.of("app", "demo", "region", "local",
        "screen", Map.of("width", 1920, "height", 1080, "fps", 30)));
    String id = created.path("id").asText();
    assertEquals("created", created.path("status").asText());
    JsonNode post = ams.calls("POST", "/1.0/instances").stream()
        .filter(call -> call.body().path("session").path("id").asText().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("AMS was not asked for an instance of " + id)).body();
    assertEquals("demo", post.path("app").asText());
    assertTrue(post.path("enable_streaming").asBoolean());
    assertEquals(1920, post.path("screen").path("width").asInt());
    String instanceUrl = post.path("session").path("url").asText();
    assertTrue(instanceUrl.startsWith("ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/" + id
        + "/sockets/instance?token="), instanceUrl);
    String instanceId = ams.instances().entrySet().stream().filter(e -> e.getValue().equals(id))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    assertEquals(instanceId, record(id).instanceId());

    try (SignalingClient instance = SignalingClient.connect(instanceUrl)) {
      Await.until("the session to turn active when its instance connects", WAIT, () -> status(id).equals("active"));
    }
  }

  @Test
  void regionWithoutCapacityGivesTheClient503AndTheSessionAnError() throws Exception {
    ams.refuseCreates(503, "no capacity left in region local");
    Reply refused = node.api.post("/1.0/sessions", Map.of("app", "demo"), token);
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refused.error().contains("no capacity left in region local"), refused.error());
    JsonNode errors = node.api.get("/1.0/sessions?recursion=true&status=error", token).json().path("metadata");
    boolean recorded = false;
    for (JsonNode session : errors) {
      recorded |= session.path("status_message").asText().contains("no capacity left in region local");
    }
    assertTrue(recorded, "the session is in error with the reason: " + errors);
  }

  @Test
  void regionWhoseAgentDoesNotAnswerGivesTheClient503AndTheSessionAnError() throws Exception {
    // Region south beats (the test sends its heartbeat) but no agent of it takes requests.
    publish(Subjects.agentHeartbeat("south"), new AgentHeartbeat("south", "south-agent", true, 5, List.of("demo"), 0L));
    Await.until("region south to be listed", WAIT, () -> regions().contains("south=true"));
    Reply silent = node.api.post("/1.0/sessions", Map.of("app", "demo", "region", "south"), token);
    assertEquals(503, silent.status(), silent.body());
    assertEquals("region south did not answer", silent.error());
    boolean recorded = false;
    for (JsonNode session : node.api.get("/1.0/sessions?recursion=true&status=error", token).json().path("metadata")) {
      recorded |= session.path("region").asText().equals("south")
          && session.path("status_message").asText().equals("region south did not answer");
    }
    assertTrue(recorded, "the session is in error with the reason");
  }

  @Test
  void deletingASessionStopsItsInstance() throws Exception {
    String[] session = createWithInstance(Map.of("app", "demo"));
    assertEquals(200, node.api.delete("/1.0/sessions/" + session[0], token).status());
    Await.until("AMS to delete the instance", WAIT, () -> amsDeleted(session[1]));
    assertFalse(ams.instances().containsKey(session[1]));
  }

  // --- what the instance side reports ----------------------------------------------------------

  @Test
  void instanceErrorPutsTheSessionInErrorAndItStaysThere() throws Exception {
    String[] session = createWithInstance(Map.of("app", "demo"));
    publish(Subjects.amsInstanceStatus("local"), new InstanceStatus("local", session[1], session[0], "error",
        "media node node-1 stopped beating", System.currentTimeMillis()));
    Await.until("the session to be in error", WAIT, () -> status(session[0]).equals("error"));
    assertEquals("media node node-1 stopped beating", session(session[0], token).path("status_message").asText());

    publish(Subjects.amsInstanceStatus("local"), new InstanceStatus("local", session[1], session[0], "stopped", null,
        System.currentTimeMillis()));
    publish(Subjects.amsClientLeft("local"), new ClientLeft("local", session[1], session[0], "gone", 0L));
    // A session of another instance, stopped after those reports, shows they have been handled.
    String[] marker = createWithInstance(Map.of("app", "demo"));
    publish(Subjects.amsInstanceStatus("local"), new InstanceStatus("local", marker[1], marker[0], "stopped", null, 0L));
    Await.until("the marker session to terminate", WAIT, () -> status(marker[0]).equals("terminated"));
    assertEquals("error", status(session[0]), "an errored session stays in error");
  }

  @Test
  void instanceThatStoppedTerminatesItsSessionWithoutAStopBack() throws Exception {
    String[] session = createWithInstance(Map.of("app", "demo"));
    publish(Subjects.amsInstanceStatus("local"), new InstanceStatus("local", session[1], session[0], "stopped",
        "the application exited", System.currentTimeMillis()));
    Await.until("the session to terminate", WAIT, () -> status(session[0]).equals("terminated"));
    assertEquals("its instance stopped: the application exited", session(session[0], token).path("status_message").asText());
    // A session deleted afterwards has its instance stopped; the first one's instance was not.
    String[] marker = createWithInstance(Map.of("app", "demo"));
    node.api.delete("/1.0/sessions/" + marker[0], token);
    Await.until("the marker's instance to be deleted", WAIT, () -> amsDeleted(marker[1]));
    assertFalse(amsDeleted(session[1]), "an instance that stopped by itself is not stopped again");
  }

  @Test
  void clientLeavingEndsANonJoinableSessionAndItsInstance() throws Exception {
    String[] session = createWithInstance(Map.of("app", "demo"));
    publish(Subjects.amsClientLeft("local"), new ClientLeft("local", session[1], session[0], "stream::disconnect", 0L));
    Await.until("the session to terminate", WAIT, () -> status(session[0]).equals("terminated"));
    assertEquals("the client left: stream::disconnect", session(session[0], token).path("status_message").asText());
    Await.until("AMS to delete the instance", WAIT, () -> amsDeleted(session[1]));
  }

  @Test
  void clientLeavingAJoinableSessionStartsItsGracePeriodAndAJoinStillWorks() throws Exception {
    JsonNode created = node.createSession(token, Map.of("app", "demo", "joinable", true));
    String id = created.path("id").asText();
    String instanceId = record(id).instanceId();
    assertNotNull(instanceId);
    try (SignalingClient client = SignalingClient.connect(created.path("url").asText())) {
      Await.until("the client to be attached", WAIT, () -> record(id).clientAttached());
    }
    publish(Subjects.amsClientLeft("local"), new ClientLeft("local", instanceId, id, "ICE failed", 0L));
    Await.until("the grace period to start", WAIT, () -> !record(id).clientAttached());
    assertEquals("created", status(id), "a joinable session outlives its client");
    Reply join = node.api.post("/1.0/sessions/" + id + "/join", Map.of(), token);
    assertEquals(200, join.status(), join.body());
    try (SignalingClient again = SignalingClient.connect(join.json().path("metadata").path("url").asText())) {
      Await.until("the joined client to be attached", WAIT, () -> record(id).clientAttached());
    }
    assertFalse(amsDeleted(instanceId));
  }

  // --- instance first --------------------------------------------------------------------------

  @Test
  void instanceFirstCreatesAJoinableSessionOwnedByTheAccount() throws Exception {
    CreatedSession created = request(Subjects.agentCreateSession("local"),
        new CreateSession("local", "ins-first-1", "demo", null, new Screen(800, 600, null, null), null));
    assertTrue(created.ok(), String.valueOf(created));
    String id = created.sessionId();
    JsonNode session = session(id, kioskToken);
    assertTrue(session.path("joinable").asBoolean());
    assertEquals("demo", session.path("app").asText());
    assertEquals("local", session.path("region").asText());
    assertEquals(800, session.path("screen").path("width").asInt());
    assertEquals(60, session.path("screen").path("fps").asInt(), "missing screen fields take the defaults");
    assertEquals(403, node.api.get("/1.0/sessions/" + id, token).status(), "another account does not see it");
    assertEquals("ins-first-1", record(id).instanceId());
    try (SignalingClient instance = SignalingClient.connect(created.instanceSocketUrl())) {
      Await.until("the session to turn active", WAIT, () -> session(id, kioskToken).path("status").asText().equals("active"));
    }

    CreatedSession noOwner = request(Subjects.agentCreateSession("local"),
        new CreateSession("local", "ins-first-2", "demo", null, null, "nobody"));
    assertEquals(400, noOwner.code());
    assertEquals("no account 'nobody'", noOwner.error());
  }

  @Test
  void malformedMessagesFromAgentsAreRefusedAndTheGatewayCarriesOn() throws Exception {
    byte[] garbage = "{\"sessionId\":".getBytes(StandardCharsets.UTF_8);
    CreatedSession refused = NatsJson.read(
        bus.request(Subjects.GATEWAY_CREATE_SESSION, garbage).get(5, TimeUnit.SECONDS).getData(), CreatedSession.class);
    assertEquals(400, refused.code());
    bus.publish(Subjects.GATEWAY_INSTANCE_STATUS, garbage);
    bus.publish(Subjects.GATEWAY_CLIENT_LEFT, NatsJson.write(new ClientLeft("local", "i", "not-a-session", "x", 0L)));
    bus.publish(Subjects.agentHeartbeat("local"), garbage);
    String[] session = createWithInstance(Map.of("app", "demo"));
    publish(Subjects.amsInstanceStatus("local"), new InstanceStatus("local", session[1], session[0], "error", "boom", 0L));
    Await.until("a valid report after the garbage to be handled", WAIT, () -> status(session[0]).equals("error"));
  }

  private CreatedSession request(String subject, Object message) throws Exception {
    return NatsJson.read(bus.request(subject, NatsJson.write(message)).get(10, TimeUnit.SECONDS).getData(),
        CreatedSession.class);
  }

  // --- the bus restarting ----------------------------------------------------------------------

  @Test
  @Order(Integer.MAX_VALUE)
  void afterNatsRestartsTheAgentBeatsAgainAndNewSessionsWork() throws Exception {
    BlockingQueue<AgentHeartbeat> beats = new LinkedBlockingQueue<>();
    Dispatcher listener = bus.createDispatcher(message -> {
      try {
        beats.add(NatsJson.read(message.getData(), AgentHeartbeat.class));
      } catch (NatsJson.MalformedMessageException e) {
        throw new AssertionError(e);
      }
    });
    listener.subscribe(Subjects.agentHeartbeat("local"));
    nats.restart();
    long restartedAt = System.currentTimeMillis();
    AgentHeartbeat after = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (after == null && System.nanoTime() < deadline) {
      AgentHeartbeat beat = beats.poll(200, TimeUnit.MILLISECONDS);
      if (beat != null && beat.sentAtMillis() >= restartedAt) after = beat;
    }
    assertNotNull(after, "the agent beats again after nats-server came back");
    Await.until("a new session to start an instance", Duration.ofSeconds(15),
        () -> node.api.post("/1.0/sessions", Map.of("app", "demo"), token).status() == 201);
  }
}
