package org.streamstack.cluster.gateway;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import org.streamstack.cluster.gateway.ice.IceServers;
import org.streamstack.cluster.gateway.regions.RoutingSettings;
import org.streamstack.protocol.gateway.Screen;

/** The {@code streamstack.gateway} section of the configuration, read once. */
public record GatewaySettings(
    String iface,
    int port,
    String publicUrl,
    int adminPort,
    int maxBodyBytes,
    double accountRateLimit,
    int accountRateBurst,
    List<String> corsAllowedOrigins,
    Duration tokenCacheTtl,
    List<String> regions,
    List<String> applications,
    Screen defaultScreen,
    Sessions sessions,
    Signaling signaling,
    IceServers iceServers,
    InstanceLaunch instanceLaunch,
    Agents agents,
    Shares shares,
    RoutingSettings routing) {

  /** How sessions get their instances (reference.conf, {@code instance-launch}). */
  public enum InstanceLaunch {
    /** The region's agent starts one through AMS; regions and applications are what agents report. */
    AGENTS,
    /** An operator connects each instance; regions and applications come from the configuration. */
    MANUAL;

    static InstanceLaunch parse(String value) {
      return switch (value) {
        case "agents" -> AGENTS;
        case "manual" -> MANUAL;
        default -> throw new IllegalArgumentException(
            "streamstack.gateway.instance-launch must be agents or manual, not '" + value + "'");
      };
    }
  }

  /** The gateway's side of the agents: when a region is unavailable, forgotten, and how long a start may take. */
  public record Agents(Duration agentTimeout, Duration regionForgetAfter, Duration requestTimeout) {}

  /**
   * Shares of sessions (issue 6): peers one view share may have at once, shares one session may
   * have, and how fast one share may be joined (per node).
   */
  public record Shares(int maxPeersPerShare, int maxPerSession, double joinsPerMinute, int joinBurst) {}

  public record Sessions(
      Duration gracePeriod,
      Duration clientCredentialTtl,
      Duration terminatedPassivation,
      int indexBuckets,
      Duration askTimeout) {}

  public record Signaling(
      int maxFrameBytes,
      double rateLimit,
      int rateBurst,
      int maxPendingFrames,
      long maxPendingBytes,
      Duration pendingTtl,
      Duration reattachInterval) {}

  public static GatewaySettings from(Config root) {
    Config c = root.getConfig("streamstack.gateway");
    Config s = c.getConfig("sessions");
    Config sig = c.getConfig("signaling");
    Config ice = c.getConfig("ice");
    Config screen = c.getConfig("default-screen");
    return new GatewaySettings(
        c.getString("interface"),
        c.getInt("port"),
        c.getString("public-url").replaceAll("/+$", ""),
        c.getInt("admin-port"),
        (int) c.getBytes("max-body-bytes").longValue(),
        c.getDouble("account-rate-limit"),
        c.getInt("account-rate-burst"),
        c.getStringList("cors-allowed-origins"),
        c.getDuration("token-cache-ttl"),
        c.getStringList("regions"),
        c.getStringList("applications"),
        new Screen(screen.getInt("width"), screen.getInt("height"), screen.getInt("fps"), screen.getInt("density")),
        new Sessions(
            s.getDuration("grace-period"),
            s.getDuration("client-credential-ttl"),
            s.getDuration("terminated-passivation"),
            s.getInt("index-buckets"),
            s.getDuration("ask-timeout")),
        new Signaling(
            (int) sig.getBytes("max-frame-bytes").longValue(),
            sig.getDouble("rate-limit"),
            sig.getInt("rate-burst"),
            sig.getInt("max-pending-frames"),
            sig.getBytes("max-pending-bytes"),
            sig.getDuration("pending-ttl"),
            sig.getDuration("reattach-interval")),
        new IceServers(
            ice.getStringList("stun-urls"),
            ice.getStringList("turn-urls"),
            ice.getString("turn-shared-secret"),
            ice.getDuration("turn-credential-ttl")),
        InstanceLaunch.parse(c.getString("instance-launch")),
        new Agents(c.getDuration("agent-timeout"), c.getDuration("region-forget-after"),
            c.getDuration("agent-request-timeout")),
        new Shares(c.getInt("shares.max-peers-per-share"), c.getInt("shares.max-per-session"),
            c.getDouble("shares.joins-per-minute"), c.getInt("shares.join-burst")),
        RoutingSettings.from(c.getConfig("routing")));
  }
}
