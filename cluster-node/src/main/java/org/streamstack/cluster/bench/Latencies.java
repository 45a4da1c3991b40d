package org.streamstack.cluster.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency samples in nanoseconds, recorded from any thread into a preallocated array (no
 * allocation and no lock on the measured path), summarised as percentiles.
 */
final class Latencies {

  private final long[] samples;
  private final AtomicInteger count = new AtomicInteger();

  Latencies(int capacity) {
    this.samples = new long[capacity];
  }

  void record(long nanos) {
    int slot = count.getAndIncrement();
    if (slot < samples.length) samples[slot] = nanos;
  }

  int count() {
    return Math.min(count.get(), samples.length);
  }

  /** Percentiles in milliseconds: p50, p90, p99, p99.9, max. */
  Summary summary() {
    return summary(0, count());
  }

  /**
   * Percentiles of the samples recorded between the {@code from}th and the {@code to}th: samples
   * are stored in the order they were recorded, so this is an interval of time.
   */
  Summary summary(int from, int to) {
    long[] sorted = Arrays.copyOfRange(samples, from, Math.max(from, Math.min(to, samples.length)));
    Arrays.sort(sorted);
    return new Summary(sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), at(sorted, 0.999),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double quantile) {
    if (sorted.length == 0) return 0;
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  record Summary(int count, double p50, double p90, double p99, double p999, double max) {
    String line() {
      return String.format(Locale.ROOT, "p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  (%d samples)",
          p50, p90, p99, p999, max, count);
    }
  }
}
