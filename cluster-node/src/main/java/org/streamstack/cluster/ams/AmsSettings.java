package org.streamstack.cluster.ams;

import com.typesafe.config.Config;
import java.time.Duration;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Subjects;

/** The {@code streamstack.ams} section of the configuration (and the member's region), read once. */
public record AmsSettings(
    String iface,
    int port,
    String token,
    String region,
    Duration nodeTimeout,
    Duration requestTimeout,
    Duration askTimeout,
    Duration maxOperationWait,
    int maxBodyBytes,
    int operationsKept,
    Duration stoppedPassivation,
    Screen defaultScreen) {

  public AmsSettings {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the ams role needs an API token: set streamstack.ams.token"
          + " (environment STREAMSTACK_AMS_TOKEN); agents and the app/instance commands present it");
    }
    Subjects.token(region);
    if (nodeTimeout.isNegative() || nodeTimeout.isZero()) throw new IllegalArgumentException("streamstack.ams.node-timeout must be positive");
    if (operationsKept < 1) throw new IllegalArgumentException("streamstack.ams.operations-kept must be at least 1");
  }

  public static AmsSettings from(Config root) {
    Config c = root.getConfig("streamstack.ams");
    Config screen = c.getConfig("default-screen");
    return new AmsSettings(
        c.getString("interface"),
        c.getInt("port"),
        c.getString("token"),
        root.getString("streamstack.node.region"),
        c.getDuration("node-timeout"),
        c.getDuration("request-timeout"),
        c.getDuration("ask-timeout"),
        c.getDuration("max-operation-wait"),
        (int) c.getBytes("max-body-bytes").longValue(),
        c.getInt("operations-kept"),
        c.getDuration("stopped-passivation"),
        new Screen(screen.getInt("width"), screen.getInt("height"), screen.getInt("fps"), screen.getInt("density")));
  }

  /** How long a request that may wait for an agent or a node answers before giving up. */
  public Duration createTimeout() {
    return askTimeout.multipliedBy(2).plus(requestTimeout);
  }

  /** A duration as log lines and errors show it: "5 s", "2.5 s". */
  public static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
  }
}
