package org.streamstack.media.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BitrateLimitsTest {

  @Test
  void defaultsFromTheIssue() {
    assertEquals(new BitrateLimits(1000, 3000), BitrateLimits.forVideo(1280, 720, 30));
    assertEquals(new BitrateLimits(2500, 5000), BitrateLimits.forVideo(1280, 720, 60));
    assertEquals(new BitrateLimits(3000, 6000), BitrateLimits.forVideo(1920, 1080, 30));
    assertEquals(new BitrateLimits(3000, 7000), BitrateLimits.forVideo(1920, 1080, 60));
  }

  @Test
  void otherSizesTakeTheClosestEntry() {
    assertEquals(BitrateLimits.forVideo(1280, 720, 30), BitrateLimits.forVideo(640, 360, 30));
    assertEquals(BitrateLimits.forVideo(1280, 720, 30), BitrateLimits.forVideo(1366, 768, 25));
    assertEquals(BitrateLimits.forVideo(1920, 1080, 30), BitrateLimits.forVideo(1920, 1200, 30));
    assertEquals(BitrateLimits.forVideo(1920, 1080, 60), BitrateLimits.forVideo(2560, 1440, 60));
    assertEquals(BitrateLimits.forVideo(1280, 720, 60), BitrateLimits.forVideo(1280, 720, 50));
  }

  @Test
  void clampsCongestionControlTargets() {
    BitrateLimits limits = BitrateLimits.forVideo(1280, 720, 30);
    assertEquals(1_000_000, limits.clamp(150_000));
    assertEquals(2_200_000, limits.clamp(2_200_000));
    assertEquals(3_000_000, limits.clamp(12_000_000_000L));
    assertEquals(1_000_000, limits.minBitsPerSecond());
    assertEquals(3_000_000, limits.maxBitsPerSecond());
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new BitrateLimits(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new BitrateLimits(10, 5));
    assertThrows(IllegalArgumentException.class, () -> BitrateLimits.forVideo(0, 720, 30));
  }
}
