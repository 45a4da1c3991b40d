package org.streamstack.cluster.ams;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.Failures;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.StopInstanceOnNode;
import org.streamstack.protocol.nats.Subjects;

/**
 * What AMS says on the bus: requests to its region's agent and to media nodes, and the instance
 * status and client-left reports the agent relays to the gateway. A request that gets no answer
 * fails with a {@link Unanswered} that says whether nobody listens or nobody answered in time.
 */
public final class AmsBus {

  private static final Logger log = LoggerFactory.getLogger(AmsBus.class);

  private final Connection nats;
  private final String region;
  private final Duration timeout;

  public AmsBus(Connection nats, String region, Duration timeout) {
    this.nats = nats;
    this.region = region;
    this.timeout = timeout;
  }

  /** A request nobody answered: {@code nobodyListens} when no subscriber exists, else a timeout. */
  public static final class Unanswered extends RuntimeException {
    public final boolean nobodyListens;

    Unanswered(boolean nobodyListens, String message) {
      super(message, null, false, false);
      this.nobodyListens = nobodyListens;
    }
  }

  public String region() {
    return region;
  }

  public Duration timeout() {
    return timeout;
  }

  public boolean connected() {
    return nats.getStatus() == Connection.Status.CONNECTED;
  }

  /** How often the connection has reconnected since it was opened. */
  public long reconnects() {
    return nats.getStatistics().getReconnects();
  }

  /** Instance first: asks the region's agent for a session for the instance. */
  public CompletionStage<CreatedSession> createSession(CreateSession request) {
    return request(Subjects.agentCreateSession(region), request, CreatedSession.class);
  }

  public CompletionStage<Ack> launch(String nodeId, LaunchInstance request) {
    return request(Subjects.nodeLaunch(region, nodeId), request, Ack.class);
  }

  public CompletionStage<Ack> stop(String nodeId, StopInstanceOnNode request) {
    return request(Subjects.nodeStop(region, nodeId), request, Ack.class);
  }

  public void publishStatus(InstanceStatus status) {
    publish(Subjects.amsInstanceStatus(region), status);
  }

  public void publishClientLeft(ClientLeft clientLeft) {
    publish(Subjects.amsClientLeft(region), clientLeft);
  }

  private void publish(String subject, Object message) {
    try {
      // While the connection is down this waits in the client's reconnect buffer.
      nats.publish(subject, NatsJson.write(message));
    } catch (IllegalStateException closed) {
      log.warn("Could not publish {} on {}: the NATS connection is closed", message.getClass().getSimpleName(), subject);
    }
  }

  /** How long to wait before asking again a subject nobody listens to. */
  private static final Duration NO_RESPONDERS_RETRY = Duration.ofMillis(250);

  /**
   * Sends a request; when nobody listens, asks again every {@link #NO_RESPONDERS_RETRY} until the
   * timeout: a media node or agent reconnecting after a nats-server restart is back within it, and
   * an instance must not fail for the moment it was away.
   */
  private <T> CompletionStage<T> request(String subject, Object message, Class<T> replyType) {
    return attempt(subject, message, replyType, System.nanoTime());
  }

  private <T> CompletionStage<T> attempt(String subject, Object message, Class<T> replyType, long firstAt) {
    // Every attempt gets only what is left of the timeout: the caller's wait bounds them all.
    Duration left = timeout.minusNanos(System.nanoTime() - firstAt);
    return requestOnce(subject, message, replyType, left).handle((answer, failure) -> {
      if (failure == null) return CompletableFuture.completedFuture(answer);
      Throwable cause = Failures.cause(failure);
      boolean timeLeft = System.nanoTime() - firstAt + NO_RESPONDERS_RETRY.toNanos() < timeout.toNanos();
      if (cause instanceof Unanswered unanswered && unanswered.nobodyListens && timeLeft) {
        return CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(NO_RESPONDERS_RETRY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
            .thenCompose(ignored -> attempt(subject, message, replyType, firstAt));
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  private <T> CompletionStage<T> requestOnce(String subject, Object message, Class<T> replyType, Duration limit) {
    long startedAt = System.nanoTime();
    CompletableFuture<io.nats.client.Message> reply;
    try {
      reply = nats.requestWithTimeout(subject, NatsJson.write(message), limit);
    } catch (IllegalStateException closed) {
      return CompletableFuture.failedFuture(new Unanswered(false, "the NATS connection is closed"));
    }
    return reply.handle((answer, failure) -> {
      if (failure != null) throw new CompletionException(unanswered(failure, startedAt, limit));
      try {
        return NatsJson.read(answer.getData(), replyType);
      } catch (NatsJson.MalformedMessageException e) {
        log.warn("Dropped the answer on {}: {}", subject, e.getMessage());
        throw new CompletionException(new Unanswered(false, "the answer was not a " + replyType.getSimpleName()));
      }
    });
  }

  /**
   * The client cancels the request both when the server says nobody subscribes (at once) and when
   * the timeout passes; the time taken tells them apart.
   */
  private Unanswered unanswered(Throwable failure, long startedAt, Duration limit) {
    Throwable cause = Failures.cause(failure);
    Duration waited = Duration.ofNanos(System.nanoTime() - startedAt);
    boolean timedOut = waited.compareTo(limit.multipliedBy(9).dividedBy(10)) >= 0
        || (cause.getMessage() != null && cause.getMessage().contains("not registered in time"));
    if (timedOut) return new Unanswered(false, "no answer within " + AmsSettings.seconds(timeout));
    if (cause instanceof CancellationException) return new Unanswered(true, "nobody listens");
    return new Unanswered(false, cause.toString());
  }
}
