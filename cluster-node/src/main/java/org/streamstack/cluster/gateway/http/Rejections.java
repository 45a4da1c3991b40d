package org.streamstack.cluster.gateway.http;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts and logs every request refused for bad input or bad credentials. */
public final class Rejections {

  private static final Logger log = LoggerFactory.getLogger(Rejections.class);

  private final AtomicLong count = new AtomicLong();

  public void record(HttpRequest request, String client, int status, String reason) {
    long total = count.incrementAndGet();
    log.warn("Refused {} {} from {}: {} {} ({} refused so far)",
        request.method().value(), request.getUri().path(), client, status, reason, total);
  }

  public long total() {
    return count.get();
  }
}
