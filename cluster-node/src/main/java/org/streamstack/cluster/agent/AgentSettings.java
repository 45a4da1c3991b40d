package org.streamstack.cluster.agent;

import com.typesafe.config.Config;
import java.net.URI;
import java.time.Duration;
import org.streamstack.protocol.nats.Subjects;

/**
 * The {@code streamstack.agent} section, with the region from {@code streamstack.node.region}, read
 * and checked once: an agent without its AMS's token refuses to start.
 *
 * @param amsUrl base of the region's AMS REST API, without a trailing slash
 * @param requestTimeout longest wait for one AMS request, and for a gateway to answer create-session
 * @param sessionOwner the account owning sessions of instances created on AMS directly, when AMS names none
 */
public record AgentSettings(String region, String amsUrl, String amsToken, Duration heartbeatInterval,
    Duration requestTimeout, String sessionOwner) {

  public AgentSettings {
    Subjects.token(region);
    if (amsToken == null || amsToken.isBlank()) {
      throw new IllegalArgumentException("the agent of region " + region + " needs the token of its AMS:"
          + " set STREAMSTACK_AMS_TOKEN (streamstack.agent.ams-token)");
    }
    URI uri;
    try {
      uri = URI.create(amsUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("streamstack.agent.ams-url is not a URL: '" + amsUrl + "'");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("streamstack.agent.ams-url must be http(s)://host:port, not '" + amsUrl + "'");
    }
    amsUrl = amsUrl.replaceAll("/+$", "");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("streamstack.agent.heartbeat-interval must be positive");
    }
    if (sessionOwner == null || sessionOwner.isBlank()) {
      throw new IllegalArgumentException("streamstack.agent.session-owner must name an account");
    }
  }

  public static AgentSettings from(Config root) {
    Config agent = root.getConfig("streamstack.agent");
    return new AgentSettings(
        root.getString("streamstack.node.region"),
        agent.getString("ams-url"),
        agent.getString("ams-token"),
        agent.getDuration("heartbeat-interval"),
        agent.getDuration("request-timeout"),
        agent.getString("session-owner"));
  }
}
