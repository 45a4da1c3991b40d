package org.streamstack.cluster.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;

/**
 * Three real members on loopback sharing one journal: a session created through one member is
 * served by the others, its two signalling sockets relay across members, and stopping the member
 * that hosts the session loses neither the session nor the relay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeMemberClusterTest {

  private final List<RunningNode> members = new ArrayList<>();

  @BeforeAll
  void startCluster() {
    String journal = "h2:mem:three-" + UUID.randomUUID();
    int seedPort = FreePorts.next();
    String seed = "127.0.0.1:" + seedPort;
    members.add(RunningNode.start(journal, List.of(), seedPort, ""));
    members.add(RunningNode.start(journal, List.of(seed), FreePorts.next(), ""));
    members.add(RunningNode.start(journal, List.of(seed), FreePorts.next(), ""));
    Await.until("three members up", Duration.ofSeconds(30), () -> members.stream().allMatch(member -> {
      int up = 0;
      for (var m : Cluster.get(member.node.system()).state().getMembers()) {
        if (m.status() == MemberStatus.up()) up++;
      }
      return up == 3;
    }));
    // Members being Up is not the shard coordinator having started: the first asks of a new
    // cluster may wait for it. A token check reaches the account registry through sharding.
    Await.until("every member to reach the account registry", Duration.ofSeconds(30), () -> members.stream()
        .allMatch(member -> member.api.get("/1.0/sessions", "no-such-token").status() == 401));
  }

  @AfterAll
  void stopCluster() {
    for (RunningNode member : members) {
      try {
        member.stop();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
  }

  @Test
  @Order(1)
  void deletingAnAccountOnOneMemberRevokesItsTokenOnEveryMemberAtOnce() {
    String token = members.get(0).createAccount("short-lived");
    for (RunningNode member : members) {
      assertEquals(200, member.api.get("/1.0/sessions", token).status(), "each member has the token cached now");
    }
    assertEquals(200, members.get(0).admin.delete("/admin/v1/accounts/short-lived", null).status());
    long deleted = System.nanoTime();
    for (RunningNode member : members) {
      Await.until("the token refused on every member", Duration.ofSeconds(3),
          () -> member.api.get("/1.0/sessions", token).status() == 401);
    }
    assertTrue(System.nanoTime() - deleted < Duration.ofSeconds(3).toNanos(),
        "well within the 5 s the token cache would otherwise keep it");
  }

  @Test
  @Order(2)
  void sessionAndRelaySurviveTheLossOfTheMemberHostingTheSession() throws Exception {
    RunningNode first = members.get(0);
    String token = first.createAccount("acme");
    JsonNode created = first.createSession(token, Map.of("app", "demo"));
    String sessionId = created.path("id").asText();

    for (RunningNode member : members) {
      ApiClient.Reply read = member.api.get("/1.0/sessions/" + sessionId, token);
      assertEquals(200, read.status(), read.body());
      assertEquals("demo", read.json().path("metadata").path("app").asText());
    }

    RunningNode host = hostOf(sessionId);
    List<RunningNode> others = new ArrayList<>(members);
    others.remove(host);
    RunningNode clientSide = others.get(0);
    RunningNode instanceSide = others.get(1);

    String clientUrl = onMember(created.path("url").asText(), clientSide);
    String instanceUrl = onMember(first.instanceSocketUrl(sessionId), instanceSide);
    try (SignalingClient client = SignalingClient.connect(clientUrl);
        SignalingClient instance = SignalingClient.connect(instanceUrl)) {
      assertRelays(client, instance, "before");

      // A graceful leave (coordinated shutdown): the member hands its shards over as it goes, so
      // the session answers through another member within seconds, not after a failure detector's
      // and the split brain resolver's timeouts.
      long leaving = System.nanoTime();
      host.stop();
      Await.until("two members left", Duration.ofSeconds(30), () ->
          Cluster.get(clientSide.node.system()).state().getMembers().spliterator().getExactSizeIfKnown() == 2);

      ApiClient.Reply afterLoss = clientSide.api.get("/1.0/sessions/" + sessionId, token);
      assertEquals(200, afterLoss.status(), afterLoss.body());
      double handedOver = (System.nanoTime() - leaving) / 1e9;
      System.out.printf("the session answered through another member %.1f s after its host began to leave%n", handedOver);
      assertTrue(handedOver < 10, "the session answered " + handedOver + " s after its host began to leave");
      assertEquals("active", afterLoss.json().path("metadata").path("status").asText(),
          "the instance connected before the loss, so the journal says active");
      assertNotEquals(host, hostOf(sessionId));

      assertRelays(client, instance, "after");
    }
  }

  private static void assertRelays(SignalingClient client, SignalingClient instance, String phase) throws Exception {
    for (int i = 0; i < 20; i++) client.send("{\"type\":\"candidate\",\"phase\":\"" + phase + "\",\"n\":" + i + "}");
    for (int i = 0; i < 20; i++) {
      String frame = instance.next(Duration.ofSeconds(15));
      assertEquals("{\"type\":\"candidate\",\"phase\":\"" + phase + "\",\"n\":" + i + "}", frame,
          "frame " + i + " from client to instance, " + phase + " the loss");
    }
    for (int i = 0; i < 20; i++) instance.send("{\"type\":\"offer\",\"phase\":\"" + phase + "\",\"n\":" + i + "}");
    for (int i = 0; i < 20; i++) {
      String frame = client.next(Duration.ofSeconds(15));
      assertEquals("{\"type\":\"offer\",\"phase\":\"" + phase + "\",\"n\":" + i + "}", frame,
          "frame " + i + " from instance to client, " + phase + " the loss");
    }
    assertTrue(!client.isClosed() && !instance.isClosed(), "both sockets stay open");
  }

  /** The member whose shard region runs the session's entity. */
  private RunningNode hostOf(String sessionId) {
    RunningNode[] found = new RunningNode[1];
    Await.until("the session's entity to run somewhere", Duration.ofSeconds(20), () -> {
      for (RunningNode member : members) {
        if (member.node.system().whenTerminated().isCompleted()) continue;
        try {
          CompletionStage<ShardRegion.CurrentShardRegionState> state = AskPattern.ask(
              ClusterSharding.get(member.node.system()).shardState(),
              replyTo -> new GetShardRegionState(SessionEntity.TYPE_KEY, replyTo),
              Duration.ofSeconds(3), member.node.system().scheduler());
          for (ShardRegion.ShardState shard : state.toCompletableFuture().get().getShards()) {
            if (shard.getEntityIds().contains(sessionId)) {
              found[0] = member;
              return true;
            }
          }
        } catch (Exception e) {
          // this member did not answer; ask the next
        }
      }
      return false;
    });
    return found[0];
  }

  private static String onMember(String socketUrl, RunningNode member) {
    return socketUrl.replaceFirst("^ws://[^/]+", "ws://127.0.0.1:" + member.node.gatewayPort());
  }
}
