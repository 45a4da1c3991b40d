package org.streamstack.cluster;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.nats.client.Connection;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.agent.AgentSettings;
import org.streamstack.cluster.agent.StreamAgent;
import org.streamstack.cluster.ams.Ams;
import org.streamstack.cluster.gateway.Gateway;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.agents.AgentClient;
import org.streamstack.cluster.health.BoundServices;
import org.streamstack.cluster.journal.JournalSchema;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsSettings;

/**
 * One member of the cluster: an actor system with the roles it was given. Closing it leaves the
 * cluster gracefully, so that its shards move to the other members at once.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private final ActorSystem<Void> system;
  private final GatewaySettings gatewaySettings;
  private final Gateway.Bindings bindings;
  private final Connection nats;
  private final ServerBinding amsBinding;
  private final int managementPort;

  private ClusterNode(ActorSystem<Void> system, GatewaySettings gatewaySettings, Gateway.Bindings bindings,
      Connection nats, ServerBinding amsBinding, int managementPort) {
    this.system = system;
    this.gatewaySettings = gatewaySettings;
    this.bindings = bindings;
    this.nats = nats;
    this.amsBinding = amsBinding;
    this.managementPort = managementPort;
  }

  /**
   * Starts Pekko Management (health checks; with Kubernetes API discovery, cluster bootstrap) before
   * anything else, so that the orchestrator sees a live but not yet ready member while it starts.
   * Returns the port it listens on.
   */
  private static int startManagement(ActorSystem<Void> system, Config config, List<String> roles) throws Exception {
    BoundServices services = BoundServices.get(system);
    if (roles.contains("gateway")) services.expect(BoundServices.GATEWAY_API);
    if (roles.contains("ams")) services.expect(BoundServices.AMS_API);
    // Not ready from the moment the member starts to leave, so no new traffic is routed to it.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "streamstack-not-ready",
        () -> {
          services.unbound(BoundServices.GATEWAY_API);
          services.unbound(BoundServices.AMS_API);
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    String host = config.getString("pekko.management.http.hostname");
    int port;
    try {
      port = PekkoManagement.get(classic).start().toCompletableFuture().get(30, TimeUnit.SECONDS).port();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
      throw new IllegalStateException("the management endpoint (health checks) could not listen on " + host + ":"
          + config.getInt("pekko.management.http.port") + " (--management-port, STREAMSTACK_MANAGEMENT_PORT): "
          + cause.getMessage(), e);
    }
    log.info("Health checks on http://{}:{}/alive and /ready", host, port);
    if (NodeOptions.KUBERNETES_API.equals(config.getString("streamstack.node.discovery"))) {
      log.info("Finding the other members through the Kubernetes API: pods labelled {}",
          config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
      try {
        ClusterBootstrap.get(classic).start();
      } catch (RuntimeException e) {
        throw new IllegalStateException("cluster bootstrap through the Kubernetes API could not start (" + e
            + "); it needs the pod's service account (token, CA and namespace under "
            + "/var/run/secrets/kubernetes.io/serviceaccount); outside Kubernetes use discovery seed-nodes", e);
      }
    }
    return port;
  }

  /**
   * The member's connection to the bus, opened at start and closed after the actor system stops.
   * It connects in the background and keeps reconnecting, so a member starts before nats-server does.
   */
  private static Connection openNats(Config config, ActorSystem<Void> system) throws InterruptedException {
    Config node = config.getConfig("streamstack.node");
    NatsSettings settings = new NatsSettings(node.getString("nats-url"), node.getString("nats-token"),
        node.getString("nats-user"), node.getString("nats-password"), "cluster-node " + system.address());
    log.info("Connecting to NATS at {}", settings.redactedUrl());
    return NatsConnector.connect(settings);
  }

  public static ClusterNode start(NodeOptions options) {
    return start(options.toConfig());
  }

  public static ClusterNode start(Config config) {
    List<String> roles = config.getStringList("streamstack.node.roles");
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2) {
      log.warn("The common fork-join pool has {} thread: CompletableFuture starts a thread for every async stage."
          + " Start the JVM with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (Main does it).",
          java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), NodeOptions.SYSTEM_NAME, config);
    Connection nats = null;
    try {
      log.info("Cluster member {} starting with roles {}; journal at {}",
          system.address(), roles, config.getString("streamstack.journal.url"));
      int managementPort = startManagement(system, config, roles);
      // The journal's tables are created before any entity can write to them.
      JournalSchema.ensure(system, Duration.ofSeconds(30));
      Clock clock = Clock.systemUTC();
      GatewaySettings gatewaySettings = GatewaySettings.from(config);
      // Read before anything connects: an agent without its AMS credential does not start at all.
      AgentSettings agentSettings = roles.contains("agent") ? AgentSettings.from(config) : null;
      boolean gatewayLaunchesThroughAgents = roles.contains("gateway")
          && gatewaySettings.instanceLaunch() == GatewaySettings.InstanceLaunch.AGENTS;
      if (roles.contains("agent") || roles.contains("ams") || gatewayLaunchesThroughAgents) {
        nats = openNats(config, system);
      }
      AgentClient agents = Gateway.agentClient(gatewaySettings, gatewayLaunchesThroughAgents ? nats : null);
      Gateway.initSharding(system, gatewaySettings, clock, agents);
      Gateway.Bindings bindings = null;
      if (roles.contains("gateway")) {
        bindings = Gateway.bind(system, gatewaySettings, clock, gatewayLaunchesThroughAgents ? nats : null, agents)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        log.info("Gateway API on http://{}:{}/1.0, admin interface on http://127.0.0.1:{}/admin/v1",
            gatewaySettings.iface(), bindings.api().localAddress().getPort(), bindings.admin().localAddress().getPort());
        BoundServices.get(system).bound(BoundServices.GATEWAY_API);
      }
      if (agentSettings != null) StreamAgent.start(system, nats, agentSettings);
      ServerBinding amsBinding = roles.contains("ams")
          ? Ams.start(system, config, clock, nats).toCompletableFuture().get(30, TimeUnit.SECONDS) : null;
      if (amsBinding != null) BoundServices.get(system).bound(BoundServices.AMS_API);
      Connection bus = nats;
      system.getWhenTerminated().thenRun(() -> closeQuietly(bus));
      return new ClusterNode(system, gatewaySettings, bindings, nats, amsBinding, managementPort);
    } catch (Exception e) {
      system.terminate();
      closeQuietly(nats);
      throw new IllegalStateException("cluster member failed to start: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Connection nats) {
    if (nats == null) return;
    try {
      nats.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** This member's NATS connection (connected or reconnecting), or null when none of its roles needs one. */
  public Connection nats() {
    return nats;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public GatewaySettings gatewaySettings() {
    return gatewaySettings;
  }

  /** The port the gateway API listens on (useful when it was started on port 0). */
  public int gatewayPort() {
    return bindings.api().localAddress().getPort();
  }

  /** The port the AMS API listens on (role ams; useful when it was started on port 0). */
  public int amsPort() {
    return amsBinding.localAddress().getPort();
  }

  /** The port of Pekko Management: GET /alive, GET /ready (useful when it was started on port 0). */
  public int managementPort() {
    return managementPort;
  }

  public int adminPort() {
    return bindings.admin().localAddress().getPort();
  }

  /** Leaves the cluster and stops, waiting at most {@code timeout}. */
  public void close(Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Cluster member {} did not stop within {}", system.address(), timeout);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
