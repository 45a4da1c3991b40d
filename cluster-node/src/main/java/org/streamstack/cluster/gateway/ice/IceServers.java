package org.streamstack.cluster.gateway.ice;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.streamstack.protocol.gateway.StunServer;

/**
 * The {@code stun_servers} of a session. TURN credentials follow the TURN REST scheme that coturn
 * checks with {@code use-auth-secret}: username {@code <unix expiry>:<session id>}, password
 * {@code base64(HMAC-SHA1(secret, username))} (draft-uberti-behave-turn-rest-00 section 2.2).
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
      String username = now.plus(credentialTtl).getEpochSecond() + ":" + sessionId;
      servers.add(new StunServer(turnUrls, username, password(sharedSecret, username)));
    }
    return servers;
  }

  public static String password(String sharedSecret, String username) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA1");
      hmac.init(new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(hmac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA1 is part of every JDK", e);
    }
  }
}
