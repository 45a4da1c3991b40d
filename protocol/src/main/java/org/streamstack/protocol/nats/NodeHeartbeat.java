package org.streamstack.protocol.nats;

import java.util.List;

/**
 * A media node's announcement, every second: AMS builds its node registry from these, and marks a
 * node offline (its instances in error) when they stop.
 *
 * @param address the host clients' media flows reach (informational)
 * @param instances ids of the instances the node runs now
 */
public record NodeHeartbeat(String nodeId, String region, String address, Capacity capacity, Load load,
    List<String> instances, long sentAtMillis) {

  /**
   * What the node can hold. {@code encoderSlots} is the number of concurrent streams its encoders
   * sustain (GPU sessions plus what its CPUs carry).
   */
  public record Capacity(int encoderSlots, int cpus, long memoryBytes, List<Gpu> gpus) {}

  /** One GPU: its model and how many NVENC sessions it allows (0 when it has no NVENC). */
  public record Gpu(String model, int nvencSessions) {}

  /** What the node uses now. {@code cpuLoad} is the system load average over one minute per CPU. */
  public record Load(int instances, int encoderSlotsUsed, double cpuLoad, long memoryUsedBytes) {}
}
