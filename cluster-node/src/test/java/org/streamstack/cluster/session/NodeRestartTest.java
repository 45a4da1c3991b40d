package org.streamstack.cluster.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.RunningNode;

/** A single member with an H2 file journal, stopped and started again. */
class NodeRestartTest {

  @TempDir Path dir;

  @Test
  void sessionsAndAccountsSurviveAFullRestart() {
    String journal = "h2:file:" + dir.resolve("journal");
    String token;
    JsonNode created;
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), "")) {
      token = node.createAccount("acme");
      created = node.createSession(token, Map.of("app", "demo", "joinable", true,
          "screen", Map.of("width", 1920, "height", 1080, "fps", 30), "extra_data", Map.of("level", 3)));
    }
    assertTrue(Files.exists(dir.resolve("journal.mv.db")), "the journal is a file on disk");

    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), "")) {
      String id = created.path("id").asText();
      ApiClient.Reply read = node.api.get("/1.0/sessions/" + id, token);
      assertEquals(200, read.status(), "the account's token and the session are both back: " + read.body());
      JsonNode session = read.json().path("metadata");
      for (String field : List.of("id", "status", "app", "region", "joinable", "screen", "extra_data", "created_at")) {
        assertEquals(created.path(field), session.path(field), field);
      }
      ApiClient.Reply listed = node.api.get("/1.0/sessions", token);
      assertEquals(List.of(id), ids(listed.json().path("metadata")));
      assertEquals(200, node.api.get("/1.0/sessions/" + id + "/connect", token).status());
    }
  }

  /**
   * Shares live in the session's journal: after a restart they are listed and joined with the
   * secret of their link, and their expiry timer still fires without anyone asking.
   */
  @Test
  void sharesSurviveARestart() throws Exception {
    String journal = "h2:file:" + dir.resolve("shares");
    String token;
    String sessionId;
    JsonNode share;
    JsonNode shortLived;
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), "")) {
      token = node.createAccount("acme");
      sessionId = node.createSession(token, Map.of("app", "demo")).path("id").asText();
      share = node.api.post("/1.0/sessions/" + sessionId + "/share",
          Map.of("type", "control", "description", "for Ann"), token).json().path("metadata");
      shortLived = node.api.post("/1.0/sessions/" + sessionId + "/share",
          Map.of("type", "view", "expiry_at", java.time.Instant.now().getEpochSecond() + 12), token).json().path("metadata");
      assertEquals(2, node.api.get("/1.0/shares", token).json().path("total_size").asInt());
    }
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), "")) {
      String id = share.path("id").asText();
      ApiClient.Reply read = node.api.get("/1.0/shares/" + id, token);
      assertEquals(200, read.status(), read.body());
      assertEquals("for Ann", read.json().path("metadata").path("description").asText());
      assertEquals(share.path("expiry_at").asLong(), read.json().path("metadata").path("expiry_at").asLong());
      String url = share.path("url").asText();
      String secret = url.substring(url.indexOf("&secret=") + 8);
      ApiClient.Reply joined = node.api.post("/1.0/shares/" + id + "/join", Map.of("secret", secret), null);
      assertEquals(200, joined.status(), joined.body());
      assertEquals(id + ".1", joined.json().path("metadata").path("peer").asText());
      String shortId = shortLived.path("id").asText();
      Await.until("the short share to expire by itself", Duration.ofSeconds(30), () -> eventsOf(
          "jdbc:h2:file:" + dir.resolve("shares").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE", sessionId)
          .stream().anyMatch(manifest -> manifest.endsWith("SessionEntity$ShareEnded")));
      assertEquals(404, node.api.get("/1.0/shares/" + shortId, token).status());
      assertEquals(List.of(id), ids(node.api.get("/1.0/shares", token).json().path("metadata")));
    }
  }

  /**
   * The grace timer of a joinable session nobody attends fires after a restart without anyone
   * asking for the session: the journal shows the termination written at the deadline.
   */
  @Test
  void graceTimerFiresAfterARestartWithoutAnyRequest() throws Exception {
    Path file = dir.resolve("grace");
    String journal = "h2:file:" + file;
    String settings = "streamstack.gateway.sessions.grace-period = 4s";
    String id;
    long createdAt;
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), settings)) {
      String token = node.createAccount("acme");
      createdAt = System.currentTimeMillis();
      id = node.createSession(token, Map.of("app", "demo", "joinable", true)).path("id").asText();
    }
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), settings)) {
      String url = "jdbc:h2:file:" + file.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
      Await.until("the session to terminate by itself", Duration.ofSeconds(20), () -> eventsOf(url, id)
          .stream().anyMatch(manifest -> manifest.endsWith("SessionEntity$Terminated")));
      long terminatedAt = writeTimeOfLastEvent(url, id);
      assertTrue(terminatedAt - createdAt >= 4000, "not before the grace period ended");
      assertTrue(terminatedAt - createdAt < 15000, "soon after the grace period ended, with no request");
    }
  }

  private static List<String> eventsOf(String url, String sessionId) {
    List<String> manifests = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(url, "", "");
        PreparedStatement query = db.prepareStatement(
            "select \"event_ser_manifest\" from \"event_journal\" where \"persistence_id\" = ? order by \"sequence_number\"")) {
      query.setString(1, "Session|" + sessionId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) manifests.add(rows.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return manifests;
  }

  private static long writeTimeOfLastEvent(String url, String sessionId) throws Exception {
    try (Connection db = DriverManager.getConnection(url, "", "");
        PreparedStatement query = db.prepareStatement(
            "select max(\"write_timestamp\") from \"event_journal\" where \"persistence_id\" = ?")) {
      query.setString(1, "Session|" + sessionId);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(node -> ids.add(node.asText()));
    return ids;
  }
}
