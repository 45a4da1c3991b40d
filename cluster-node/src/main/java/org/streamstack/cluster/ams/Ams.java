package org.streamstack.cluster.ams;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.nats.client.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.ams.applications.ApplicationRegistry;
import org.streamstack.cluster.ams.http.AmsApi;
import org.streamstack.cluster.ams.instances.InstanceEntity;
import org.streamstack.cluster.ams.instances.InstanceIndex;
import org.streamstack.cluster.ams.nodes.NodeRegistry;

/**
 * The role ams: the management service of this member's region. It starts the application
 * registry, the instances and their index, the node registry (a singleton), listens to the media
 * nodes on NATS, and binds the management API.
 */
public final class Ams {

  private static final Logger log = LoggerFactory.getLogger(Ams.class);

  private Ams() {}

  /**
   * Starts the role; the stage completes with the API's binding. Refuses at once (before anything
   * starts) when no token is configured or there is no NATS connection.
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Config config, Clock clock, Connection nats) {
    AmsSettings settings = AmsSettings.from(config);
    if (nats == null) throw new IllegalStateException("the ams role needs a NATS connection");
    AmsBus bus = new AmsBus(nats, settings.region(), settings.requestTimeout());
    ApplicationRegistry.initSharding(system, clock);
    InstanceIndex.initSharding(system);
    ActorRef<NodeRegistry.Command> nodes = NodeRegistry.init(system, settings, bus, clock);
    InstanceEntity.initSharding(system, settings, bus, nodes, clock);
    BusListener.subscribe(system, nats, settings.region(), nodes);

    // A request may wait for an operation (wait?timeout=) or for an agent and a node (create):
    // the server must not answer 503 on its own before that.
    Duration longest = settings.maxOperationWait().compareTo(settings.createTimeout()) > 0
        ? settings.maxOperationWait() : settings.createTimeout();
    ServerSettings server = ServerSettings.create(config.withValue("pekko.http.server.request-timeout",
        ConfigValueFactory.fromAnyRef(longest.plusSeconds(10).toMillis() + " ms")));
    return Http.get(system).newServerAt(settings.iface(), settings.port())
        .withSettings(server)
        .bind(new AmsApi(system, settings, nodes, clock))
        .thenApply(binding -> {
          binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
          log.info("AMS API of region {} on http://{}:{}/1.0", settings.region(), settings.iface(),
              binding.localAddress().getPort());
          return binding;
        });
  }
}
