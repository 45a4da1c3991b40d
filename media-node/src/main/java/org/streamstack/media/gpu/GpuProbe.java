package org.streamstack.media.gpu;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds NVIDIA GPUs through the CUDA driver API (JavaCPP CUDA presets): {@code cuInit},
 * {@code cuDeviceGetCount}, {@code cuDeviceGetName}.
 *
 * <p>The presets' JNI library links the driver's {@code libcuda.so.1}, which only exists where an
 * NVIDIA driver is installed: elsewhere the first call throws {@link UnsatisfiedLinkError} (and
 * every later one {@link NoClassDefFoundError}). Both, and CUDA error codes, mean "no GPU"; the
 * reason says which.
 */
public final class GpuProbe {

  private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
  private static final Pattern MISSING_LIBRARY =
      Pattern.compile("([\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

  /** One CUDA device. */
  public record Device(int index, String name, long memoryBytes) {}

  /**
   * What the probe found.
   *
   * @param devices the GPUs, empty when none
   * @param reason why there is no GPU; empty when there is one
   */
  public record Result(List<Device> devices, String reason) {
    public Result {
      devices = List.copyOf(devices);
      Objects.requireNonNull(reason, "reason");
    }

    public static Result none(String reason) {
      return new Result(List.of(), reason);
    }

    public boolean available() {
      return !devices.isEmpty();
    }
  }

  private static volatile Result cached;

  private GpuProbe() {}

  /** Probes once per process; later calls return the first answer. */
  public static Result detect() {
    Result r = cached;
    if (r == null) {
      synchronized (GpuProbe.class) {
        r = cached;
        if (r == null) {
          r = probe();
          cached = r;
          if (r.available()) {
            LOG.info("NVIDIA GPUs: {}", r.devices());
          } else {
            LOG.debug("no NVIDIA GPU: {}", r.reason());
          }
        }
      }
    }
    return r;
  }

  /** Probes now, without the cache. */
  static Result probe() {
    try {
      int err = cudart.cuInit(0);
      if (err != CUDA_SUCCESS) return Result.none("cuInit failed: " + cudaError(err));
      int[] count = new int[1];
      err = cudart.cuDeviceGetCount(count);
      if (err != CUDA_SUCCESS) return Result.none("cuDeviceGetCount failed: " + cudaError(err));
      if (count[0] == 0) return Result.none("the CUDA driver reports no devices");
      List<Device> devices = new ArrayList<>();
      for (int i = 0; i < count[0]; i++) {
        int[] device = new int[1];
        err = cudart.cuDeviceGet(device, i);
        if (err != CUDA_SUCCESS) continue;
        byte[] name = new byte[256];
        String deviceName =
            cudart.cuDeviceGetName(name, name.length, device[0]) == CUDA_SUCCESS
                ? cString(name)
                : "CUDA device " + i;
        long memory = 0;
        try (SizeTPointer bytes = new SizeTPointer(1)) {
          if (cudart.cuDeviceTotalMem(bytes, device[0]) == CUDA_SUCCESS) memory = bytes.get();
        }
        devices.add(new Device(i, deviceName, memory));
      }
      return devices.isEmpty()
          ? Result.none("no CUDA device could be opened")
          : new Result(devices, "");
    } catch (LinkageError e) {
      return Result.none(linkageReason(e));
    }
  }

  /** "libcuda.so.1 not found" for the usual failure, else the error's own message. */
  static String linkageReason(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      Matcher m = MISSING_LIBRARY.matcher(message);
      if (m.find()) return m.group(1) + " not found";
    }
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  private static String cudaError(int code) {
    BytePointer text = new BytePointer((Pointer) null);
    boolean known = cudart.cuGetErrorString(code, text) == CUDA_SUCCESS && !text.isNull();
    return (known ? text.getString(StandardCharsets.UTF_8) : "CUDA error") + " (" + code + ")";
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) n++;
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }
}
