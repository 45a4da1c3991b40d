package org.streamstack.media.video;

/**
 * Turns {@link VideoFrame}s into {@link EncodedFrame}s, one in, at most one out, in order and
 * without delay (no B-frames, no look-ahead).
 *
 * <p>{@link #encode} and {@link #close} are called by one thread at a time (the owner);
 * {@link #requestKeyframe} and {@link #setTargetBitrate} may be called from any thread and take
 * effect at the next {@link #encode}. After {@link #close} every method except {@code close},
 * {@link #targetBitrate} and {@link #implementationName} throws {@link IllegalStateException}.
 */
public interface VideoEncoder extends AutoCloseable {

  /**
   * Encodes one frame.
   *
   * @return the compressed frame, or {@code null} when the encoder produced no output for this
   *     frame
   */
  EncodedFrame encode(VideoFrame frame);

  /** Makes the output of the next {@link #encode} a keyframe (H.264 IDR with SPS and PPS). */
  void requestKeyframe();

  /** New target in bits per second, for example from REMB or transport-cc, already clamped. */
  void setTargetBitrate(int bitsPerSecond);

  /** The target most recently asked for, in bits per second. */
  int targetBitrate();

  /** What encodes: {@code libopenh264}, {@code libvpx}, {@code h264_nvenc}. */
  String implementationName();

  VideoCodec codec();

  /** Frees the encoder's native memory; idempotent. */
  @Override
  void close();
}
