package org.streamstack.cluster.gateway.agents;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.streamstack.protocol.nats.StartInstance;
import org.streamstack.protocol.nats.StartedInstance;
import org.streamstack.protocol.nats.StopInstance;

/**
 * The gateway's requests to the agent of a region: start the instance of a session, stop it. Over
 * NATS when instances are launched by agents ({@link NatsAgentClient}); {@link #none()} when an
 * operator connects instances by hand.
 */
public interface AgentClient {

  /**
   * Asks the region's agent to start a streaming instance for a session. Completes with the agent's
   * answer (an instance id, or why not), or fails with {@link AgentSilentException} when no agent of
   * the region answered in time.
   */
  CompletionStage<StartedInstance> startInstance(String region, StartInstance start);

  /** Tells the region's agent to stop a session's instance; failures are logged, not returned. */
  void stopInstance(String region, StopInstance stop);

  /** No agents: starting fails, stopping does nothing (manual instance launch). */
  static AgentClient none() {
    return new AgentClient() {
      @Override
      public CompletionStage<StartedInstance> startInstance(String region, StartInstance start) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("this gateway launches no instances (instance-launch = manual)"));
      }

      @Override
      public void stopInstance(String region, StopInstance stop) {}
    };
  }

  /** No agent of the region answered within the request timeout (none running, or none reachable). */
  final class AgentSilentException extends RuntimeException {
    public AgentSilentException(String message) {
      super(message, null, false, false);
    }
  }
}
