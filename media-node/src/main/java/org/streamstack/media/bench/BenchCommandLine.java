package org.streamstack.media.bench;

import java.util.Arrays;
import java.util.function.Function;

/** The command line every media benchmark shares: --help prints its usage, bad options exit 2. */
final class BenchCommandLine {

  private BenchCommandLine() {}

  /**
   * The options {@code parser} reads from {@code args}; null once the usage is printed for
   * {@code --help} or {@code -h}. Options it refuses (IllegalArgumentException) end the process
   * with status 2, after the problem, prefixed with the benchmark's {@code name}, and the usage.
   */
  static <T> T parse(String[] args, String name, String usage, Function<String[], T> parser) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(usage);
      return null;
    }
    try {
      return parser.apply(args);
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      System.err.println(usage);
      System.exit(2);
      return null;
    }
  }
}
