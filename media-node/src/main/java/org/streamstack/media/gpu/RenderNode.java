package org.streamstack.media.gpu;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A DRM render node of an Intel or AMD GPU, which FFmpeg's VA-API encoders (h264_vaapi,
 * vp8_vaapi) open as their device: {@code /dev/dri/renderD128} and up. Its vendor is the PCI
 * vendor id in {@code /sys/class/drm/<node>/device/vendor} ({@code 0x8086} Intel, {@code 0x1002}
 * AMD); render nodes of other vendors (NVIDIA's, which VA-API does not encode on) are not listed.
 *
 * @param device the node to open, such as {@code /dev/dri/renderD128}
 * @param vendor {@code Intel} or {@code AMD}
 */
public record RenderNode(Path device, String vendor) {

  /** PCI vendor ids of the GPUs whose VA-API drivers encode (iHD/i965, radeonsi). */
  public static final int INTEL = 0x8086;
  public static final int AMD = 0x1002;

  /** Where render nodes and their sysfs entries are: the system's by default, a test's tree otherwise. */
  public record Roots(Path devices, Path sysfs) {
    public static final Roots SYSTEM = new Roots(Path.of("/dev/dri"), Path.of("/sys/class/drm"));

    /** {@code streamstack.media.encoder.vaapi.device-directory} and {@code sysfs-directory}. */
    public static Roots fromConfig(Config root) {
      Config c = root.getConfig("streamstack.media.encoder.vaapi");
      return new Roots(Path.of(c.getString("device-directory")), Path.of(c.getString("sysfs-directory")));
    }
  }

  /** "Intel renderD128". */
  public String describe() {
    return vendor + " " + device.getFileName();
  }

  /**
   * The Intel and AMD render nodes under {@code roots}, by name; none when the directory is
   * missing or unreadable (a machine without a GPU, a container without /dev/dri).
   */
  public static List<RenderNode> discover(Roots roots) {
    List<RenderNode> found = new ArrayList<>();
    if (!Files.isDirectory(roots.devices())) return found;
    try (DirectoryStream<Path> nodes = Files.newDirectoryStream(roots.devices(), "renderD*")) {
      for (Path node : nodes) {
        String name = node.getFileName().toString();
        String vendor = vendorName(readVendor(roots.sysfs().resolve(name).resolve("device").resolve("vendor")));
        if (vendor != null) found.add(new RenderNode(node, vendor));
      }
    } catch (IOException e) {
      return found;
    }
    found.sort(Comparator.comparing(n -> n.device().getFileName().toString()));
    return found;
  }

  /** The PCI vendor id written as {@code 0x8086}; -1 when missing or unreadable. */
  static int readVendor(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
      if (text.startsWith("0x")) text = text.substring(2);
      return Integer.parseInt(text, 16);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  static String vendorName(int vendorId) {
    if (vendorId == INTEL) return "Intel";
    if (vendorId == AMD) return "AMD";
    return null;
  }
}
