package org.streamstack.cluster.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints, every second, how many samples arrived in that second and their latency. */
final class Progress {

  private Progress() {}

  static Thread start(Latencies latencies, PrintStream out) {
    Thread thread = new Thread(() -> {
      int seen = latencies.count();
      long start = System.nanoTime();
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(1000);
          int now = latencies.count();
          Latencies.Summary second = latencies.summary(seen, now);
          out.printf(Locale.ROOT, "  %5.1f s: %6d/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n",
              (System.nanoTime() - start) / 1e9, now - seen, second.p50(), second.p99(), second.max());
          seen = now;
        }
      } catch (InterruptedException e) {
        // measuring is over
      }
    }, "bench-progress");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
