package org.streamstack.cluster.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.Postgres;
import org.streamstack.cluster.testing.RunningNode;

/**
 * The journal on a real PostgreSQL: members create its tables at start into an empty database,
 * several at once as the pods of a Deployment do, and again into a database that has them; what
 * they write is read back after a restart.
 */
class PostgresJournalTest {

  private static Postgres postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = Postgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) postgres.close();
  }

  @Test
  void membersStartingTogetherCreateTheSchemaInAnEmptyDatabaseAndSessionsSurviveARestart() throws Exception {
    assertEquals(List.of(), tables(), "the database starts empty");
    int seedPort = FreePorts.next();
    String seed = "127.0.0.1:" + seedPort;
    List<RunningNode> members = new ArrayList<>();
    ExecutorService starting = Executors.newFixedThreadPool(3);
    try {
      // Three members starting at the same moment each run the schema script against one database.
      List<Future<RunningNode>> started = new ArrayList<>();
      started.add(starting.submit(() -> RunningNode.start(postgres.jdbcUrl(), List.of(), seedPort, postgres.journalSettings())));
      for (int i = 0; i < 2; i++) {
        started.add(starting.submit(() -> RunningNode.start(postgres.jdbcUrl(), List.of(seed), FreePorts.next(),
            postgres.journalSettings())));
      }
      for (Future<RunningNode> member : started) members.add(member.get());
    } finally {
      starting.shutdown();
      for (RunningNode member : members) member.close();
    }
    assertTrue(tables().containsAll(List.of("event_journal", "event_tag", "snapshot", "durable_state")), tables().toString());

    String token;
    JsonNode created;
    try (RunningNode node = RunningNode.start(postgres.jdbcUrl(), List.of(), FreePorts.next(), postgres.journalSettings())) {
      token = node.createAccount("acme");
      created = node.createSession(token, Map.of("app", "demo", "joinable", true));
    }
    try (RunningNode node = RunningNode.start(postgres.jdbcUrl(), List.of(), FreePorts.next(), postgres.journalSettings())) {
      ApiClient.Reply read = node.api.get("/1.0/sessions/" + created.path("id").asText(), token);
      assertEquals(200, read.status(), "the account and the session are back from PostgreSQL: " + read.body());
      assertEquals(created.path("created_at"), read.json().path("metadata").path("created_at"));
    }
    try (Connection db = postgres.connect(); Statement query = db.createStatement();
        ResultSet rows = query.executeQuery("select count(*) from event_journal where persistence_id = 'Session|"
            + created.path("id").asText() + "'")) {
      rows.next();
      assertTrue(rows.getInt(1) >= 1, "the session's events are rows of PostgreSQL's event_journal");
    }
  }

  /**
   * PostgreSQL 15 lets only a database's owner create tables in its schema public. A member whose
   * journal user may not does not start half-working: it says what is missing and what to grant.
   */
  @Test
  void aJournalUserThatMayNotCreateTheTablesStopsTheStartWithWhatToGrant() throws Exception {
    try (Connection db = postgres.connect(); Statement admin = db.createStatement()) {
      admin.execute("CREATE ROLE visitor LOGIN");
    }
    String journal = postgres.createDatabase("visited");
    String asVisitor = "streamstack.journal.user = visitor\nstreamstack.journal.password = \"\"\n";
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> RunningNode.start(journal, List.of(), FreePorts.next(), asVisitor).close());
    assertTrue(refused.getMessage().contains("event_journal"), refused.getMessage());
    assertTrue(refused.getMessage().contains("GRANT CREATE ON SCHEMA public TO visitor"), refused.getMessage());

    try (Connection db = java.sql.DriverManager.getConnection(journal, Postgres.USER, "");
        Statement owner = db.createStatement()) {
      owner.execute("GRANT CREATE ON SCHEMA public TO visitor");
    }
    try (RunningNode node = RunningNode.start(journal, List.of(), FreePorts.next(), asVisitor)) {
      String token = node.createAccount("granted");
      assertEquals(201, node.api.post("/1.0/sessions", Map.of("app", "demo"), token).status());
    }
  }

  private static List<String> tables() throws SQLException {
    try (Connection db = postgres.connect(); Statement query = db.createStatement();
        ResultSet rows = query.executeQuery("select tablename from pg_tables where schemaname = 'public'")) {
      TreeSet<String> names = new TreeSet<>();
      while (rows.next()) names.add(rows.getString(1));
      return List.copyOf(names);
    }
  }
}
