package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.StandInMediaNode;

/**
 * An AMS member stopped and started again on its file journal: applications, instances and their
 * operations are back, and the new node registry learns from the instances themselves
 * (remember-entities) which slots they hold, before anybody asks.
 */
class AmsRestartTest {

  @TempDir Path dir;

  @Test
  void instancesAndTheirReservationsSurviveARestart() {
    String journal = "h2:file:" + dir.resolve("journal");
    String token = "ams-" + UUID.randomUUID();
    try (NatsServer nats = NatsServer.start()) {
      String running;
      String stopped;
      String operation;
      try (RunningAms ams = RunningAms.start(nats, journal, token, "");
          StandInMediaNode node = StandInMediaNode.start(nats, ams.region, "node-1", 4)) {
        ams.createApplication(Map.of("name", "demo", "resources", Map.of("encoder_slots", 2)));
        Await.until("the node is online", Duration.ofSeconds(10), () -> free(ams) == 4);
        ApiClient.Reply created = ams.post("/1.0/instances", Map.of("app", "demo"));
        running = RunningAms.instanceIdOf(created);
        operation = created.json().path("operation").asText();
        ams.waitFor(created, 10);
        ApiClient.Reply other = ams.post("/1.0/instances", Map.of("app", "demo"));
        stopped = RunningAms.instanceIdOf(other);
        ams.waitFor(other, 10);
        ams.waitFor(ams.post("/1.0/instances/" + stopped + "/stop", null), 10);
        assertEquals(2, free(ams));
      }

      try (RunningAms ams = RunningAms.start(nats, journal, token, "");
          StandInMediaNode node = StandInMediaNode.start(nats, ams.region, "node-1", 4)) {
        // Only the running instance holds slots; nobody has asked AMS for anything yet.
        Await.until("the reservation is back", Duration.ofSeconds(10), () -> free(ams) == 2);
        assertEquals(1, ams.get("/1.0/applications").json().path("metadata").size());
        assertEquals("running", ams.status(running));
        assertEquals("stopped", ams.status(stopped));
        JsonNode create = ams.get(operation).json().path("metadata");
        assertEquals("Success", create.path("status").asText(), create.toString());

        ApiClient.Reply deleted = ams.api.delete("/1.0/instances/" + running, ams.token);
        assertEquals("Success", ams.waitFor(deleted, 10).path("status").asText());
        assertTrue(node.stopped(running), "the stop reached the node");
        assertEquals(4, free(ams));
      }
    }
  }

  private static int free(RunningAms ams) {
    JsonNode node = ams.get("/1.0/nodes/node-1").json().path("metadata");
    return node.path("status").asText().equals("online") ? node.path("free_encoder_slots").asInt() : -1;
  }
}
