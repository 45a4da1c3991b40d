package org.streamstack.cluster.ams.instances;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Instance ids: 20 characters of base32hex (0-9, a-v), 100 random bits, the shape of the ids
 * Anbox AMS gives instances. Ids of any other shape are refused before an entity is started for them.
 */
public final class InstanceIds {

  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuv".toCharArray();
  private static final Pattern SHAPE = Pattern.compile("[0-9a-v]{20}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private InstanceIds() {}

  public static String next() {
    char[] id = new char[20];
    for (int i = 0; i < id.length; i++) id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    return new String(id);
  }

  public static boolean plausible(String id) {
    return id != null && SHAPE.matcher(id).matches();
  }
}
