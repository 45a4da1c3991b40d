package org.streamstack.media.audio;

/**
 * The synthetic application's sound: a sine tone, 440 Hz by default, the same on both channels.
 *
 * <p>The tone is phase-continuous: each frame starts where the previous one ended, whatever the
 * frame numbers, so frames join without a click. A change of level, and switching to silence and
 * back, ramps the gain linearly over one frame for the same reason. Once silent and ramped down,
 * frames are digital silence (all samples zero), which the encoder reports and a sender may stop
 * sending (DTX).
 *
 * <p>{@link #next} is called by one thread (the audio clock's); {@link #setSilent} and
 * {@link #setLevelDbfs} may be called from any thread and take effect at the next frame.
 */
public final class ToneGenerator {

  public static final double DEFAULT_FREQUENCY = 440;
  /** -12 dBFS: a quarter of full scale, clearly audible, far from clipping. */
  public static final double DEFAULT_LEVEL_DBFS = -12;

  private final double cyclesPerSample;
  private volatile double targetGain;
  private volatile boolean silent;
  /** Phase at the start of the next frame, in cycles, in [0, 1). */
  private double phase;
  private double gain;

  /** A 440 Hz tone at -12 dBFS. */
  public ToneGenerator() {
    this(DEFAULT_FREQUENCY, DEFAULT_LEVEL_DBFS);
  }

  /**
   * @param frequencyHz above 0 and below the Nyquist frequency, 24 kHz
   * @param levelDbfs peak level relative to full scale, at most 0
   */
  public ToneGenerator(double frequencyHz, double levelDbfs) {
    if (!(frequencyHz > 0 && frequencyHz < AudioFrame.SAMPLE_RATE / 2.0)) {
      throw new IllegalArgumentException("frequency must be in (0, 24000) Hz: " + frequencyHz);
    }
    this.cyclesPerSample = frequencyHz / AudioFrame.SAMPLE_RATE;
    setLevelDbfs(levelDbfs);
    this.gain = targetGain;
  }

  /** Peak level in dBFS (0 = full scale); {@code -Infinity} is silence too. */
  public void setLevelDbfs(double levelDbfs) {
    if (Double.isNaN(levelDbfs) || levelDbfs > 0) {
      throw new IllegalArgumentException("level must be at most 0 dBFS: " + levelDbfs);
    }
    targetGain = Short.MAX_VALUE * Math.pow(10, levelDbfs / 20);
  }

  /** Silence instead of the tone, or the tone again. */
  public void setSilent(boolean silent) {
    this.silent = silent;
  }

  public boolean isSilent() {
    return silent;
  }

  /** The next 20 ms of sound. */
  public AudioFrame next(long frameNumber, long captureTimeMillis) {
    short[] samples = new short[AudioFrame.SAMPLES];
    double from = gain;
    double to = silent ? 0 : targetGain;
    int n = AudioFrame.SAMPLES_PER_CHANNEL;
    if (from != 0 || to != 0) {
      for (int i = 0; i < n; i++) {
        double g = from + (to - from) * (i + 1) / n;
        short s = (short) Math.round(g * Math.sin(2 * Math.PI * (phase + i * cyclesPerSample)));
        samples[2 * i] = s;
        samples[2 * i + 1] = s;
      }
    }
    gain = to;
    phase = (phase + n * cyclesPerSample) % 1.0;
    return new AudioFrame(samples, captureTimeMillis, frameNumber);
  }
}
