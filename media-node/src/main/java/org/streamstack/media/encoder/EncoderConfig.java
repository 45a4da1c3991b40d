package org.streamstack.media.encoder;

/**
 * How to open an encoder.
 *
 * @param width picture width, even
 * @param height picture height, even
 * @param fps nominal frame rate: rate control spreads the bitrate over this many frames a second
 * @param bitrate start target in bits per second
 * @param keyframeIntervalSeconds seconds between unrequested keyframes: long, because WebRTC
 *     receivers ask for keyframes (PLI, FIR) when they need one
 * @param threads encoder threads; 1 keeps one session on one core
 * @param vp8CpuUsed libvpx {@code cpu-used}, -16 to 16; see {@link #DEFAULT_VP8_CPU_USED}
 * @param h264LoopFilter whether the CPU H.264 encoder (libopenh264) runs its deblocking filter
 *     (ITU-T H.264 section 8.7): smoother edges at low bitrates, for about a twentieth of its time
 */
public record EncoderConfig(
    int width,
    int height,
    int fps,
    int bitrate,
    int keyframeIntervalSeconds,
    int threads,
    int vp8CpuUsed,
    boolean h264LoopFilter) {

  public static final int DEFAULT_KEYFRAME_INTERVAL_SECONDS = 10;
  /**
   * libvpx VP8 speed. In realtime mode a negative value is a fixed speed ({@code Speed =
   * -cpu_used}, vp8/encoder/encodeframe.c); a positive one lets libvpx choose the speed from how
   * long recent frames took against a share of the frame interval, so it slows down to use idle
   * CPU (cpu-used 8 took 8 ms a 720p frame here, -8 took 4 ms) and throughput follows machine load.
   * Fixed, like libwebrtc. Measured on the synthetic application at 720p, 3 Mbit/s: -8 4.1 ms
   * 33.17 dB Y-PSNR, -12 3.6 ms 33.15 dB, -16 3.6 ms 32.63 dB: -12 is as fast as it gets without
   * losing quality.
   */
  public static final int DEFAULT_VP8_CPU_USED = -12;

  public EncoderConfig {
    if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("size " + width + "x" + height + " (even sizes only)");
    }
    if (fps <= 0 || bitrate <= 0 || keyframeIntervalSeconds <= 0 || threads <= 0) {
      throw new IllegalArgumentException(
          "fps " + fps + ", bitrate " + bitrate + ", keyframe interval "
              + keyframeIntervalSeconds + ", threads " + threads);
    }
    if (vp8CpuUsed < -16 || vp8CpuUsed > 16) {
      throw new IllegalArgumentException("vp8CpuUsed " + vp8CpuUsed);
    }
  }

  /** With the H.264 deblocking filter on. */
  public EncoderConfig(int width, int height, int fps, int bitrate, int keyframeIntervalSeconds, int threads,
      int vp8CpuUsed) {
    this(width, height, fps, bitrate, keyframeIntervalSeconds, threads, vp8CpuUsed, true);
  }

  /** Defaults: 10 s keyframe interval, one thread, {@link #DEFAULT_VP8_CPU_USED}. */
  public static EncoderConfig of(int width, int height, int fps, int bitrate) {
    return new EncoderConfig(
        width, height, fps, bitrate, DEFAULT_KEYFRAME_INTERVAL_SECONDS, 1, DEFAULT_VP8_CPU_USED);
  }

  public EncoderConfig withBitrate(int bitsPerSecond) {
    return new EncoderConfig(
        width, height, fps, bitsPerSecond, keyframeIntervalSeconds, threads, vp8CpuUsed, h264LoopFilter);
  }

  public EncoderConfig withThreads(int n) {
    return new EncoderConfig(width, height, fps, bitrate, keyframeIntervalSeconds, n, vp8CpuUsed, h264LoopFilter);
  }

  public EncoderConfig withVp8CpuUsed(int cpuUsed) {
    return new EncoderConfig(
        width, height, fps, bitrate, keyframeIntervalSeconds, threads, cpuUsed, h264LoopFilter);
  }

  /** Frames between unrequested keyframes. */
  public int gopSize() {
    return fps * keyframeIntervalSeconds;
  }
}
