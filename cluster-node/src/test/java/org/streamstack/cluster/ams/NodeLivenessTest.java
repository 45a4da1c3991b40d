package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.StandInMediaNode;

/**
 * A media node that stops beating goes offline and takes its instances to error; a nats-server
 * restart, which silences every node at once, does not. The restart runs first, while the node is
 * alive; then the node falls silent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLivenessTest {

  private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);

  private NatsServer nats;
  private RunningAms ams;
  private StandInMediaNode node;
  private String instanceId;

  @BeforeAll
  void start() {
    nats = NatsServer.start();
    ams = RunningAms.start(nats, "streamstack.ams.node-timeout = " + NODE_TIMEOUT.toMillis() + "ms");
    node = StandInMediaNode.start(nats, ams.region, "node-1", 4);
    ams.createApplication(Map.of("name", "demo"));
    Await.until("the node is online", Duration.ofSeconds(10), () -> nodeStatus().equals("online"));
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
    instanceId = RunningAms.instanceIdOf(created);
    assertEquals("Success", ams.waitFor(created, 10).path("status").asText());
  }

  @AfterAll
  void stop() {
    if (node != null) node.close();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @Test
  @Order(1)
  void aNatsServerRestartDoesNotTakeNodesOffline() throws InterruptedException {
    nats.stop();
    // The outage must outlast the node timeout: that is the point of the test.
    Thread.sleep(NODE_TIMEOUT.toMillis() + 1000);
    Instant restarted = Instant.now();
    nats.restart();
    Await.until("the node is heard from again", Duration.ofSeconds(10), () ->
        Instant.parse(ams.get("/1.0/nodes/node-1").json().path("metadata").path("last_seen_at").asText()).isAfter(restarted));
    // Longer than a timeout after the restart: nobody was timed out meanwhile.
    long until = System.nanoTime() + NODE_TIMEOUT.plusSeconds(1).toNanos();
    while (System.nanoTime() < until) {
      assertEquals("online", nodeStatus());
      assertEquals("running", ams.status(instanceId));
      Thread.sleep(100);
    }
  }

  @Test
  @Order(2)
  void aNodeThatStopsBeatingTakesItsInstancesToError() {
    long silentSince = System.nanoTime();
    node.pauseHeartbeats();
    Await.until("the instance is in error", NODE_TIMEOUT.plusSeconds(5), () -> ams.status(instanceId).equals("error"));
    long tookMillis = (System.nanoTime() - silentSince) / 1_000_000;
    assertTrue(tookMillis <= NODE_TIMEOUT.plusSeconds(1).toMillis(), "error after " + tookMillis + " ms");
    assertEquals("media node node-1 stopped responding (no heartbeat for 2 s)",
        ams.instance(instanceId).path("status_message").asText());
    assertEquals("offline", nodeStatus());
    assertEquals(0, ams.get("/1.0/nodes/node-1").json().path("metadata").path("free_encoder_slots").asInt());
    ApiClient.Reply nowhere = ams.post("/1.0/instances", Map.of("app", "demo"));
    assertEquals(503, nowhere.status(), nowhere.body());

    assertTrue(node.running().contains(instanceId), "the stand-in node still runs it");
    node.resumeHeartbeats();
    Await.until("the node is back online", Duration.ofSeconds(5), () -> nodeStatus().equals("online"));
    Await.until("the node is told to stop what was given up", Duration.ofSeconds(5), () -> node.stopped(instanceId));
    assertEquals("error", ams.status(instanceId), "what went to error stays there");
    ApiClient.Reply again = ams.post("/1.0/instances", Map.of("app", "demo"));
    assertEquals("Success", ams.waitFor(again, 10).path("status").asText());
  }

  private String nodeStatus() {
    return ams.get("/1.0/nodes/node-1").json().path("metadata").path("status").asText();
  }
}
