package org.streamstack.cluster.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one benchmark: {@code --name value}, {@code --name=value}, or a bare {@code --name}
 * for a switch. Every flag a benchmark does not declare is refused, so a typo is not silently a
 * default.
 */
final class BenchArgs {

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> switches = new HashSet<>();

  private BenchArgs() {}

  /** Parses {@code args}; {@code valued} are the flags that take a value, {@code flags} the switches. */
  static BenchArgs parse(String[] args, Set<String> valued, Set<String> flags) {
    BenchArgs parsed = new BenchArgs();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = null;
      int eq = flag.indexOf('=');
      if (eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      if (flags.contains(flag)) {
        if (value != null) throw new IllegalArgumentException(flag + " takes no value");
        parsed.switches.add(flag);
      } else if (valued.contains(flag)) {
        if (value == null) {
          if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
          value = args[++i];
        }
        parsed.values.put(flag, value);
      } else {
        throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
      }
    }
    return parsed;
  }

  boolean has(String flag) {
    return switches.contains(flag) || values.containsKey(flag);
  }

  String string(String flag, String fallback) {
    return values.getOrDefault(flag, fallback);
  }

  String required(String flag) {
    String value = values.get(flag);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException(flag + " is required (or use --self)");
    return value;
  }

  int integer(String flag, int fallback) {
    String value = values.get(flag);
    if (value == null) return fallback;
    try {
      int parsed = Integer.parseInt(value.replace("_", ""));
      if (parsed < 0) throw new NumberFormatException();
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number >= 0, not '" + value + "'");
    }
  }
}
