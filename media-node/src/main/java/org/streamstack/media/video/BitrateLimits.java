package org.streamstack.media.video;

import java.util.List;

/**
 * The range a video sender's bitrate stays in, in kbit/s. Congestion control (REMB,
 * transport-cc) computes a target; {@link #clamp} keeps it inside the range: below the minimum the
 * picture falls apart, above the maximum the extra bits buy nothing visible.
 *
 * <p>Defaults per resolution and frame rate, from the product issue: 720p30 1000-3000,
 * 720p60 2500-5000, 1080p30 3000-6000, 1080p60 3000-7000. Other sizes and rates take the closest
 * entry (distance on a log scale of pixel count and frame rate).
 */
public record BitrateLimits(int minKbps, int maxKbps) {

  private record Entry(int width, int height, int fps, BitrateLimits limits) {}

  private static final List<Entry> DEFAULTS =
      List.of(
          new Entry(1280, 720, 30, new BitrateLimits(1000, 3000)),
          new Entry(1280, 720, 60, new BitrateLimits(2500, 5000)),
          new Entry(1920, 1080, 30, new BitrateLimits(3000, 6000)),
          new Entry(1920, 1080, 60, new BitrateLimits(3000, 7000)));

  public BitrateLimits {
    if (minKbps <= 0 || maxKbps < minKbps) {
      throw new IllegalArgumentException("limits " + minKbps + "-" + maxKbps + " kbit/s");
    }
  }

  /** The default limits of the closest listed resolution and frame rate. */
  public static BitrateLimits forVideo(int width, int height, int fps) {
    if (width <= 0 || height <= 0 || fps <= 0) {
      throw new IllegalArgumentException(width + "x" + height + "@" + fps);
    }
    double pixels = (double) width * height;
    Entry best = DEFAULTS.get(0);
    double bestDistance = Double.MAX_VALUE;
    for (Entry e : DEFAULTS) {
      double d =
          Math.abs(Math.log(pixels / ((double) e.width() * e.height())))
              + Math.abs(Math.log((double) fps / e.fps()));
      if (d < bestDistance) {
        bestDistance = d;
        best = e;
      }
    }
    return best.limits();
  }

  public int minBitsPerSecond() {
    return minKbps * 1000;
  }

  public int maxBitsPerSecond() {
    return maxKbps * 1000;
  }

  /** {@code bitsPerSecond} moved into the range. */
  public int clamp(long bitsPerSecond) {
    return (int) Math.max(minBitsPerSecond(), Math.min(maxBitsPerSecond(), bitsPerSecond));
  }
}
