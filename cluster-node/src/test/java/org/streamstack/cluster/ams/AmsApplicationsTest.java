package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;

/**
 * The management API's applications, envelopes and refusals, against a real member with the role
 * ams (and a real nats-server, which the role needs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmsApplicationsTest {

  private NatsServer nats;
  private RunningAms ams;

  @BeforeAll
  void start() {
    nats = NatsServer.start();
    ams = RunningAms.start(nats, "");
  }

  @AfterAll
  void stop() {
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  @Test
  void serviceInfoNeedsNoToken() {
    ApiClient.Reply reply = ams.api.get("/1.0", null);
    assertEquals(200, reply.status(), reply.body());
    JsonNode body = reply.json();
    assertEquals("sync", body.path("type").asText());
    assertEquals("Success", body.path("status").asText());
    assertEquals(200, body.path("status_code").asInt());
    assertEquals("1.0", body.path("metadata").path("api_version").asText());
    assertEquals(ams.region, body.path("metadata").path("region").asText());
  }

  @Test
  void everythingElseNeedsTheAmsToken() {
    for (String token : new String[] {null, "not-the-token", ams.token + "x"}) {
      ApiClient.Reply reply = ams.api.get("/1.0/applications", token);
      assertEquals(401, reply.status(), reply.body());
      JsonNode body = reply.json();
      assertEquals("error", body.path("type").asText());
      assertEquals(401, body.path("error_code").asInt());
      assertTrue(body.path("metadata").isNull());
      assertFalse(body.path("error").asText().isEmpty());
    }
    ApiClient.Reply basic = ams.api.send(ams.api.request("/1.0/instances", null)
        .header("Authorization", "Basic " + ams.token).GET().build());
    assertEquals(401, basic.status(), basic.body());
  }

  @Test
  void anApplicationIsCreatedShownAndListed() {
    ApiClient.Reply created = ams.post("/1.0/applications", Map.of(
        "name", "painter",
        "source", Map.of("type", "x11", "command", List.of("/usr/bin/xpaint", "-size", "800x600"),
            "working_directory", "/tmp", "environment", Map.of("LANG", "C.UTF-8")),
        "resources", Map.of("cpus", 2, "memory", "2GB", "encoder_slots", 2),
        "video_codecs", List.of("VP8"),
        "video_encoder", "cpu"));
    assertEquals(201, created.status(), created.body());
    assertEquals("sync", created.json().path("type").asText());
    assertEquals(200, created.json().path("status_code").asInt());
    JsonNode application = created.json().path("metadata");
    assertEquals("painter", application.path("name").asText());
    assertEquals(0, application.path("latest_version").asInt());
    JsonNode version = application.path("versions").path(0);
    assertEquals("x11", version.path("source").path("type").asText());
    assertEquals("-size", version.path("source").path("command").path(1).asText());
    assertEquals("/tmp", version.path("source").path("working_directory").asText());
    assertEquals("C.UTF-8", version.path("source").path("environment").path("LANG").asText());
    assertEquals(2, version.path("resources").path("cpus").asInt());
    assertEquals(2_000_000_000L, version.path("resources").path("memory").asLong());
    assertEquals(2, version.path("resources").path("encoder_slots").asInt());
    assertEquals(List.of("vp8"), strings(version.path("video_codecs")));
    assertEquals("cpu", version.path("video_encoder").asText());

    ApiClient.Reply shown = ams.get("/1.0/applications/painter");
    assertEquals(200, shown.status(), shown.body());
    assertEquals(application, shown.json().path("metadata"));

    ApiClient.Reply urls = ams.get("/1.0/applications");
    assertTrue(strings(urls.json().path("metadata")).contains("/1.0/applications/painter"), urls.body());
    ApiClient.Reply objects = ams.get("/1.0/applications?recursion=1");
    boolean listed = false;
    for (JsonNode item : objects.json().path("metadata")) {
      if (item.path("name").asText().equals("painter")) {
        listed = true;
        assertEquals(application, item);
      }
    }
    assertTrue(listed, objects.body());
  }

  @Test
  void aMinimalApplicationTakesTheDefaults() {
    JsonNode application = ams.createApplication(Map.of("name", "minimal"));
    JsonNode version = application.path("versions").path(0);
    assertEquals("synthetic", version.path("source").path("type").asText());
    assertTrue(version.path("source").path("command").isMissingNode());
    assertEquals(List.of("h264", "vp8"), strings(version.path("video_codecs")));
    assertEquals("auto", version.path("video_encoder").asText());
    assertEquals(1, version.path("resources").path("encoder_slots").asInt());
    assertTrue(version.path("resources").path("memory").isNull());
  }

  @Test
  void anUpdateAddsAVersionAndKeepsTheOldOnes() {
    ams.createApplication(Map.of("name", "versioned", "video_codecs", List.of("h264"),
        "resources", Map.of("encoder_slots", 3)));
    ApiClient.Reply patched = ams.send("PATCH", "/1.0/applications/versioned", Map.of("video_encoder", "gpu"));
    assertEquals(200, patched.status(), patched.body());
    JsonNode application = patched.json().path("metadata");
    assertEquals(1, application.path("latest_version").asInt());
    JsonNode first = application.path("versions").path(0);
    JsonNode second = application.path("versions").path(1);
    assertEquals("auto", first.path("video_encoder").asText());
    assertEquals("gpu", second.path("video_encoder").asText());
    // What the update did not name is carried over from the latest version.
    assertEquals(List.of("h264"), strings(second.path("video_codecs")));
    assertEquals(3, second.path("resources").path("encoder_slots").asInt());

    ApiClient.Reply again = ams.send("PATCH", "/1.0/applications/versioned", Map.of("video_encoder", "gpu"));
    assertEquals(1, again.json().path("metadata").path("latest_version").asInt(), "a PATCH that changes nothing makes no version");

    ApiClient.Reply third = ams.send("PATCH", "/1.0/applications/versioned",
        Map.of("source", Map.of("type", "x11", "command", List.of("xterm"))));
    assertEquals(2, third.json().path("metadata").path("latest_version").asInt(), third.body());
    assertEquals("synthetic", third.json().path("metadata").path("versions").path(1).path("source").path("type").asText());

    ApiClient.Reply rename = ams.send("PATCH", "/1.0/applications/versioned", Map.of("name", "renamed"));
    assertEquals(400, rename.status(), rename.body());
    assertTrue(rename.error().contains("'name'"), rename.body());
    assertEquals(404, ams.send("PATCH", "/1.0/applications/no-such-app", Map.of("video_encoder", "cpu")).status());
  }

  @Test
  void badApplicationsAreRefusedNamingTheField() {
    ams.createApplication(Map.of("name", "taken"));
    record Case(String body, int status, String mentions) {}
    List<Case> cases = List.of(
        new Case("{\"name\":\"Bad_Name\"}", 400, "'name'"),
        new Case("{\"source\":{\"type\":\"synthetic\"}}", 400, "'name' is required"),
        new Case("{\"name\":\"taken\"}", 409, "exists already"),
        new Case("{\"name\":\"a1\",\"source\":{\"type\":\"wayland\"}}", 400, "'source.type'"),
        new Case("{\"name\":\"a2\",\"source\":{\"type\":\"x11\"}}", 400, "'source.command'"),
        new Case("{\"name\":\"a3\",\"source\":{\"type\":\"synthetic\",\"command\":[\"x\"]}}", 400, "'source.command'"),
        new Case("{\"name\":\"a4\",\"video_codecs\":[\"av1\"]}", 400, "'video_codecs[0]'"),
        new Case("{\"name\":\"a5\",\"video_codecs\":[]}", 400, "'video_codecs'"),
        new Case("{\"name\":\"a6\",\"video_encoder\":\"fast\"}", 400, "'video_encoder'"),
        new Case("{\"name\":\"a7\",\"resources\":{\"encoder_slots\":0}}", 400, "'resources.encoder_slots'"),
        new Case("{\"name\":\"a8\",\"resources\":{\"memory\":\"lots\"}}", 400, "'resources.memory'"),
        new Case("{\"name\":\"a9\",\"resources\":{\"cpus\":\"two\"}}", 400, "field 'resources.cpus' must be an integer"),
        new Case("{\"name\":5}", 400, "field 'name' must be a string"),
        new Case("{\"name\":\"b1\",\"source\":{\"type\":\"x11\",\"command\":[\"xterm\"],\"environment\":{\"X\":1}}}", 400,
            "'source.environment.X'"),
        new Case("{\"name\":", 400, "malformed JSON"),
        new Case("[]", 400, "JSON object"),
        new Case("", 400, "empty"));
    for (Case bad : cases) {
      ApiClient.Reply reply = ams.api.postRaw("/1.0/applications", bad.body(), ams.token);
      assertEquals(bad.status(), reply.status(), bad.body() + " → " + reply.body());
      assertEquals("error", reply.json().path("type").asText());
      assertEquals(bad.status(), reply.json().path("error_code").asInt());
      assertTrue(reply.error().contains(bad.mentions()), bad.body() + " → " + reply.error());
    }
    List<String> names = strings(ams.get("/1.0/applications").json().path("metadata"));
    for (String refused : List.of("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b1")) {
      assertFalse(names.contains("/1.0/applications/" + refused), refused + " was created anyway: " + names);
    }
  }

  @Test
  void unknownPathsWrongMethodsAndLargeBodies() {
    assertEquals(404, ams.get("/1.0/applications/no-such-app").status());
    assertEquals(404, ams.get("/1.0/nothing-here").status());
    assertEquals(404, ams.get("/2.0/applications").status());
    assertEquals(404, ams.get("/1.0/instances/not-an-instance-id").status());
    assertEquals(404, ams.get("/1.0/operations/nonsense").status());
    ApiClient.Reply put = ams.send("PUT", "/1.0/applications", "{}");
    assertEquals(405, put.status(), put.body());
    assertEquals("error", put.json().path("type").asText());
    assertEquals(405, ams.send("POST", "/1.0/nodes", "{}").status());
    // A trailing slash is the same path.
    assertEquals(200, ams.get("/1.0/applications/").status());

    String large = "{\"name\":\"big\",\"source\":{\"type\":\"x11\",\"command\":[\"" + "x".repeat(70_000) + "\"]}}";
    ApiClient.Reply tooLarge = ams.api.postRaw("/1.0/applications", large, ams.token);
    assertEquals(413, tooLarge.status(), tooLarge.body());
  }

  @Test
  void anApplicationIsDeleted() {
    ams.createApplication(Map.of("name", "doomed"));
    ApiClient.Reply deleted = ams.api.delete("/1.0/applications/doomed", ams.token);
    assertEquals(200, deleted.status(), deleted.body());
    assertEquals(404, ams.get("/1.0/applications/doomed").status());
    assertEquals(404, ams.api.delete("/1.0/applications/doomed", ams.token).status());
    // The name is free again, and starts from version 0.
    assertEquals(0, ams.createApplication(Map.of("name", "doomed")).path("latest_version").asInt());
  }

  @Test
  void aMemberWithTheRoleAmsRefusesToStartWithoutAToken() {
    NodeOptions options = NodeOptions.defaults()
        .roles(List.of("ams"))
        .arteryHost("127.0.0.1")
        .arteryPort(FreePorts.next())
        .journal("h2:mem:" + UUID.randomUUID())
        .with(RunningAms.TEST_SETTINGS)
        .with(nats.clusterNodeSettings())
        .with("streamstack.ams.token = \"\"");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ClusterNode.start(options).close());
    assertTrue(refused.getMessage().contains("STREAMSTACK_AMS_TOKEN"), refused.getMessage());
  }

  private static List<String> strings(JsonNode array) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) items.add(item.asText());
    return items;
  }
}
