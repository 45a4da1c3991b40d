package org.streamstack.cluster.gateway.http;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in, at most {@code burst} are kept. The
 * caller passes the time, so tests need no clock of their own.
 */
public final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;
  private boolean started;

  public TokenBucket(double ratePerSecond, int burst) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
  }

  public synchronized boolean tryTake(long nowNanos) {
    if (started) {
      tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
    }
    started = true;
    lastNanos = nowNanos;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
