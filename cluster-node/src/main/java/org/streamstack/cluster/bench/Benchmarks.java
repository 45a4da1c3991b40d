package org.streamstack.cluster.bench;

/** Entry point of {@code streamstack bench}. */
public final class Benchmarks {
  private Benchmarks() {}

  public static int run(String[] args) {
    System.err.println("bench: not built yet");
    return 2;
  }
}
