package org.streamstack.media.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GpuProbeTest {

  private static boolean nvidiaDriverPresent() {
    return Files.exists(Path.of("/dev/nvidiactl"));
  }

  @Test
  void reportsWhatThisMachineHas() {
    GpuProbe.Result result = GpuProbe.detect();
    if (nvidiaDriverPresent()) {
      assertTrue(result.available(), "driver present but: " + result.reason());
      assertEquals("", result.reason());
      assertFalse(result.devices().get(0).name().isBlank());
    } else {
      assertFalse(result.available());
      assertTrue(result.devices().isEmpty());
      assertEquals("libcuda.so.1 not found", result.reason());
    }
  }

  @Test
  void probesOncePerProcess() {
    assertSame(GpuProbe.detect(), GpuProbe.detect());
    // A second real probe after the first failed load gets NoClassDefFoundError: same answer.
    assertEquals(GpuProbe.detect().available(), GpuProbe.probe().available());
  }

  @Test
  void namesTheMissingLibrary() {
    UnsatisfiedLinkError inner =
        new UnsatisfiedLinkError(
            "/root/.javacpp/cache/x/libjnicudart.so: libcuda.so.1: cannot open shared object file:"
                + " No such file or directory");
    UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudart in java.library.path");
    outer.initCause(inner);
    assertEquals("libcuda.so.1 not found", GpuProbe.linkageReason(outer));
    assertEquals(
        "NoClassDefFoundError: Could not initialize class x",
        GpuProbe.linkageReason(new NoClassDefFoundError("Could not initialize class x")));
  }
}
