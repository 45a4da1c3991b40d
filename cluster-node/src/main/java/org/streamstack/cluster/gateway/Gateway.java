package org.streamstack.cluster.gateway;

import io.nats.client.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.gateway.accounts.AccountRegistry;
import org.streamstack.cluster.gateway.accounts.AdminApi;
import org.streamstack.cluster.gateway.accounts.Revocations;
import org.streamstack.cluster.gateway.accounts.TokenVerifier;
import org.streamstack.cluster.gateway.agents.AgentClient;
import org.streamstack.cluster.gateway.agents.AgentListener;
import org.streamstack.cluster.gateway.agents.NatsAgentClient;
import org.streamstack.cluster.gateway.http.GatewayApi;
import org.streamstack.cluster.gateway.http.Rejections;
import org.streamstack.cluster.gateway.launch.AgentLaunch;
import org.streamstack.cluster.gateway.launch.InstanceLaunch;
import org.streamstack.cluster.gateway.launch.ManualLaunch;
import org.streamstack.cluster.gateway.regions.AddressRules;
import org.streamstack.cluster.gateway.regions.RegionDirectory;
import org.streamstack.cluster.gateway.regions.RegionSelector;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionIndex;
import org.streamstack.cluster.gateway.signaling.InstanceSocketUrls;
import org.streamstack.cluster.gateway.signaling.SignalingChannel;

/**
 * The gateway role: starts its sharded entities and binds the public API and the loopback-only
 * admin interface. Members without the role still start sharding proxies, so that any member
 * can reach sessions. When instances are launched by agents, it also listens to the agents over
 * NATS: their heartbeats (the region directory) and their reports and requests.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  public record Bindings(ServerBinding api, ServerBinding admin) {}

  private Gateway() {}

  /**
   * The client through which sessions reach the agents: over {@code nats} when this member's gateway
   * launches instances through agents, none otherwise (manual launch, or a member without the role).
   */
  public static AgentClient agentClient(GatewaySettings settings, Connection nats) {
    if (settings.instanceLaunch() != GatewaySettings.InstanceLaunch.AGENTS || nats == null) return AgentClient.none();
    return new NatsAgentClient(nats, settings.agents().requestTimeout());
  }

  /** Starts the entities' sharding (every member calls this: a member without the role gets proxies). */
  public static void initSharding(ActorSystem<?> system, GatewaySettings settings, Clock clock, AgentClient agents) {
    SessionEntity.initSharding(system, settings, clock, agents);
    SessionIndex.initSharding(system);
    SignalingChannel.initSharding(system, settings);
    AccountRegistry.initSharding(system, clock);
  }

  /**
   * Binds the API and the admin interface. {@code nats} is the member's bus connection, needed (and
   * only used) when instances are launched by agents.
   */
  public static CompletionStage<Bindings> bind(ActorSystem<?> system, GatewaySettings settings, Clock clock,
      Connection nats, AgentClient agents) {
    boolean throughAgents = settings.instanceLaunch() == GatewaySettings.InstanceLaunch.AGENTS;
    if (throughAgents && nats == null) {
      throw new IllegalStateException("instance-launch = agents needs a NATS connection");
    }
    TokenVerifier tokens = new TokenVerifier(system, settings.tokenCacheTtl(), settings.sessions().askTimeout());
    Rejections rejections = new Rejections();
    InstanceSocketUrls instanceSockets = new InstanceSocketUrls(settings.publicUrl());
    AddressRules rules = AddressRules.open(settings.routing());
    system.getWhenTerminated().thenRun(rules::close);
    InstanceLaunch launch;
    if (throughAgents) {
      ActorRef<RegionDirectory.Command> directory = system.systemActorOf(
          RegionDirectory.create(nats, settings.agents(), clock, RegionSelector.byAddress(rules)), "region-directory",
          Props.empty());
      launch = new AgentLaunch(system, settings, directory, agents, instanceSockets);
    } else {
      launch = new ManualLaunch(settings, rules);
    }
    Http http = Http.get(system);
    CompletionStage<ServerBinding> api = http.newServerAt(settings.iface(), settings.port())
        .bind(new GatewayApi(system, settings, tokens, rejections, clock, launch));
    // Instance socket URLs need the port the API really got: with port 0 (tests, ephemeral
    // deployments) the configured one is no port at all.
    return api.thenCompose(apiBinding -> {
      instanceSockets.apiBound(apiBinding.localAddress().getPort());
      if (throughAgents) listenToAgents(system, nats, settings, instanceSockets, clock);
      return http.newServerAt("127.0.0.1", settings.adminPort())
          .bind(new AdminApi(system, settings, tokens, Revocations.start(system, tokens), rejections, instanceSockets))
          .thenApply(adminBinding -> {
            apiBinding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
            adminBinding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
            return new Bindings(apiBinding, adminBinding);
          });
    });
  }

  private static void listenToAgents(ActorSystem<?> system, Connection nats, GatewaySettings settings,
      InstanceSocketUrls instanceSockets, Clock clock) {
    if (!instanceSockets.reachableFromOtherHosts()) {
      log.warn("streamstack.gateway.public-url is not set: instances get instance socket URLs on 127.0.0.1,"
          + " which media nodes on other hosts cannot reach (set STREAMSTACK_GATEWAY_PUBLIC_URL)");
    }
    AgentListener listener = AgentListener.start(system, nats, settings, instanceSockets, clock);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-listening-to-agents",
        () -> {
          listener.stop();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
  }
}
