package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class AudioClockTest {

  private static final long START = 1_767_225_600_000L;
  private static final InstantSource FIXED = InstantSource.fixed(Instant.ofEpochMilli(START));

  private record Tick(long frameNumber, long captureTimeMillis, long atNanos) {}

  @Test
  void ticksEveryTwentyMillisecondsOnTheSampleClock() {
    List<Tick> ticks = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    try (AudioClock clock =
        AudioClock.start("audio-clock-test", FIXED, (n, t) -> ticks.add(new Tick(n, t, System.nanoTime())))) {
      await(() -> ticks.size() >= 10);
      assertEquals(0, clock.skippedTicks());
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(i, ticks.get(i).frameNumber());
      // The slot on the sample clock, not the moment the tick ran.
      assertEquals(START + 20L * i, ticks.get(i).captureTimeMillis());
    }
    // Ten ticks span nine periods: never early.
    assertTrue(ticks.get(9).atNanos() - t0 >= TimeUnit.MILLISECONDS.toNanos(180));
  }

  @Test
  void aShortStallIsCaughtUpWithoutLosingFrames() {
    List<Tick> ticks = new CopyOnWriteArrayList<>();
    try (AudioClock clock =
        AudioClock.start(
            "audio-clock-test",
            FIXED,
            (n, t) -> {
              ticks.add(new Tick(n, t, System.nanoTime()));
              if (n == 2) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(45));
            })) {
      await(() -> ticks.size() >= 8);
      assertEquals(0, clock.skippedTicks());
    }
    for (int i = 0; i < 8; i++) {
      assertEquals(i, ticks.get(i).frameNumber(), "no frame skipped");
      assertEquals(START + 20L * i, ticks.get(i).captureTimeMillis());
    }
    // Frames 3 and 4 fell due during the stall and came at once after it.
    assertTrue(ticks.get(4).atNanos() - ticks.get(3).atNanos() < TimeUnit.MILLISECONDS.toNanos(10));
  }

  @Test
  void aLongStallSkipsAheadInsteadOfBuildingDelay() {
    List<Tick> ticks = new CopyOnWriteArrayList<>();
    try (AudioClock clock =
        AudioClock.start(
            "audio-clock-test",
            FIXED,
            (n, t) -> {
              ticks.add(new Tick(n, t, System.nanoTime()));
              if (n == 1) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
            })) {
      await(() -> ticks.size() >= 4);
      Tick after = ticks.get(2);
      // About 15 slots passed during the stall: the clock went on at the present one.
      assertTrue(after.frameNumber() >= 2 + AudioClock.MAX_CATCH_UP, "resumed at " + after.frameNumber());
      assertTrue(clock.skippedTicks() >= after.frameNumber() - 2, "skips counted");
      assertEquals(START + 20 * after.frameNumber(), after.captureTimeMillis(), "slots, skipped ones too");
    }
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertFalse(System.nanoTime() > deadline, "condition not met within 5 s");
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
