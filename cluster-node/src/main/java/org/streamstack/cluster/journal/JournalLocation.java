package org.streamstack.cluster.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the event journal lives, from {@code --journal}: {@code h2:mem[:NAME]} (gone when the
 * process ends), {@code h2:file:PATH} (embedded, on disk), or a {@code jdbc:postgresql://} URL.
 */
public record JournalLocation(String profile, String driver, String url) {

  public static JournalLocation parse(String location) {
    if (location.equals("h2:mem") || location.startsWith("h2:mem:")) {
      String name = location.equals("h2:mem") ? "streamstack" : location.substring("h2:mem:".length());
      return new JournalLocation("slick.jdbc.H2Profile$", "org.h2.Driver",
          "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    }
    if (location.startsWith("h2:file:")) {
      Path path = Path.of(location.substring("h2:file:".length())).toAbsolutePath();
      return new JournalLocation("slick.jdbc.H2Profile$", "org.h2.Driver",
          "jdbc:h2:file:" + path + ";DB_CLOSE_ON_EXIT=FALSE");
    }
    if (location.startsWith("jdbc:postgresql:")) {
      return new JournalLocation("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", location);
    }
    throw new IllegalArgumentException(
        "--journal must be h2:mem, h2:file:PATH or jdbc:postgresql://HOST:PORT/DB, not '" + location + "'");
  }

  public boolean inMemory() {
    return url.startsWith("jdbc:h2:mem:");
  }

  /** The persistence-jdbc settings that point the journal and snapshot store at this location. */
  public Config toConfig(String user, String password) {
    Map<String, Object> values = new HashMap<>();
    String prefix = "pekko-persistence-jdbc.shared-databases.slick.";
    values.put(prefix + "profile", profile);
    values.put(prefix + "db.driver", driver);
    values.put(prefix + "db.url", url);
    values.put(prefix + "db.user", user);
    values.put(prefix + "db.password", password);
    return ConfigFactory.parseMap(values).withFallback(ConfigFactory.empty()
        .withValue("streamstack.journal.url", ConfigValueFactory.fromAnyRef(url)));
  }
}
