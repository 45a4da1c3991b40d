package org.streamstack.cluster.gateway.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer secrets: client tokens and session socket credentials. Only their SHA-256 digests are
 * kept (in state and journal), so a leaked journal does not leak a usable secret.
 */
public final class Credentials {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private Credentials() {}

  /** A new random secret of 256 bits, URL-safe. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return URL_SAFE.encodeToString(bytes);
  }

  public static String digest(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return URL_SAFE.encodeToString(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Compares two digests in time that does not depend on where they differ. */
  public static boolean sameDigest(String a, String b) {
    if (a == null || b == null) return false;
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
