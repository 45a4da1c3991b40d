package org.streamstack.cluster.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * CPU this JVM used over a measured interval, against what the machine has: a benchmark on a
 * small machine is only meaningful next to how busy the machine was (other processes included).
 */
final class CpuUse {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final long startCpu;
  private final long startWall;
  private final long[] startMachine;

  private CpuUse() {
    startCpu = os.getProcessCpuTime();
    startWall = System.nanoTime();
    startMachine = MachineTicks.read();
  }

  static CpuUse start() {
    return new CpuUse();
  }

  /** CPU time this JVM used since the start, in nanoseconds. */
  long processNanos() {
    return os.getProcessCpuTime() - startCpu;
  }

  /** "this JVM 1.62 of 2 cores; machine busy 98% (others 17%)". */
  String line() {
    double wall = System.nanoTime() - startWall;
    double cores = (os.getProcessCpuTime() - startCpu) / wall;
    int available = Runtime.getRuntime().availableProcessors();
    long[] machine = MachineTicks.read();
    String text = String.format(Locale.ROOT, "this JVM used %.2f of %d cores", cores, available);
    if (machine != null && startMachine != null && machine[1] > startMachine[1]) {
      double busy = (double) (machine[0] - startMachine[0]) / (machine[1] - startMachine[1]);
      double others = Math.max(0, busy - cores / available);
      text += String.format(Locale.ROOT, "; machine busy %.0f%%, of which other processes %.0f%%", busy * 100, others * 100);
    }
    return text;
  }

  /** Busy and total jiffies of all CPUs from /proc/stat; null where there is none. */
  private static final class MachineTicks {
    static long[] read() {
      try {
        String line = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
        String[] fields = line.trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < fields.length; i++) {
          long value = Long.parseLong(fields[i]);
          total += value;
          if (i == 4 || i == 5) idle += value;
        }
        return new long[] {total - idle, total};
      } catch (Exception e) {
        return null;
      }
    }
  }
}
