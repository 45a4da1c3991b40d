package org.streamstack.cluster.gateway.agents;

import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.StartInstance;
import org.streamstack.protocol.nats.StartedInstance;
import org.streamstack.protocol.nats.StopInstance;
import org.streamstack.protocol.nats.Subjects;

/**
 * {@link AgentClient} over NATS request-reply, to the queue group of the region's agents (one of
 * them answers). A stop is tried twice: a session that ended must not leave its instance running
 * because one message was lost while NATS reconnected.
 */
public final class NatsAgentClient implements AgentClient {

  private static final Logger log = LoggerFactory.getLogger(NatsAgentClient.class);
  private static final Duration STOP_RETRY_DELAY = Duration.ofSeconds(1);

  private final Connection nats;
  private final Duration timeout;
  private final Executor retryDelay;

  public NatsAgentClient(Connection nats, Duration timeout) {
    this.nats = nats;
    this.timeout = timeout;
    this.retryDelay = CompletableFuture.delayedExecutor(STOP_RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<StartedInstance> startInstance(String region, StartInstance start) {
    return request(Subjects.agentStartInstance(region), start)
        .handle((reply, failure) -> {
          if (failure != null) {
            throw new AgentSilentException("region " + region + " did not answer");
          }
          try {
            return NatsJson.read(reply.getData(), StartedInstance.class);
          } catch (NatsJson.MalformedMessageException e) {
            throw new AgentSilentException("region " + region + " answered with nonsense: " + e.getMessage());
          }
        });
  }

  @Override
  public void stopInstance(String region, StopInstance stop) {
    stopOnce(region, stop).thenCompose(done -> done
            ? CompletableFuture.completedFuture(true)
            : CompletableFuture.supplyAsync(() -> null, retryDelay).thenCompose(ignored -> stopOnce(region, stop)))
        .thenAccept(done -> {
          if (!done) {
            log.warn("The instance {} of session {} may still run: region {}'s agent did not confirm its stop, twice",
                stop.instanceId() == null ? "(unknown id)" : stop.instanceId(), stop.sessionId(), region);
          }
        });
  }

  /** True when the agent confirmed; false when it should be tried again. */
  private CompletableFuture<Boolean> stopOnce(String region, StopInstance stop) {
    return request(Subjects.agentStopInstance(region), stop).handle((message, failure) -> {
      if (failure != null) {
        log.info("Region {} did not answer the stop of session {}'s instance", region, stop.sessionId());
        return false;
      }
      try {
        Ack ack = NatsJson.read(message.getData(), Ack.class);
        if (ack.ok()) {
          log.debug("Region {} stopped the instance of session {}", region, stop.sessionId());
          return true;
        }
        log.warn("Region {} could not stop the instance of session {}: {} ({})", region, stop.sessionId(),
            ack.error(), ack.code());
        // A refusal (4xx) will not change on a second try; a failure of AMS (5xx) may.
        return ack.code() == null || ack.code() < 500;
      } catch (NatsJson.MalformedMessageException e) {
        log.warn("Region {} answered the stop of session {}'s instance with nonsense: {}", region, stop.sessionId(),
            e.getMessage());
        return true;
      }
    });
  }

  private CompletableFuture<Message> request(String subject, Object message) {
    try {
      return nats.requestWithTimeout(subject, NatsJson.write(message), timeout);
    } catch (RuntimeException closedOrBadSubject) {
      return CompletableFuture.failedFuture(closedOrBadSubject);
    }
  }
}
