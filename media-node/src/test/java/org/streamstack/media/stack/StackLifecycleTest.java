package org.streamstack.media.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.SignalingClient;

/**
 * Both ways a session starts and every way it ends, across the real processes: nats-server, a
 * cluster-node with gateway, agent and AMS, and a media node in a JVM of its own. The last test
 * kills that media node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackLifecycleTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);

  private static WholeStack stack;
  private static Process mediaNode;

  @BeforeAll
  static void start() {
    stack = WholeStack.withoutMediaNode();
    mediaNode = stack.startMediaNodeProcess("media-a");
    stack.awaitRegionReady();
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  private static String status(String sessionId) {
    return stack.session(sessionId).path("status").asText();
  }

  /** The client side of the session's signalling answers a discover: the instance is connected and alive. */
  private static void assertInstanceAnswers(String clientUrl) throws Exception {
    try (SignalingClient client = SignalingClient.connect(clientUrl)) {
      client.send("{\"type\":\"discover\"}");
      String reply = client.next(Duration.ofSeconds(10));
      assertNotNull(reply, "no answer to discover");
      assertTrue(reply.contains("\"resp:discover\""), reply);
    }
  }

  private static JsonNode awaitInstanceOf(String sessionId) {
    JsonNode[] found = new JsonNode[1];
    Await.until("AMS to hold an instance for session " + sessionId, SETTLE,
        () -> (found[0] = stack.instanceOfSession(sessionId)) != null);
    return found[0];
  }

  @Test
  @Order(1)
  void gatewayFirstStartsAnInstanceAndDeletingTheSessionStopsIt() throws Exception {
    JsonNode session = stack.createSession(Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    String instanceId = awaitInstanceOf(sessionId).path("id").asText();
    assertTrue(stack.instance(instanceId).path("streaming").asBoolean(), "a session's instance streams");
    Await.until("the instance to run", SETTLE, () -> "running".equals(stack.instance(instanceId).path("status").asText()));
    Await.until("the session to turn active (its instance socket connected)", SETTLE, () -> "active".equals(status(sessionId)));
    assertInstanceAnswers(session.path("url").asText());

    assertEquals(200, stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken).status());
    Await.until("the instance to be stopped and deleted", SETTLE, () -> stack.instanceStatus(instanceId).equals("deleted"));
    Await.until("the media node to no longer run it", SETTLE,
        () -> !stack.ams.get("/1.0/nodes/media-a", stack.amsToken).body().contains(instanceId));
  }

  @Test
  @Order(2)
  void deletingTheInstanceEndsItsSession() {
    String sessionId = stack.createSession(Map.of("app", "demo")).path("id").asText();
    String instanceId = awaitInstanceOf(sessionId).path("id").asText();
    Await.until("the session to turn active", SETTLE, () -> "active".equals(status(sessionId)));

    ApiClient.Reply delete = stack.ams.delete("/1.0/instances/" + instanceId, stack.amsToken);
    assertEquals(202, delete.status(), delete.body());
    Await.until("the session to end", SETTLE, () -> "terminated".equals(status(sessionId)));
    assertEquals("deleted", stack.instanceStatus(instanceId), "AMS stopped and forgot it");
  }

  @Test
  @Order(3)
  void instanceFirstCreatesAJoinableSessionAClientJoins() throws Exception {
    ApiClient.Reply launch = stack.ams.post("/1.0/instances", Map.of("app", "demo", "enable_streaming", true),
        stack.amsToken);
    assertEquals(202, launch.status(), launch.body());
    String operation = launch.json().path("operation").asText();
    JsonNode done = stack.ams.get(operation + "/wait?timeout=10", stack.amsToken).json().path("metadata");
    assertEquals("Success", done.path("status").asText(), done.toString());
    String instancePath = done.path("resources").path("instances").get(0).asText();
    JsonNode instance = stack.ams.get(instancePath, stack.amsToken).json().path("metadata");
    String sessionId = instance.path("session_id").asText();
    assertTrue(!sessionId.isEmpty(), "the agent created a session for it: " + instance);

    JsonNode session = stack.session(sessionId);
    assertEquals("demo", session.path("app").asText());
    assertTrue(session.path("joinable").asBoolean(), "an instance-first session is joinable: " + session);
    Await.until("the session to turn active", SETTLE, () -> "active".equals(status(sessionId)));
    ApiClient.Reply join = stack.gateway.post("/1.0/sessions/" + sessionId + "/join", Map.of(), stack.clientToken);
    assertEquals(200, join.status(), join.body());
    assertInstanceAnswers(join.json().path("metadata").path("url").asText());

    assertEquals(202, stack.ams.delete(instancePath, stack.amsToken).status());
    Await.until("the session to end with its instance", SETTLE, () -> "terminated".equals(status(sessionId)));
  }

  @Test
  @Order(4)
  void anUnknownApplicationIsABadRequest() {
    ApiClient.Reply reply = stack.gateway.post("/1.0/sessions", Map.of("app", "no-such-app"), stack.clientToken);
    assertEquals(400, reply.status(), reply.body());
    assertTrue(reply.error().contains("no-such-app"), reply.error());
  }

  @Test
  @Order(5)
  void afterANatsServerRestartNewSessionsWork() throws Exception {
    stack.nats.restart();
    // Agents and the media node reconnect by themselves; the region comes back with their heartbeats.
    stack.awaitRegionReady();
    JsonNode session = stack.createSession(Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    Await.until("the new session to turn active", Duration.ofSeconds(15), () -> "active".equals(status(sessionId)));
    assertInstanceAnswers(session.path("url").asText());
    stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken);
  }

  @Test
  @Order(6)
  void aMediaNodeThatDiesPutsItsSessionsInErrorWithinTenSeconds() throws Exception {
    String sessionId = stack.createSession(Map.of("app", "demo")).path("id").asText();
    Await.until("the session to turn active", SETTLE, () -> "active".equals(status(sessionId)));

    long killedAt = System.nanoTime();
    mediaNode.destroyForcibly().waitFor();
    Await.until("the session to report the failure", Duration.ofSeconds(10), () -> "error".equals(status(sessionId)));
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    String why = stack.session(sessionId).path("status_message").asText();
    System.out.printf("media node killed: session in error after %d ms: %s%n", tookMs, why);
    assertTrue(why.contains("media-a"), "the reason names the node: " + why);
  }
}
