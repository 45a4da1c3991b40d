package org.streamstack.cluster.gateway.ice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.streamstack.protocol.gateway.StunServer;
import org.streamstack.protocol.turn.TurnRestCredentials;

/**
 * The {@code stun_servers} of a session: the STUN URLs, and the TURN URLs with credentials of the
 * TURN REST scheme ({@link TurnRestCredentials}) named after the session.
 */
public final class IceServers {

  private final List<String> stunUrls;
  private final List<String> turnUrls;
  private final String sharedSecret;
  private final Duration credentialTtl;

  public IceServers(List<String> stunUrls, List<String> turnUrls, String sharedSecret, Duration credentialTtl) {
    this.stunUrls = List.copyOf(stunUrls);
    this.turnUrls = List.copyOf(turnUrls);
    this.sharedSecret = sharedSecret;
    this.credentialTtl = credentialTtl;
  }

  public List<StunServer> forSession(String sessionId, Instant now) {
    List<StunServer> servers = new ArrayList<>(2);
    if (!stunUrls.isEmpty()) servers.add(new StunServer(stunUrls, null, null));
    if (!turnUrls.isEmpty() && !sharedSecret.isEmpty()) {
      TurnRestCredentials credentials = TurnRestCredentials.issue(sharedSecret, sessionId, now, credentialTtl);
      servers.add(new StunServer(turnUrls, credentials.username(), credentials.password()));
    }
    return servers;
  }

}
