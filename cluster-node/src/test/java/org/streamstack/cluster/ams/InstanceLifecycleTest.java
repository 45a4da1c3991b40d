package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.StandInMediaNode;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * Instances through their state machine, against a real AMS member, a real nats-server and a
 * stand-in media node on it: launch, run, stop, start, delete, failures, and what AMS tells the
 * agent (instance status, client left) and asks of it (a session, instance first).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceLifecycleTest {

  private static final Duration SOON = Duration.ofSeconds(10);

  private NatsServer nats;
  private RunningAms ams;
  private StandInMediaNode node;
  private Connection agent;
  private final List<InstanceStatus> statuses = new CopyOnWriteArrayList<>();
  private final List<ClientLeft> clientsLeft = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws InterruptedException {
    nats = NatsServer.start();
    ams = RunningAms.start(nats, "streamstack.ams.request-timeout = 1500ms");
    node = StandInMediaNode.start(nats, ams.region, "node-1", 50);
    // What the region's agent would hear from AMS.
    agent = NatsConnector.connect(nats.settings("test agent"));
    Dispatcher dispatcher = agent.createDispatcher();
    dispatcher.subscribe(Subjects.amsInstanceStatus(ams.region), message -> statuses.add(read(message.getData(), InstanceStatus.class)));
    dispatcher.subscribe(Subjects.amsClientLeft(ams.region), message -> clientsLeft.add(read(message.getData(), ClientLeft.class)));
    ams.createApplication(Map.of("name", "demo"));
    ams.createApplication(Map.of("name", "game",
        "source", Map.of("type", "x11", "command", List.of("/usr/games/xgame", "--windowed")),
        "video_codecs", List.of("vp8"), "video_encoder", "cpu"));
    Await.until("the stand-in node is online", SOON,
        () -> ams.get("/1.0/nodes/node-1").json().path("metadata").path("status").asText().equals("online"));
  }

  @AfterEach
  void launchNormally() {
    node.onLaunch(StandInMediaNode.OnLaunch.RUN);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (agent != null) agent.close();
    if (node != null) node.close();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @Test
  void aLaunchedInstanceRunsAndItsOperationSucceeds() {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "game", "screen", Map.of("width", 800, "height", 600)));
    assertEquals(202, created.status(), created.body());
    JsonNode envelope = created.json();
    assertEquals("async", envelope.path("type").asText());
    assertEquals("Operation created", envelope.path("status").asText());
    assertEquals(100, envelope.path("status_code").asInt());
    JsonNode operation = envelope.path("metadata");
    assertEquals("/1.0/operations/" + operation.path("id").asText(), envelope.path("operation").asText());
    assertEquals("task", operation.path("class").asText());
    assertEquals("Creating instance", operation.path("description").asText());
    assertFalse(operation.path("may_cancel").asBoolean());
    String id = RunningAms.instanceIdOf(created);
    assertEquals("/1.0/instances/" + id, operation.path("resources").path("instances").path(0).asText());

    JsonNode done = ams.waitFor(created, 10);
    assertEquals("Success", done.path("status").asText(), done.toString());
    assertEquals(200, done.path("status_code").asInt());
    assertEquals("", done.path("err").asText());
    JsonNode read = ams.get(envelope.path("operation").asText()).json().path("metadata");
    assertEquals("Success", read.path("status").asText());

    JsonNode instance = ams.instance(id);
    assertEquals("running", instance.path("status").asText());
    assertEquals("node-1", instance.path("node").asText());
    assertEquals(ams.region, instance.path("region").asText());
    assertEquals("game", instance.path("app").path("name").asText());
    assertEquals(0, instance.path("app").path("version").asInt());
    assertFalse(instance.path("streaming").asBoolean());
    assertTrue(instance.path("session_id").isNull());
    assertEquals(800, instance.path("screen").path("width").asInt());
    assertEquals(60, instance.path("screen").path("fps").asInt(), "what the request left out comes from default-screen");

    LaunchInstance launch = node.launchOf(id);
    assertNotNull(launch, "the node got no launch request");
    assertEquals("x11", launch.application().source());
    assertEquals(List.of("/usr/games/xgame", "--windowed"), launch.application().command());
    assertEquals(List.of("vp8"), launch.application().videoCodecs());
    assertEquals("cpu", launch.application().encoder());
    assertEquals(600, launch.screen().height());
    assertNull(launch.instanceSocketUrl(), "an instance without streaming has no socket");
    assertTrue(node.running().contains(id));
    List<String> listed = strings(ams.get("/1.0/nodes/node-1").json().path("metadata").path("instances"));
    assertTrue(listed.contains(id), listed.toString());
  }

  @Test
  void streamingCannotChangeAfterCreation() {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    ams.waitFor(created, 10);
    ApiClient.Reply turnOn = ams.send("PATCH", "/1.0/instances/" + id, Map.of("enable_streaming", true));
    assertEquals(409, turnOn.status(), turnOn.body());
    assertEquals("streaming cannot change after an instance is created", turnOn.error());
    ApiClient.Reply same = ams.send("PATCH", "/1.0/instances/" + id, Map.of("enable_streaming", false));
    assertEquals(200, same.status(), same.body());
    ApiClient.Reply other = ams.send("PATCH", "/1.0/instances/" + id, Map.of("screen", Map.of("width", 640)));
    assertEquals(400, other.status(), other.body());
    assertTrue(other.error().startsWith("nothing else can change"), other.error());
    ApiClient.Reply wrongType = ams.send("PATCH", "/1.0/instances/" + id, "{\"enable_streaming\":\"yes\"}");
    assertEquals(400, wrongType.status(), wrongType.body());
    assertTrue(wrongType.error().contains("'enable_streaming'"), wrongType.error());
    assertFalse(ams.instance(id).path("streaming").asBoolean());
  }

  @Test
  void deleteStopsTheInstanceOnItsNode() {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    assertEquals("Success", ams.waitFor(created, 10).path("status").asText());

    ApiClient.Reply deleted = ams.api.delete("/1.0/instances/" + id, ams.token);
    assertEquals(202, deleted.status(), deleted.body());
    assertEquals("Deleting instance", deleted.json().path("metadata").path("description").asText());
    JsonNode done = ams.waitFor(deleted, 10);
    assertEquals("Success", done.path("status").asText(), done.toString());
    assertTrue(node.stopped(id), "the node got no stop request");
    assertFalse(node.running().contains(id));

    assertEquals(404, ams.get("/1.0/instances/" + id).status(), "a deleted instance is gone");
    Await.until("the deleted instance leaves the list", SOON,
        () -> !strings(ams.get("/1.0/instances").json().path("metadata")).contains("/1.0/instances/" + id));
    // Its operations are still readable, and deleting again answers the same deletion.
    assertEquals("Success", ams.get(deleted.json().path("operation").asText()).json().path("metadata").path("status").asText());
    ApiClient.Reply again = ams.api.delete("/1.0/instances/" + id, ams.token);
    assertEquals(202, again.status(), again.body());
    assertEquals(deleted.json().path("operation").asText(), again.json().path("operation").asText());
    assertEquals(404, ams.post("/1.0/instances/" + id + "/start", null).status());
  }

  @Test
  void aStoppedInstanceStartsAgain() {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    ams.waitFor(created, 10);
    ApiClient.Reply running = ams.post("/1.0/instances/" + id + "/start", null);
    assertEquals(409, running.status(), running.body());

    ApiClient.Reply stopped = ams.post("/1.0/instances/" + id + "/stop", null);
    assertEquals("Stopping instance", stopped.json().path("metadata").path("description").asText());
    assertEquals("Success", ams.waitFor(stopped, 10).path("status").asText());
    assertEquals("stopped", ams.status(id));
    ApiClient.Reply stoppedAgain = ams.post("/1.0/instances/" + id + "/stop", null);
    assertEquals("Success", ams.waitFor(stoppedAgain, 10).path("status").asText(), "stop is idempotent");

    ApiClient.Reply started = ams.post("/1.0/instances/" + id + "/start", null);
    assertEquals(202, started.status(), started.body());
    assertEquals("Starting instance", started.json().path("metadata").path("description").asText());
    assertEquals("Success", ams.waitFor(started, 10).path("status").asText());
    assertEquals("running", ams.status(id));
    assertEquals(2, node.launches.stream().filter(launch -> launch.instanceId().equals(id)).count());
    ams.waitFor(ams.api.delete("/1.0/instances/" + id, ams.token), 10);
  }

  @Test
  void anInstanceBoundToASessionReportsEveryStatusToTheAgent() {
    String url = "ws://gateway.example/1.0/sessions/session-gw-1/sockets/instance?token=secret";
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo", "enable_streaming", true,
        "session", Map.of("id", "session-gw-1", "url", url)));
    String id = RunningAms.instanceIdOf(created);
    assertEquals("Success", ams.waitFor(created, 10).path("status").asText());
    JsonNode instance = ams.instance(id);
    assertTrue(instance.path("streaming").asBoolean());
    assertEquals("session-gw-1", instance.path("session_id").asText());
    assertEquals(url, node.launchOf(id).instanceSocketUrl());
    assertEquals("session-gw-1", node.launchOf(id).sessionId());
    Await.until("running is published", SOON, () -> statusesOf(id).contains("running"));
    assertTrue(statusesOf(id).containsAll(List.of("created", "scheduled", "running")), statusesOf(id).toString());
    JsonNode bySession = ams.get("/1.0/instances?session_id=session-gw-1&recursion=1").json().path("metadata");
    assertEquals(1, bySession.size(), bySession.toString());
    assertEquals(id, bySession.path(0).path("id").asText());
    InstanceStatus running = statuses.stream().filter(s -> s.instanceId().equals(id) && s.status().equals("running"))
        .findFirst().orElseThrow();
    assertEquals("session-gw-1", running.sessionId());
    assertEquals(ams.region, running.region());

    node.report(id, InstanceEvent.Kind.CLIENT_LEFT, "ICE failed");
    Await.until("client-left is published", SOON, () -> clientsLeft.stream().anyMatch(left -> left.instanceId().equals(id)));
    ClientLeft left = clientsLeft.stream().filter(l -> l.instanceId().equals(id)).findFirst().orElseThrow();
    assertEquals("session-gw-1", left.sessionId());
    assertEquals("ICE failed", left.reason());
    assertEquals("running", ams.status(id), "a client leaving does not stop the instance");

    ams.waitFor(ams.api.delete("/1.0/instances/" + id, ams.token), 10);
    Await.until("stopped is published", SOON, () -> statusesOf(id).contains("stopped"));
    assertTrue(statusesOf(id).contains("stopping"), statusesOf(id).toString());
  }

  @Test
  void instanceFirstAsksTheAgentForASessionAndLaunchesWithIt() throws Exception {
    // No agent listens yet: the request is answered with why.
    ApiClient.Reply noAgent = ams.post("/1.0/instances", Map.of("app", "demo", "enable_streaming", true));
    assertEquals(503, noAgent.status(), noAgent.body());
    assertTrue(noAgent.error().contains("agent"), noAgent.error());

    List<CreateSession> requests = new CopyOnWriteArrayList<>();
    Connection agentSide = NatsConnector.connect(nats.settings("test agent answering"));
    try {
      Dispatcher dispatcher = agentSide.createDispatcher(message -> {
        CreateSession request = read(message.getData(), CreateSession.class);
        requests.add(request);
        CreatedSession answer = request.app().equals("game")
            ? CreatedSession.failed(400, "application game is not offered by this gateway")
            : CreatedSession.created("session-first-" + requests.size(), "ws://gateway.example/instance?token=t" + requests.size());
        agentSide.publish(message.getReplyTo(), NatsJson.write(answer));
      });
      dispatcher.subscribe(Subjects.agentCreateSession(ams.region), Subjects.agentQueue(ams.region));
      agentSide.flush(Duration.ofSeconds(5));

      ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo", "enable_streaming", true,
          "screen", Map.of("width", 1920, "height", 1080, "fps", 30)));
      assertEquals(202, created.status(), created.body());
      String id = RunningAms.instanceIdOf(created);
      assertEquals("Success", ams.waitFor(created, 10).path("status").asText());
      CreateSession request = requests.stream().filter(r -> r.instanceId().equals(id)).findFirst().orElseThrow();
      assertEquals("demo", request.app());
      assertEquals(ams.region, request.region());
      assertEquals(1920, request.screen().width());
      JsonNode instance = ams.instance(id);
      String sessionId = instance.path("session_id").asText();
      assertTrue(sessionId.startsWith("session-first-"), instance.toString());
      LaunchInstance launch = node.launchOf(id);
      assertEquals(sessionId, launch.sessionId());
      assertEquals("ws://gateway.example/instance?token=t" + sessionId.substring("session-first-".length()),
          launch.instanceSocketUrl());

      // The gateway's refusal reaches the caller with its code.
      ApiClient.Reply refused = ams.post("/1.0/instances", Map.of("app", "game", "enable_streaming", true));
      assertEquals(400, refused.status(), refused.body());
      assertTrue(refused.error().contains("not offered"), refused.error());
    } finally {
      agentSide.close();
    }
  }

  @Test
  void failuresOnTheNodePutTheInstanceInError() {
    node.onLaunch(StandInMediaNode.OnLaunch.REFUSE);
    ApiClient.Reply refused = ams.post("/1.0/instances", Map.of("app", "demo"));
    JsonNode failed = ams.waitFor(refused, 10);
    assertEquals("Failure", failed.path("status").asText(), failed.toString());
    assertEquals(400, failed.path("status_code").asInt());
    assertTrue(failed.path("err").asText().contains("refused to launch"), failed.toString());
    String refusedId = RunningAms.instanceIdOf(refused);
    assertEquals("error", ams.status(refusedId));
    // Should the node run it after all, it is told to stop: AMS accounts for no such instance.
    node.report(refusedId, InstanceEvent.Kind.RUNNING, null);
    Await.until("the node is told to stop the instance", SOON, () -> node.stopped(refusedId));
    assertEquals("error", ams.status(refusedId));

    node.onLaunch(StandInMediaNode.OnLaunch.IGNORE);
    ApiClient.Reply ignored = ams.post("/1.0/instances", Map.of("app", "demo"));
    JsonNode unanswered = ams.waitFor(ignored, 10);
    assertEquals("Failure", unanswered.path("status").asText(), unanswered.toString());
    assertTrue(unanswered.path("err").asText().contains("did not answer the launch request"), unanswered.toString());

    node.onLaunch(StandInMediaNode.OnLaunch.RUN);
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    ams.waitFor(created, 10);
    node.report(id, InstanceEvent.Kind.FAILED, "the application crashed (signal 11)");
    Await.until("the instance is in error", SOON, () -> ams.status(id).equals("error"));
    assertEquals("the application crashed (signal 11)", ams.instance(id).path("status_message").asText());

    // An instance in error is deleted without waiting for the node.
    assertEquals("Success", ams.waitFor(ams.api.delete("/1.0/instances/" + id, ams.token), 10).path("status").asText());
  }

  @Test
  void anOperationWaitEndsAtItsTimeoutWhileTheInstanceStarts() {
    node.onLaunch(StandInMediaNode.OnLaunch.ACCEPT);
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    Await.until("the node accepted the launch", SOON, () -> ams.status(id).equals("starting"));
    long before = System.nanoTime();
    JsonNode still = ams.waitFor(created, 1);
    long waitedMillis = (System.nanoTime() - before) / 1_000_000;
    assertEquals("Running", still.path("status").asText(), still.toString());
    assertEquals(103, still.path("status_code").asInt());
    assertTrue(waitedMillis >= 900, "answered after " + waitedMillis + " ms, before the timeout");

    node.report(id, InstanceEvent.Kind.RUNNING, null);
    assertEquals("Success", ams.waitFor(created, 10).path("status").asText());
    assertEquals(400, ams.get(created.json().path("operation").asText() + "/wait?timeout=soon").status());
  }

  @Test
  void instancesAreListedAndFilteredByStatus() {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    String id = RunningAms.instanceIdOf(created);
    ams.waitFor(created, 10);
    List<String> urls = strings(ams.get("/1.0/instances").json().path("metadata"));
    assertTrue(urls.contains("/1.0/instances/" + id), urls.toString());
    JsonNode running = ams.get("/1.0/instances?status=running&recursion=1").json().path("metadata");
    boolean found = false;
    for (JsonNode instance : running) {
      assertEquals("running", instance.path("status").asText());
      found |= instance.path("id").asText().equals(id);
    }
    assertTrue(found, running.toString());
    List<String> stopped = strings(ams.get("/1.0/instances?status=stopped").json().path("metadata"));
    assertFalse(stopped.contains("/1.0/instances/" + id));
    assertEquals(400, ams.get("/1.0/instances?status=sleeping").status());
    List<String> ofGame = strings(ams.get("/1.0/instances?app=game").json().path("metadata"));
    assertFalse(ofGame.contains("/1.0/instances/" + id), "an instance of demo is not one of game");
  }

  @Test
  void anApplicationWithLiveInstancesCannotBeDeleted() {
    ams.createApplication(Map.of("name", "busy"));
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "busy"));
    String id = RunningAms.instanceIdOf(created);
    ams.waitFor(created, 10);
    ApiClient.Reply refused = ams.api.delete("/1.0/applications/busy", ams.token);
    assertEquals(409, refused.status(), refused.body());
    assertTrue(refused.error().contains(id), refused.error());
    ams.waitFor(ams.api.delete("/1.0/instances/" + id, ams.token), 10);
    assertEquals(200, ams.api.delete("/1.0/applications/busy", ams.token).status());
  }

  @Test
  void badInstanceRequestsAreRefusedNamingTheField() {
    record Case(String body, String mentions) {}
    List<Case> cases = List.of(
        new Case("{}", "'app'"),
        new Case("{\"app\":5}", "field 'app' must be a string"),
        new Case("{\"app\":\"no-such-app\"}", "unknown application"),
        new Case("{\"app\":\"demo\",\"app_version\":7}", "no version 7"),
        new Case("{\"app\":\"demo\",\"screen\":{\"width\":1}}", "screen.width"),
        new Case("{\"app\":\"demo\",\"enable_streaming\":\"yes\"}", "'enable_streaming'"),
        new Case("{\"app\":\"demo\",\"session\":{\"id\":\"s\",\"url\":\"ws://gw/x\"}}", "'session'"),
        new Case("{\"app\":\"demo\",\"enable_streaming\":true,\"session\":{\"id\":\"s\",\"url\":\"http://gw\"}}", "'session.url'"),
        new Case("{\"app\":", "malformed JSON"));
    for (Case bad : cases) {
      ApiClient.Reply reply = ams.api.postRaw("/1.0/instances", bad.body(), ams.token);
      assertEquals(400, reply.status(), bad.body() + " → " + reply.body());
      assertTrue(reply.error().contains(bad.mentions()), bad.body() + " → " + reply.error());
    }
  }

  private List<String> statusesOf(String instanceId) {
    List<String> of = new ArrayList<>();
    for (InstanceStatus status : statuses) {
      if (status.instanceId().equals(instanceId)) of.add(status.status());
    }
    return of;
  }

  private static <T> T read(byte[] payload, Class<T> type) {
    try {
      return NatsJson.read(payload, type);
    } catch (NatsJson.MalformedMessageException e) {
      throw new AssertionError(e.getMessage());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) items.add(item.asText());
    return items;
  }
}
