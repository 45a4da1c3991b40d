package org.streamstack.media.audio;

import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces audio production: calls {@link Tick#onTick} every 20 ms on its own thread with the frame
 * number and capture time of the next {@link AudioFrame}.
 *
 * <p>Not {@code FrameClock} at 50 fps, because audio timing differs from video timing in two ways.
 * The capture time is the frame's slot on the sample clock, {@code start + 20 ms * frameNumber},
 * not the moment the tick ran: RTP timestamps then step by exactly 960 and carry none of this
 * thread's scheduling jitter into the receiver's jitter buffer. And a late tick catches up: sound
 * is continuous, a skipped frame is an audible gap, while a burst of a few frames is absorbed by
 * the receiver's jitter buffer, as it is from a real capture device that delivers what it buffered.
 * Only when more than {@link #MAX_CATCH_UP} frames are due (a stall of over 100 ms) does the clock
 * skip ahead to the present, counting the skipped slots, so a stall never turns into lasting delay.
 *
 * <p>Deadlines are absolute on the monotonic clock; the wall clock is read once, at start, to
 * anchor capture times.
 */
public final class AudioClock implements AutoCloseable {

  /** Frames delivered late in one burst before the clock skips ahead instead. */
  public static final int MAX_CATCH_UP = 5;

  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(AudioFrame.FRAME_MILLIS);

  /** Receives the ticks, on the clock's thread. */
  @FunctionalInterface
  public interface Tick {
    void onTick(long frameNumber, long captureTimeMillis);
  }

  private final InstantSource wallClock;
  private final Thread thread;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;

  private AudioClock(String name, InstantSource wallClock, Tick tick) {
    this.wallClock = wallClock;
    this.thread = new Thread(() -> run(tick), name);
    this.thread.setDaemon(true);
  }

  /** Starts ticking at once; the first frame number is 0, captured at the wall clock's now. */
  public static AudioClock start(String name, InstantSource wallClock, Tick tick) {
    AudioClock clock = new AudioClock(name, wallClock, tick);
    clock.thread.start();
    return clock;
  }

  public static AudioClock start(String name, Tick tick) {
    return start(name, InstantSource.system(), tick);
  }

  /** Ticks delivered so far. */
  public long ticks() {
    return ticks.get();
  }

  /** Frame slots skipped because the clock fell more than {@link #MAX_CATCH_UP} frames behind. */
  public long skippedTicks() {
    return skipped.get();
  }

  private void run(Tick tick) {
    long startNanos = System.nanoTime();
    long startMillis = wallClock.millis();
    long frameNumber = 0;
    while (running) {
      long deadline = startNanos + frameNumber * PERIOD_NANOS;
      long wait;
      while (running && (wait = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, wait);
      }
      if (!running) break;
      try {
        tick.onTick(frameNumber, startMillis + frameNumber * AudioFrame.FRAME_MILLIS);
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
      ticks.incrementAndGet();
      frameNumber++;
      long due = (System.nanoTime() - startNanos) / PERIOD_NANOS; // the slot that is running now
      if (due - frameNumber >= MAX_CATCH_UP) {
        skipped.addAndGet(due - frameNumber);
        frameNumber = due;
      }
    }
  }

  /** Stops ticking and waits for a running tick to finish. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
