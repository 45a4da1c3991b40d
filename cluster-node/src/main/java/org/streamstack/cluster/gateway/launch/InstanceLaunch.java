package org.streamstack.cluster.gateway.launch;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.protocol.gateway.RegionView;

/**
 * How the gateway's sessions get instances, and so which regions and applications it offers:
 * through the regions' agents ({@link AgentLaunch}), or by an operator who connects each instance
 * and configures the lists ({@link ManualLaunch}). Refusals fail the returned stage with {@link LaunchRefused}.
 */
public interface InstanceLaunch {

  CompletionStage<List<RegionView>> regions();

  CompletionStage<List<String>> applications();

  /**
   * The region new session {@code sessionId} of {@code app} runs in: {@code requestedRegion} when it
   * can serve the session, or the best one for the client at {@code client} (null: unknown) when it
   * is null or empty.
   */
  CompletionStage<String> regionFor(String sessionId, String app, String requestedRegion, InetAddress client);

  /**
   * Gets a newly created session its instance. Completes with the session as it is then; fails with
   * a {@link LaunchRefused} once the session is in error with the reason.
   */
  CompletionStage<SessionRecord> startInstance(SessionRecord session);

  /**
   * The creation of session {@code sessionId} failed after {@link #regionFor} chose its region:
   * whatever the choice held for it (a slot counted as taken) is let go, unless its instance
   * started.
   */
  default void creationFailed(String sessionId) {}
}
