package org.streamstack.media.audio;

import java.util.Objects;

/**
 * 20 ms of sound: 960 samples per channel of 48 kHz stereo, signed 16-bit, interleaved (left,
 * right, left, right...), FFmpeg's {@code s16} with a stereo layout. The one shape the audio path
 * carries: what the Opus encoder takes per call and what one RTP packet holds (RFC 7587 4.2).
 *
 * <p>A frame is handed off, not shared: whoever gives a frame to an encoder does not write to its
 * samples again.
 *
 * <p>{@code captureTimeMillis} is wall-clock time (milliseconds since the Unix epoch) of the first
 * sample. Consecutive frames of a source are exactly {@link #FRAME_MILLIS} apart: the capture time
 * is the position on the sample clock, not the moment a thread got round to producing the frame,
 * so {@link #pts48k()} advances by exactly 960 per frame and the receiver's jitter buffer sees no
 * scheduling jitter. {@code frameNumber} counts frames of one source; a gap means frames were lost
 * before this point.
 */
public final class AudioFrame {

  public static final int SAMPLE_RATE = 48_000;
  public static final int CHANNELS = 2;
  public static final int FRAME_MILLIS = 20;
  public static final int SAMPLES_PER_CHANNEL = SAMPLE_RATE / 1000 * FRAME_MILLIS;
  /** Interleaved samples in a frame, both channels. */
  public static final int SAMPLES = SAMPLES_PER_CHANNEL * CHANNELS;

  private final short[] samples;
  private final long captureTimeMillis;
  private final long frameNumber;

  /**
   * @param samples {@link #SAMPLES} interleaved samples; kept, not copied
   */
  public AudioFrame(short[] samples, long captureTimeMillis, long frameNumber) {
    Objects.requireNonNull(samples, "samples");
    if (samples.length != SAMPLES) {
      throw new IllegalArgumentException(
          "a frame holds " + SAMPLES + " interleaved samples, got " + samples.length);
    }
    if (frameNumber < 0) throw new IllegalArgumentException("frameNumber " + frameNumber);
    this.samples = samples;
    this.captureTimeMillis = captureTimeMillis;
    this.frameNumber = frameNumber;
  }

  /** A frame of digital silence. */
  public static AudioFrame silence(long captureTimeMillis, long frameNumber) {
    return new AudioFrame(new short[SAMPLES], captureTimeMillis, frameNumber);
  }

  /** The 48 kHz sample clock position of a capture time: the RTP timestamp before its offset. */
  public static long pts48kOf(long captureTimeMillis) {
    return captureTimeMillis * (SAMPLE_RATE / 1000);
  }

  /** The interleaved samples; the array itself. */
  public short[] samples() {
    return samples;
  }

  public long captureTimeMillis() {
    return captureTimeMillis;
  }

  public long frameNumber() {
    return frameNumber;
  }

  /** Position of the first sample on the 48 kHz clock: {@code captureTimeMillis * 48}. */
  public long pts48k() {
    return pts48kOf(captureTimeMillis);
  }

  /** Whether every sample is zero: digital silence, what a muted or idle application plays. */
  public boolean isSilent() {
    for (short s : samples) {
      if (s != 0) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return "AudioFrame[#" + frameNumber + " @" + captureTimeMillis + "]";
  }
}
