package org.streamstack.media.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.gpu.GpuProbe;
import org.streamstack.media.gpu.RenderNode;
import org.streamstack.protocol.nats.NodeHeartbeat;

/** What a node tells AMS it holds: GPU encoders (NVENC, VA-API) count as encoder slots. */
class HostResourcesTest {

  private final HostResources host = new HostResources();
  private final int cpus = host.cpus();
  private final GpuProbe.Result nvidia =
      new GpuProbe.Result(List.of(new GpuProbe.Device(0, "Test GPU", 8L << 30)), "");
  private final List<RenderNode> intel = List.of(new RenderNode(Path.of("/dev/dri/renderD128"), "Intel"));

  @Test
  void gpuEncodersAreReportedAndCountedAsSlots() {
    NodeHeartbeat.Capacity capacity = host.capacity(0, 6, 8, nvidia, intel, 5, EncoderPreference.AUTO);
    assertEquals(8 + 5 + 6 * cpus, capacity.encoderSlots());
    assertEquals(List.of(new NodeHeartbeat.Gpu("Test GPU", 8), new NodeHeartbeat.Gpu("Intel renderD128 (VA-API)", 0)),
        capacity.gpus());
  }

  @Test
  void aCpuNodeCountsNoGpuSlotsAndConfiguredSlotsWin() {
    assertEquals(6 * cpus, host.capacity(0, 6, 8, nvidia, intel, 5, EncoderPreference.CPU).encoderSlots());
    assertEquals(3, host.capacity(3, 6, 8, nvidia, intel, 5, EncoderPreference.AUTO).encoderSlots());
    assertEquals(6 * cpus,
        host.capacity(0, 6, 8, GpuProbe.Result.none("none"), List.of(), 5, EncoderPreference.AUTO).encoderSlots());
  }
}
