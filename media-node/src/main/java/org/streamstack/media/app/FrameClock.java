package org.streamstack.media.app;

import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces frame production: calls {@link Tick#onTick} {@code fps} times a second on its own thread,
 * with consecutive frame numbers and the wall-clock capture time of each tick.
 *
 * <p>Deadlines are absolute ({@code start + n * period}), so the rate does not drift with the time
 * the tick itself takes. A tick that comes back after one or more deadlines have passed does not
 * trigger a burst of catch-up ticks: the missed deadlines are counted and skipped, like a display
 * dropping frames.
 */
public final class FrameClock implements AutoCloseable {

  /** Receives the ticks, on the clock's thread. */
  @FunctionalInterface
  public interface Tick {
    void onTick(long frameNumber, long captureTimeMillis);
  }

  private final int fps;
  private final long periodNanos;
  private final InstantSource wallClock;
  private final Thread thread;
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile boolean running = true;

  private FrameClock(String name, int fps, InstantSource wallClock, Tick tick) {
    if (fps <= 0 || fps > 1000) throw new IllegalArgumentException("fps " + fps);
    this.fps = fps;
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) / fps;
    this.wallClock = wallClock;
    this.thread = new Thread(() -> run(tick), name);
    this.thread.setDaemon(true);
  }

  /** Starts ticking at once; the first frame number is 0. */
  public static FrameClock start(String name, int fps, InstantSource wallClock, Tick tick) {
    FrameClock clock = new FrameClock(name, fps, wallClock, tick);
    clock.thread.start();
    return clock;
  }

  public static FrameClock start(String name, int fps, Tick tick) {
    return start(name, fps, InstantSource.system(), tick);
  }

  public int fps() {
    return fps;
  }

  /** Ticks delivered so far. */
  public long ticks() {
    return ticks.get();
  }

  /** Deadlines skipped because a tick ran past them. */
  public long skippedTicks() {
    return skipped.get();
  }

  private void run(Tick tick) {
    long start = System.nanoTime();
    long slot = 0;
    long frameNumber = 0;
    while (running) {
      long deadline = start + slot * periodNanos;
      long wait;
      while (running && (wait = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(this, wait);
      }
      if (!running) break;
      try {
        tick.onTick(frameNumber++, wallClock.millis());
      } catch (RuntimeException e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
      ticks.incrementAndGet();
      long next = slot + 1;
      long late = System.nanoTime() - (start + next * periodNanos);
      if (late > 0) {
        long missed = late / periodNanos + 1;
        skipped.addAndGet(missed);
        next += missed;
      }
      slot = next;
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
