package org.streamstack.media.encoder;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The media node's encoder settings, {@code streamstack.media.encoder} in {@code reference.conf},
 * read once at startup.
 */
public record EncoderSettings(
    EncoderPreference preference, Duration keyframeInterval, int threads, int vp8CpuUsed, boolean h264LoopFilter) {

  public static final String PATH = "streamstack.media.encoder";

  public static EncoderSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new EncoderSettings(
        EncoderPreference.parse(c.getString("preference")),
        c.getDuration("keyframe-interval"),
        c.getInt("threads"),
        c.getInt("vp8-cpu-used"),
        c.getBoolean("h264-loop-filter"));
  }

  /** With the H.264 deblocking filter on. */
  public EncoderSettings(EncoderPreference preference, Duration keyframeInterval, int threads, int vp8CpuUsed) {
    this(preference, keyframeInterval, threads, vp8CpuUsed, true);
  }

  /** Encoder configuration of one stream under these settings. */
  public EncoderConfig config(int width, int height, int fps, int bitrate) {
    return new EncoderConfig(
        width,
        height,
        fps,
        bitrate,
        (int) Math.max(1, keyframeInterval.toSeconds()),
        threads,
        vp8CpuUsed,
        h264LoopFilter);
  }
}
