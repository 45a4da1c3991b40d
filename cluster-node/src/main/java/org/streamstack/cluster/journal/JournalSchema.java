package org.streamstack.cluster.journal;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * The journal's tables, created at start when they are missing (pekko-persistence-jdbc's script
 * for the database, {@code CREATE TABLE IF NOT EXISTS}), then checked.
 *
 * <p>The check is needed because the script's runner drops every failing statement silently: a
 * user without the right to create tables (PostgreSQL 15 grants CREATE on schema {@code public}
 * only to the database's owner) would otherwise start a member whose every write fails. Members
 * starting together race on the same script; a statement that loses (the table appeared
 * meanwhile) fails harmlessly, and the check sees the winner's tables.
 */
public final class JournalSchema {

  /** The tables the journal and the snapshot store write to. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");

  private JournalSchema() {}

  /** Creates the missing tables and checks that all are there; throws, saying what to do, when not. */
  public static void ensure(ActorSystem<?> system, Duration timeout) throws Exception {
    try {
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // Most likely the database cannot be reached: the check says so in plain words.
      check(system.settings().config());
      throw e;
    }
    check(system.settings().config());
  }

  static void check(Config config) {
    Config db = config.getConfig("pekko-persistence-jdbc.shared-databases.slick.db");
    String url = db.getString("url");
    String user = db.getString("user");
    try (Connection connection = DriverManager.getConnection(url, user, db.getString("password"));
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try {
          // Quoted: H2's script creates lower-case quoted names, PostgreSQL folds unquoted ones to lower case.
          statement.executeQuery("SELECT 1 FROM \"" + table + "\" WHERE 1 = 0").close();
        } catch (SQLException e) {
          throw new IllegalStateException("the journal's table " + table + " is missing in " + url
              + " and could not be created as user '" + user + "' (" + e.getMessage().strip() + "). The user needs"
              + " the right to create tables in the database's schema public: make it the database's owner"
              + " (CREATE DATABASE ... OWNER " + user + ") or GRANT CREATE ON SCHEMA public TO " + user
              + "; or create the tables beforehand with pekko-persistence-jdbc's schema/postgres/postgres-create-schema.sql", e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the journal at " + url + " as user '" + user + "' ("
          + e.getMessage().strip() + "); check --journal, STREAMSTACK_JOURNAL_USER and STREAMSTACK_JOURNAL_PASSWORD", e);
    }
  }
}
