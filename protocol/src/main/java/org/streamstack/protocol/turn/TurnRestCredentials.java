package org.streamstack.protocol.turn;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-limited TURN credentials in the TURN REST scheme that coturn checks with
 * {@code use-auth-secret} (draft-uberti-behave-turn-rest-00 section 2.2): username
 * {@code <unix expiry>:<name>}, password {@code base64(HMAC-SHA1(shared secret, username))}.
 * The gateway issues them to browsers, the media node to itself.
 */
public record TurnRestCredentials(String username, String password) {

  public static TurnRestCredentials issue(String sharedSecret, String name, Instant now, Duration ttl) {
    String username = now.plus(ttl).getEpochSecond() + ":" + name;
    return new TurnRestCredentials(username, password(sharedSecret, username));
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
