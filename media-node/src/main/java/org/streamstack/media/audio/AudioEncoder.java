package org.streamstack.media.audio;

/**
 * Turns {@link AudioFrame}s into {@link EncodedAudio}, one packet per frame, in order.
 *
 * <p>{@link #encode} and {@link #close} are called by one thread at a time (the owner);
 * {@link #setTargetBitrate} and {@link #setExpectedPacketLoss} may be called from any thread and
 * take effect at the next {@link #encode}. After {@link #close}, {@code encode} and the setters
 * throw {@link IllegalStateException}.
 */
public interface AudioEncoder extends AutoCloseable {

  /** Encodes one frame into one packet. */
  EncodedAudio encode(AudioFrame frame);

  /** New target in bits per second. */
  void setTargetBitrate(int bitsPerSecond);

  /** The target most recently asked for, in bits per second. */
  int targetBitrate();

  /**
   * The share of packets the receiver reports lost, 0-100 %: an encoder with in-band FEC sizes
   * its redundancy for it. Takes effect at the next {@link #encode}. Ignored by default.
   */
  default void setExpectedPacketLoss(int percent) {}

  /** What encodes: {@code libopus}. */
  String implementationName();

  /** Frees native memory; idempotent. */
  @Override
  void close();
}
