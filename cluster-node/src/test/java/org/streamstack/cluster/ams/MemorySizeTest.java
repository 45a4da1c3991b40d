package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.streamstack.cluster.ams.applications.MemorySize;

class MemorySizeTest {

  @Test
  void sizesReadLikeLxdReadsThem() {
    assertEquals(512, MemorySize.parse("512"));
    assertEquals(512, MemorySize.parse("512B"));
    assertEquals(2_000_000_000L, MemorySize.parse("2GB"));
    assertEquals(1_500_000_000L, MemorySize.parse("1.5GB"));
    assertEquals(1L << 30, MemorySize.parse("1GiB"));
    assertEquals(10L << 20, MemorySize.parse("10 MiB"));
    assertEquals(3_000, MemorySize.parse("3kb"));
    assertEquals(1L << 40, MemorySize.parse("1TiB"));
  }

  @Test
  void whatIsNoSizeIsRefused() {
    for (String bad : new String[] {"", "lots", "2 GBs", "-1", "1.5", "GB", "99999999999999TB"}) {
      assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(bad), bad);
    }
  }
}
