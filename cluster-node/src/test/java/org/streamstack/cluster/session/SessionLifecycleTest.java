package org.streamstack.cluster.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;

/**
 * The parts of a session's life that the agent and media node will drive (client gone, instance
 * failed), sent to the entity directly, and seen by a client through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLifecycleTest {

  private RunningNode node;
  private String token;

  @BeforeAll
  void start() {
    node = RunningNode.standalone("streamstack.gateway.sessions.grace-period = 1500ms");
    token = node.createAccount("lifecycle");
  }

  @AfterAll
  void stop() {
    node.stop();
  }

  private SessionEntity.Reply tell(String sessionId,
      org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<SessionEntity.Reply>, SessionEntity.Command> command)
      throws Exception {
    return ClusterSharding.get(node.node.system()).entityRefFor(SessionEntity.TYPE_KEY, sessionId)
        .ask(command, Duration.ofSeconds(5)).toCompletableFuture().get();
  }

  private JsonNode session(String id) {
    ApiClient.Reply reply = node.api.get("/1.0/sessions/" + id, token);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().path("metadata");
  }

  @Test
  void joinableSessionEndsWhenItsClientLeftAndNobodyJoinedWithinTheGracePeriod() throws Exception {
    JsonNode created = node.createSession(token, Map.of("app", "demo", "joinable", true));
    String id = created.path("id").asText();
    try (SignalingClient client = SignalingClient.connect(created.path("url").asText())) {
      // An attached client stops the grace timer that runs from creation.
      Thread.sleep(2000);
      assertEquals("created", session(id).path("status").asText());
      assertInstanceOf(SessionEntity.Accepted.class, tell(id, replyTo -> new SessionEntity.DetachClient("stream::disconnect", replyTo)));
      Await.until("the grace period to end the session", Duration.ofSeconds(10),
          () -> session(id).path("status").asText().equals("terminated"));
      assertEquals("no client joined within the grace period of 1 s", session(id).path("status_message").asText());
      org.junit.jupiter.api.Assertions.assertTrue(client.awaitClosed(Duration.ofSeconds(5)),
          "the client socket of a terminated session is closed");
    }
  }

  @Test
  void joinWithinTheGracePeriodKeepsTheSession() throws Exception {
    JsonNode created = node.createSession(token, Map.of("app", "demo", "joinable", true));
    String id = created.path("id").asText();
    ApiClient.Reply join = node.api.post("/1.0/sessions/" + id + "/join", Map.of(), token);
    assertEquals(200, join.status(), join.body());
    try (SignalingClient client = SignalingClient.connect(join.json().path("metadata").path("url").asText())) {
      Thread.sleep(2500);
      assertEquals("created", session(id).path("status").asText(), "an attached client keeps the session");
    }
  }

  @Test
  void nonJoinableSessionHasNoGraceTimer() throws Exception {
    String id = node.createSession(token, Map.of("app", "demo")).path("id").asText();
    Thread.sleep(2500);
    assertEquals("created", session(id).path("status").asText());
  }

  @Test
  void failedInstancePutsTheSessionInErrorWithItsReason() throws Exception {
    String id = node.createSession(token, Map.of("app", "demo", "joinable", true)).path("id").asText();
    tell(id, replyTo -> new SessionEntity.Fail("the instance's media node stopped", replyTo));
    JsonNode failed = session(id);
    assertEquals("error", failed.path("status").asText());
    assertEquals("the instance's media node stopped", failed.path("status_message").asText());
    ApiClient.Reply join = node.api.post("/1.0/sessions/" + id + "/join", Map.of(), token);
    assertEquals(409, join.status(), join.body());
    assertEquals(200, node.api.delete("/1.0/sessions/" + id, token).status(), "a session in error can be deleted");
    assertEquals("terminated", session(id).path("status").asText());
  }

  @Test
  void ephemeralSessionLeavesNoTraceOnceTerminated() {
    String id = node.createSession(token, Map.of("app", "demo", "ephemeral", true)).path("id").asText();
    assertEquals(200, node.api.delete("/1.0/sessions/" + id, token).status());
    assertEquals(404, node.api.get("/1.0/sessions/" + id, token).status());
    Await.until("the ephemeral session to leave the listing", Duration.ofSeconds(5), () ->
        !node.api.get("/1.0/sessions", token).body().contains(id));
  }
}
