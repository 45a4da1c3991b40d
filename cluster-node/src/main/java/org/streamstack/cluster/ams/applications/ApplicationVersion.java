package org.streamstack.cluster.ams.applications;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * One immutable version of an application: what runs, what it needs, how it is encoded. A change
 * of any of these is a new version; instances keep the version they were created from.
 */
public record ApplicationVersion(int version, Source source, Resources resources, List<String> videoCodecs,
    String videoEncoder, Instant createdAt) implements CborSerializable {

  public static final String SYNTHETIC = "synthetic";
  public static final String X11 = "x11";
  public static final List<String> SOURCE_TYPES = List.of(SYNTHETIC, X11);
  public static final List<String> VIDEO_CODECS = List.of("h264", "vp8");
  public static final List<String> VIDEO_ENCODERS = List.of("auto", "gpu", "cpu");

  /**
   * What the media node runs: the built-in synthetic application, or an X11 program ({@code command}
   * with its arguments, under {@code workingDirectory}, with {@code environment} added).
   */
  public record Source(String type, List<String> command, String workingDirectory, Map<String, String> environment)
      implements CborSerializable {

    public static Source synthetic() {
      return new Source(SYNTHETIC, null, null, null);
    }
  }

  /**
   * What one instance needs. {@code encoderSlots} is what the scheduler places by; {@code cpus} and
   * {@code memoryBytes} (null: not stated) are passed on for the node's information.
   */
  public record Resources(Integer cpus, Long memoryBytes, int encoderSlots) implements CborSerializable {

    public static Resources defaults() {
      return new Resources(null, null, 1);
    }
  }
}
