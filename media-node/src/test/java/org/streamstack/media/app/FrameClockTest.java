package org.streamstack.media.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameClockTest {

  @Test
  void ticksWithConsecutiveFrameNumbersAndTheInjectedWallClock() throws Exception {
    InstantSource wall = InstantSource.fixed(Instant.ofEpochMilli(42));
    List<Long> frames = new CopyOnWriteArrayList<>();
    CountDownLatch ten = new CountDownLatch(10);
    try (FrameClock clock =
        FrameClock.start(
            "test-clock",
            200,
            wall,
            (n, millis) -> {
              assertEquals(42, millis);
              frames.add(n);
              ten.countDown();
            })) {
      assertTrue(ten.await(5, TimeUnit.SECONDS));
      assertEquals(200, clock.fps());
    }
    int count = frames.size();
    for (int i = 0; i < count; i++) assertEquals(i, frames.get(i));
    Thread.sleep(30);
    assertEquals(count, frames.size(), "no ticks after close");
  }

  @Test
  void aSlowTickSkipsDeadlinesInsteadOfBursting() throws Exception {
    CountDownLatch five = new CountDownLatch(5);
    try (FrameClock clock =
        FrameClock.start(
            "slow-clock",
            500,
            (n, millis) -> {
              try {
                Thread.sleep(10); // five periods
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              five.countDown();
            })) {
      assertTrue(five.await(5, TimeUnit.SECONDS));
      assertTrue(clock.skippedTicks() >= 4 * 3, "skipped " + clock.skippedTicks());
    }
  }
}
