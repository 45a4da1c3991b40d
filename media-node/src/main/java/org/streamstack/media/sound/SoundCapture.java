package org.streamstack.media.sound;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.audio.AudioFrame;
import org.streamstack.media.process.ChildProcesses;
import org.streamstack.media.process.OutputRelay;

/**
 * Records what plays into a {@link PulseAudioServer}'s sink: {@code parec} on the sink's monitor
 * as a child process, 48 kHz stereo s16le in 20 ms fragments, read on a thread of its own into
 * {@link AudioFrame}-sized blocks.
 *
 * <p>The audio clock, not parec, sets the pace: {@link #next} is called on every tick and hands
 * out the oldest captured block with the tick's frame number and capture time, or silence when
 * none is there (a program that plays nothing still gets a monitor full of zeros; a stalled or
 * dead parec gets silence), so the track keeps its timing whatever the capture does. Both run on
 * the same system clock, so only scheduling jitter separates them: a few blocks of slack absorb it,
 * and beyond {@link #MAX_QUEUED_FRAMES} the oldest block is dropped so that delay never builds up.
 * A backlog that stays (after a stall of the clock, say, the queue refills as fast as it drains)
 * is delay too: when {@link #BACKLOG_FRAMES} or more blocks still wait after every tick for
 * {@link #TRIM_AFTER_TICKS} ticks in a row, one block is dropped.
 */
public final class SoundCapture implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SoundCapture.class);

  /** The recorder from the PATH (Debian package {@code pulseaudio-utils}). */
  public static final String DEFAULT_BINARY = "parec";
  /** 80 ms: more queued sound than this is delay, and the oldest goes. */
  public static final int MAX_QUEUED_FRAMES = 4;

  /** Blocks still waiting after a tick that count as a backlog: 40 ms of delay. */
  public static final int BACKLOG_FRAMES = 2;
  /** Ticks of lasting backlog (a second) before one block is dropped to shorten it. */
  public static final int TRIM_AFTER_TICKS = 50;

  private static final int FRAME_BYTES = AudioFrame.SAMPLES * 2;

  private final String instanceId;
  private final Process recorder;
  private final Thread reader;
  private final BlockingQueue<short[]> captured = new ArrayBlockingQueue<>(MAX_QUEUED_FRAMES);
  private final AtomicLong capturedFrames = new AtomicLong();
  private final AtomicLong droppedFrames = new AtomicLong();
  private final AtomicLong silentFills = new AtomicLong();
  private volatile boolean closing;
  /** Only the audio clock's thread, in {@link #next}, reads and writes it. */
  private int backlogTicks;

  private SoundCapture(String instanceId, Process recorder) {
    this.instanceId = instanceId;
    this.recorder = recorder;
    this.reader = new Thread(this::read, "sound-capture-" + instanceId);
    this.reader.setDaemon(true);
  }

  /**
   * Starts recording the sink of {@code server}.
   *
   * @param binary the recorder, {@link #DEFAULT_BINARY} from the PATH
   * @throws IOException when it cannot start
   */
  public static SoundCapture start(String instanceId, PulseAudioServer server, String binary) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(binary, "--server=" + server.address(),
        "--device=" + PulseAudioServer.SINK + ".monitor", "--format=s16le", "--rate=" + AudioFrame.SAMPLE_RATE,
        "--channels=" + AudioFrame.CHANNELS, "--latency-msec=" + AudioFrame.FRAME_MILLIS, "--raw"));
    builder.environment().remove("PULSE_SERVER");
    Process recorder;
    try {
      recorder = builder.start();
    } catch (IOException e) {
      throw new IOException("cannot run " + binary + " (Debian package pulseaudio-utils): " + e.getMessage(), e);
    }
    return reading(instanceId, recorder);
  }

  /** Reads s16le stereo from a recorder that runs already; {@link #start} with parec in production. */
  static SoundCapture reading(String instanceId, Process recorder) {
    SoundCapture capture = new SoundCapture(instanceId, recorder);
    capture.relayErrors();
    capture.reader.start();
    return capture;
  }

  private void read() {
    byte[] block = new byte[FRAME_BYTES];
    try (InputStream in = recorder.getInputStream()) {
      while (true) {
        int filled = 0;
        while (filled < FRAME_BYTES) {
          int n = in.read(block, filled, FRAME_BYTES - filled);
          if (n < 0) {
            if (!closing) {
              LOG.warn("Instance {}: the sound recorder stopped (exit status {}); its track carries silence from now on",
                  instanceId, exitStatus());
            }
            return;
          }
          filled += n;
        }
        short[] samples = new short[AudioFrame.SAMPLES];
        for (int i = 0; i < samples.length; i++) {
          samples[i] = (short) ((block[2 * i] & 0xff) | (block[2 * i + 1] << 8));
        }
        capturedFrames.incrementAndGet();
        while (!captured.offer(samples)) {
          if (captured.poll() != null) droppedFrames.incrementAndGet();
        }
      }
    } catch (IOException e) {
      if (!closing) LOG.warn("Instance {}: cannot read the sound recorder any more: {}", instanceId, e.getMessage());
    }
  }

  private String exitStatus() {
    try {
      return String.valueOf(recorder.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private void relayErrors() {
    OutputRelay.start("sound-capture-errors-" + instanceId, recorder.getErrorStream(),
        line -> LOG.info("Instance {} parec: {}", instanceId, line));
  }


  /**
   * The next 20 ms of the program's sound at the audio clock's slot: the oldest captured block, or
   * silence when the recorder has none ready.
   */
  public AudioFrame next(long frameNumber, long captureTimeMillis) {
    short[] samples = captured.poll();
    if (samples == null) {
      silentFills.incrementAndGet();
      backlogTicks = 0;
      return AudioFrame.silence(captureTimeMillis, frameNumber);
    }
    if (captured.size() < BACKLOG_FRAMES) {
      backlogTicks = 0;
    } else if (++backlogTicks >= TRIM_AFTER_TICKS) {
      backlogTicks = 0;
      if (captured.poll() != null) droppedFrames.incrementAndGet();
    }
    return new AudioFrame(samples, captureTimeMillis, frameNumber);
  }

  /** Blocks read from the recorder so far. */
  public long capturedFrames() {
    return capturedFrames.get();
  }

  /** Blocks dropped to keep delay down: more than {@link #MAX_QUEUED_FRAMES} waited, or a lasting backlog. */
  public long droppedFrames() {
    return droppedFrames.get();
  }

  /** Ticks that got silence because no block was ready. */
  public long silentFills() {
    return silentFills.get();
  }

  /** The recorder's process, so that its owner can watch it. */
  public ProcessHandle process() {
    return recorder.toHandle();
  }

  /** Stops the recorder; {@link #next} gives silence from then on. */
  @Override
  public void close() {
    closing = true;
    ChildProcesses.stop(recorder);
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    captured.clear();
  }
}
