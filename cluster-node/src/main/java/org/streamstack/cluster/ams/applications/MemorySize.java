package org.streamstack.cluster.ams.applications;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as operators write them: a number of bytes, or a number with a unit, the way LXD
 * reads them: kB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB powers of 1024.
 */
public final class MemorySize {

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?");

  private MemorySize() {}

  /** The number of bytes {@code text} says, or throws IllegalArgumentException saying what is wrong. */
  public static long parse(String text) {
    Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size: use bytes, or a number with kB, MB, GB, TB, KiB, MiB, GiB or TiB");
    }
    double number = Double.parseDouble(matcher.group(1));
    String unit = matcher.group(2) == null ? "b" : matcher.group(2);
    double multiplier = switch (unit) {
      case "b" -> 1;
      case "kb" -> 1e3;
      case "mb" -> 1e6;
      case "gb" -> 1e9;
      case "tb" -> 1e12;
      case "kib" -> 1L << 10;
      case "mib" -> 1L << 20;
      case "gib" -> 1L << 30;
      default -> 1L << 40;
    };
    double bytes = number * multiplier;
    if (bytes > Long.MAX_VALUE) throw new IllegalArgumentException("'" + text + "' is larger than any memory");
    if (unit.equals("b") && number != Math.rint(number)) throw new IllegalArgumentException("'" + text + "' is not a whole number of bytes");
    return Math.round(bytes);
  }
}
