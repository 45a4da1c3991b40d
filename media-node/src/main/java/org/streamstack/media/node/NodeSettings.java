package org.streamstack.media.node;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import org.streamstack.protocol.nats.NatsSettings;
import org.streamstack.protocol.nats.Subjects;

/**
 * The {@code streamstack.media.node} section: how this node joins the bus, read once at startup.
 *
 * @param natsUrl empty: no bus (a node run by hand with {@code --instance-socket}, or by tests)
 * @param id this node's name on the bus; empty: the host name and the UDP port
 * @param encoderSlots concurrent streams this node takes; 0: worked out from its GPUs and CPUs
 * @param drainTimeout how long stopping waits for the instances before closing the bus connection
 * @param vaapiSessionsPerDevice streams one VA-API render node is counted for
 */
public record NodeSettings(String natsUrl, String natsToken, String natsUser, String natsPassword, String region,
    String id, Duration heartbeatInterval, int encoderSlots, int encoderSlotsPerCpu, int nvencSessionsPerGpu,
    Duration drainTimeout, int vaapiSessionsPerDevice) {

  public static final String PATH = "streamstack.media.node";

  public NodeSettings {
    checkToken("region", region);
    if (!id.isEmpty()) checkToken("id", id);
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException(PATH + ".heartbeat-interval must be positive");
    }
    if (encoderSlots < 0) throw new IllegalArgumentException(PATH + ".encoder-slots must be 0 (auto) or more");
    if (encoderSlotsPerCpu < 0 || nvencSessionsPerGpu < 0 || vaapiSessionsPerDevice < 0) {
      throw new IllegalArgumentException(PATH + ".encoder-slots-per-cpu, nvenc-sessions-per-gpu and"
          + " vaapi-sessions-per-device cannot be negative");
    }
  }

  private static void checkToken(String key, String value) {
    try {
      Subjects.token(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PATH + "." + key + ": " + e.getMessage(), e);
    }
  }

  public static NodeSettings from(Config root) {
    Config c = root.getConfig(PATH);
    return new NodeSettings(c.getString("nats-url").trim(), c.getString("nats-token"), c.getString("nats-user"),
        c.getString("nats-password"), c.getString("region"), c.getString("id").trim(), c.getDuration("heartbeat-interval"),
        c.getInt("encoder-slots"), c.getInt("encoder-slots-per-cpu"), c.getInt("nvenc-sessions-per-gpu"),
        c.getDuration("drain-timeout"), c.getInt("vaapi-sessions-per-device"));
  }

  /** Whether this node joins the bus. */
  public boolean natsEnabled() {
    return !natsUrl.isEmpty();
  }

  public NatsSettings nats(String nodeId) {
    return new NatsSettings(natsUrl, natsToken, natsUser, natsPassword, "media-node " + nodeId);
  }

  /** The configured id, else this host's name (its first label, as a subject token) and the UDP port. */
  public String nodeId(int udpPort) {
    if (!id.isEmpty()) return id;
    return hostToken(hostName()) + "-" + udpPort;
  }

  static String hostToken(String hostName) {
    String shortName = hostName.split("\\.", 2)[0];
    String token = shortName.replaceAll("[^A-Za-z0-9_-]", "-").toLowerCase(Locale.ROOT);
    return token.isEmpty() ? "media-node" : token;
  }

  private static String hostName() {
    String fromEnvironment = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return fromEnvironment == null ? "media-node" : fromEnvironment;
    }
  }
}
