package org.streamstack.cluster.gateway.launch;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.agents.AgentClient;
import org.streamstack.cluster.gateway.regions.RegionPick;
import org.streamstack.cluster.gateway.regions.RegionDirectory;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.cluster.gateway.signaling.InstanceSocketUrls;
import org.streamstack.protocol.gateway.RegionView;
import org.streamstack.protocol.nats.StartInstance;
import org.streamstack.protocol.nats.StopInstance;

/**
 * Instances started by the regions' agents (gateway first, ARCHITECTURE.md): the regions and their
 * applications are what the agents report, a session's region is checked against them, and once the
 * session exists its instance credential goes to the region's agent, which has AMS start an instance
 * that connects with it.
 */
public final class AgentLaunch implements InstanceLaunch {

  private static final Logger log = LoggerFactory.getLogger(AgentLaunch.class);

  private final ActorSystem<?> system;
  private final ActorRef<RegionDirectory.Command> directory;
  private final AgentClient agents;
  private final InstanceSocketUrls instanceSockets;
  private final Duration askTimeout;

  public AgentLaunch(ActorSystem<?> system, GatewaySettings settings, ActorRef<RegionDirectory.Command> directory,
      AgentClient agents, InstanceSocketUrls instanceSockets) {
    this.system = system;
    this.directory = directory;
    this.agents = agents;
    this.instanceSockets = instanceSockets;
    this.askTimeout = settings.sessions().askTimeout();
  }

  private CompletionStage<RegionDirectory.Regions> known() {
    return AskPattern.ask(directory, RegionDirectory.GetRegions::new, askTimeout, system.scheduler());
  }

  @Override
  public CompletionStage<List<RegionView>> regions() {
    return known().thenApply(known -> known.regions().stream()
        .map(region -> new RegionView(region.name(), region.canStartNow()))
        .toList());
  }

  @Override
  public CompletionStage<List<String>> applications() {
    return known().thenApply(RegionDirectory.Regions::applications);
  }

  @Override
  public CompletionStage<String> regionFor(String sessionId, String app, String requestedRegion, InetAddress client) {
    return AskPattern.<RegionDirectory.Command, RegionPick>ask(directory,
            replyTo -> new RegionDirectory.Pick(sessionId, app, requestedRegion, client, replyTo), askTimeout,
            system.scheduler())
        .thenApply(pick -> {
          if (pick instanceof RegionPick.Refused refused) throw new LaunchRefused(refused.status(), refused.reason());
          RegionPick.Chosen chosen = (RegionPick.Chosen) pick;
          log.info("Session {} runs in region {}: {}", sessionId, chosen.region().name(), chosen.rule());
          return chosen.region().name();
        });
  }

  @Override
  public void creationFailed(String sessionId) {
    directory.tell(new RegionDirectory.Abandoned(sessionId));
  }

  @Override
  public CompletionStage<SessionRecord> startInstance(SessionRecord session) {
    EntityRef<SessionEntity.Command> entity = ClusterSharding.get(system).entityRefFor(SessionEntity.TYPE_KEY, session.id());
    return entity.<SessionEntity.Reply>ask(SessionEntity.IssueInstanceCredential::new, askTimeout)
        .thenCompose(reply -> {
          if (reply instanceof SessionEntity.Refused refused) {
            throw new LaunchRefused(409, "session " + session.id() + " ended before its instance started: "
                + refused.message());
          }
          String url = instanceSockets.url(session.id(), ((SessionEntity.Accepted) reply).credential());
          return agents.startInstance(session.region(),
                  new StartInstance(session.id(), session.app(), session.appVersion(), session.screen(), url))
              .handle((started, failure) -> {
                directory.tell(failure == null && started.ok()
                    ? new RegionDirectory.Settled(session.id(), true, started.agentId(), started.startSeq())
                    : new RegionDirectory.Settled(session.id(), false, null, null));
                if (failure != null) return fail(entity, session, 503, noAnswer(session, failure));
                if (!started.ok()) {
                  return fail(entity, session, statusOf(started.code()),
                      "region " + session.region() + " cannot start '" + session.app() + "': " + started.error());
                }
                return assign(entity, session, started.instanceId());
              })
              .thenCompose(next -> next);
        });
  }

  /**
   * Why the agent gave no answer. It may still have started an instance, which must not outlive
   * the session: the agent is told to stop whatever it started for the session.
   */
  private String noAnswer(SessionRecord session, Throwable failure) {
    Throwable cause = Failures.cause(failure);
    String reason = cause instanceof AgentClient.AgentSilentException ? cause.getMessage()
        : "region " + session.region() + " did not answer: " + cause;
    agents.stopInstance(session.region(), new StopInstance(session.id(), null, "the gateway gave up: " + reason));
    return reason;
  }

  private CompletionStage<SessionRecord> assign(EntityRef<SessionEntity.Command> entity, SessionRecord session,
      String instanceId) {
    if (instanceId == null || instanceId.isBlank()) {
      return fail(entity, session, 503, "region " + session.region() + " started an instance without an id");
    }
    return entity.<SessionEntity.Reply>ask(replyTo -> new SessionEntity.AssignInstance(instanceId, replyTo), askTimeout)
        .thenApply(reply -> {
          if (reply instanceof SessionEntity.Refused refused) throw new LaunchRefused(409, refused.message());
          log.debug("Session {} is served by instance {} in region {}", session.id(), instanceId, session.region());
          return ((SessionEntity.Accepted) reply).session();
        });
  }

  private CompletionStage<SessionRecord> fail(EntityRef<SessionEntity.Command> entity, SessionRecord session,
      int status, String reason) {
    log.info("Session {} gets no instance: {}", session.id(), reason);
    return entity.<SessionEntity.Reply>ask(replyTo -> new SessionEntity.Fail(reason, replyTo), askTimeout)
        .thenApply(recorded -> {
          throw new LaunchRefused(status, reason);
        });
  }

  /** The agent's code passed on when it names a refusal or a failure, 503 otherwise. */
  private static int statusOf(Integer code) {
    return code != null && code >= 400 && code <= 599 ? code : 503;
  }
}
