package org.streamstack.cluster.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

  @Test
  void allowsTheBurstThenTheRate() {
    TokenBucket bucket = new TokenBucket(10, 3);
    long t = 1_000_000_000L;
    assertTrue(bucket.tryTake(t));
    assertTrue(bucket.tryTake(t));
    assertTrue(bucket.tryTake(t));
    assertFalse(bucket.tryTake(t), "the burst is spent");
    assertFalse(bucket.tryTake(t + 50_000_000L), "half a token after 50 ms at 10/s");
    assertTrue(bucket.tryTake(t + 100_000_000L), "one token after 100 ms");
    assertFalse(bucket.tryTake(t + 100_000_000L));
    assertTrue(bucket.tryTake(t + 10_000_000_000L));
    assertTrue(bucket.tryTake(t + 10_000_000_000L));
    assertTrue(bucket.tryTake(t + 10_000_000_000L));
    assertFalse(bucket.tryTake(t + 10_000_000_000L), "an idle bucket refills to the burst, no further");
  }
}
