package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.StandInMediaNode;

/**
 * The scheduler against two stand-in media nodes of different sizes: each instance goes to the
 * node with the most free encoder slots (ties by name), slots come back when an instance stops,
 * and a full region answers 503.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceSchedulingTest {

  private static final Duration SOON = Duration.ofSeconds(10);

  private NatsServer nats;
  private RunningAms ams;
  private StandInMediaNode small;
  private StandInMediaNode large;

  @BeforeAll
  void start() {
    nats = NatsServer.start();
    ams = RunningAms.start(nats, "");
    small = StandInMediaNode.start(nats, ams.region, "node-a", 2);
    large = StandInMediaNode.start(nats, ams.region, "node-b", 3);
    ams.createApplication(Map.of("name", "single"));
    ams.createApplication(Map.of("name", "double", "resources", Map.of("encoder_slots", 2)));
    Await.until("both nodes are online", SOON, () -> ams.get("/1.0/nodes?recursion=1").json().path("metadata")
        .findValuesAsText("status").equals(List.of("online", "online")));
  }

  @AfterAll
  void stop() {
    if (small != null) small.close();
    if (large != null) large.close();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @Test
  void instancesGoWhereMostSlotsAreFreeUntilTheRegionIsFull() {
    // free: a 2, b 3
    String first = launch("single", "node-b");
    // a 2, b 2: a tie goes to the first name
    launch("single", "node-a");
    // a 1, b 2
    launch("single", "node-b");
    assertEquals(1, node("node-a").path("free_encoder_slots").asInt());
    assertEquals(1, node("node-b").path("free_encoder_slots").asInt());

    ApiClient.Reply twoSlots = ams.post("/1.0/instances", Map.of("app", "double"));
    assertEquals(503, twoSlots.status(), twoSlots.body());
    assertEquals("no media node in region " + ams.region + " has 2 free encoder slots", twoSlots.error());

    launch("single", "node-a");
    launch("single", "node-b");
    ApiClient.Reply full = ams.post("/1.0/instances", Map.of("app", "single"));
    assertEquals(503, full.status(), full.body());
    assertEquals("error", full.json().path("type").asText());
    assertEquals("no media node in region " + ams.region + " has a free encoder slot", full.error());
    JsonNode refused = ams.get("/1.0/instances?status=error&recursion=1").json().path("metadata");
    assertTrue(refused.findValuesAsText("status_message").contains(full.error()), refused.toString());

    // A stopped instance gives its slot back at once.
    ams.waitFor(ams.post("/1.0/instances/" + first + "/stop", null), 10);
    assertEquals(1, node("node-b").path("free_encoder_slots").asInt());
    launch("single", "node-b");
  }

  @Test
  void nodesShowTheirCapacityAndLoad() {
    JsonNode node = node("node-b");
    assertEquals("node-b", node.path("name").asText());
    assertEquals(ams.region, node.path("region").asText());
    assertEquals("127.0.0.1", node.path("address").asText());
    assertEquals("online", node.path("status").asText());
    assertEquals(3, node.path("capacity").path("encoder_slots").asInt());
    assertEquals(4, node.path("capacity").path("cpus").asInt());
    assertEquals("Stand-in GPU", node.path("capacity").path("gpus").path(0).path("model").asText());
    assertEquals(3, node.path("capacity").path("gpus").path(0).path("nvenc_sessions").asInt());
    assertEquals(0.25, node.path("load").path("cpu_load").asDouble());
    assertTrue(node.path("last_seen_at").asText().endsWith("Z"), node.toString());
    assertEquals(List.of("/1.0/nodes/node-a", "/1.0/nodes/node-b"), textList(ams.get("/1.0/nodes").json().path("metadata")));
    assertEquals(404, ams.get("/1.0/nodes/node-z").status());
  }

  private String launch(String app, String expectedNode) {
    ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", app));
    assertEquals(202, created.status(), created.body());
    String id = RunningAms.instanceIdOf(created);
    assertEquals("Success", ams.waitFor(created, 10).path("status").asText());
    assertEquals(expectedNode, ams.instance(id).path("node").asText());
    return id;
  }

  private JsonNode node(String name) {
    return ams.get("/1.0/nodes/" + name).json().path("metadata");
  }

  private static List<String> textList(JsonNode array) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) items.add(item.asText());
    return items;
  }
}
