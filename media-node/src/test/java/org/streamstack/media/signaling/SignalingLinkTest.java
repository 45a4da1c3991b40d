package org.streamstack.media.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;

/** The instance side's websocket against a real gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignalingLinkTest {

  private RunningNode gateway;
  private ActorTestKit testKit;
  private String token;

  @BeforeAll
  void start() {
    gateway = RunningNode.standalone();
    token = gateway.createAccount("link");
    testKit = ActorTestKit.create();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
    gateway.stop();
  }

  @Test
  void relaysBothWaysAndGivesUpOnceTheSessionIsDeleted() throws Exception {
    var session = gateway.createSession(token, Map.of("app", "demo"));
    String id = session.path("id").asText();
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    try (SignalingLink link = new SignalingLink(testKit.system(), gateway.instanceSocketUrl(id), received::add);
        SignalingClient client = SignalingClient.connect(session.path("url").asText())) {
      link.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      client.send("{\"type\":\"discover\"}");
      assertEquals("{\"type\":\"discover\"}", received.poll(10, TimeUnit.SECONDS));
      link.send("{\"type\":\"offer\",\"sdp\":\"dj0w\"}");
      assertEquals("{\"type\":\"offer\",\"sdp\":\"dj0w\"}", client.next(Duration.ofSeconds(10)));

      assertEquals(200, gateway.api.delete("/1.0/sessions/" + id, token).status());
      Await.until("the link to give up on the ended session", Duration.ofSeconds(15), link::refused);
      assertEquals(404, link.whenRefused().toCompletableFuture().get(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void aWrongCredentialIsNotTriedAgainAndAgain() throws Exception {
    String id = gateway.createSession(token, Map.of("app", "demo")).path("id").asText();
    String wrong = gateway.instanceSocketUrl(id).replaceAll("token=[^&]*", "token=wrong");
    try (SignalingLink link = new SignalingLink(testKit.system(), wrong, frame -> {})) {
      link.connect();
      Await.until("the link to give up", Duration.ofSeconds(10), link::refused);
      int status = link.whenRefused().toCompletableFuture().get(1, TimeUnit.SECONDS);
      assertTrue(status >= 400 && status < 500, "refused with " + status);
    }
  }
}
