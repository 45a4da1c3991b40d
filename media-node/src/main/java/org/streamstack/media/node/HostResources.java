package org.streamstack.media.node;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.gpu.GpuProbe;
import org.streamstack.media.gpu.RenderNode;
import org.streamstack.protocol.nats.NodeHeartbeat;

/**
 * What this machine has and uses, as the node's heartbeat reports it: CPUs, memory and load from
 * the operating system (container limits included: the JVM reads them), GPUs from the probe.
 */
public final class HostResources {

  private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

  public int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  public long memoryBytes() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
    return Runtime.getRuntime().maxMemory();
  }

  public long memoryUsedBytes() {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(0, sun.getTotalMemorySize() - sun.getFreeMemorySize());
    }
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }

  /**
   * The one-minute load average per CPU (1.0: every CPU busy); where the system has no load
   * average, the recent CPU use (0 to 1).
   */
  public double cpuLoad() {
    double average = os.getSystemLoadAverage();
    if (average >= 0) return average / cpus();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getCpuLoad() >= 0) return sun.getCpuLoad();
    return 0;
  }

  /**
   * What the node can hold. Without a configured number of encoder slots: every NVENC session of
   * its GPUs (unless the node never uses them), plus {@code slotsPerCpu} CPU encoders per CPU
   * (6 makes the target of twelve 720p30 streams on two cores).
   *
   * @param configuredSlots 0 for the sum above
   */
  public NodeHeartbeat.Capacity capacity(int configuredSlots, int slotsPerCpu, int nvencSessionsPerGpu,
      GpuProbe.Result gpus, EncoderPreference preference) {
    return capacity(configuredSlots, slotsPerCpu, nvencSessionsPerGpu, gpus, List.of(), 0, preference);
  }

  /**
   * As above, with VA-API render nodes: each counts for {@code vaapiSessionsPerDevice} slots and
   * is listed among the GPUs (with no NVENC sessions: it encodes through VA-API).
   */
  public NodeHeartbeat.Capacity capacity(int configuredSlots, int slotsPerCpu, int nvencSessionsPerGpu,
      GpuProbe.Result gpus, List<RenderNode> renderNodes, int vaapiSessionsPerDevice, EncoderPreference preference) {
    List<NodeHeartbeat.Gpu> found = new ArrayList<>();
    gpus.devices().forEach(device -> found.add(new NodeHeartbeat.Gpu(device.name(), nvencSessionsPerGpu)));
    renderNodes.forEach(node -> found.add(new NodeHeartbeat.Gpu(node.describe() + " (VA-API)", 0)));
    int gpuSlots = preference == EncoderPreference.CPU ? 0
        : gpus.devices().size() * nvencSessionsPerGpu + renderNodes.size() * vaapiSessionsPerDevice;
    int slots = configuredSlots > 0 ? configuredSlots : gpuSlots + slotsPerCpu * cpus();
    return new NodeHeartbeat.Capacity(slots, cpus(), memoryBytes(), found);
  }
}
