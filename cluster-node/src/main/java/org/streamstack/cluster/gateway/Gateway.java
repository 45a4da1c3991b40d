package org.streamstack.cluster.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.streamstack.cluster.gateway.accounts.AccountRegistry;
import org.streamstack.cluster.gateway.accounts.AdminApi;
import org.streamstack.cluster.gateway.accounts.Revocations;
import org.streamstack.cluster.gateway.accounts.TokenVerifier;
import org.streamstack.cluster.gateway.http.GatewayApi;
import org.streamstack.cluster.gateway.http.Rejections;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionIndex;
import org.streamstack.cluster.gateway.signaling.SignalingChannel;

/**
 * The gateway role: starts its sharded entities and binds the public API and the loopback-only
 * admin interface. Members without the role still start sharding proxies, so that any member
 * can reach sessions.
 */
public final class Gateway {

  public record Bindings(ServerBinding api, ServerBinding admin) {}

  private Gateway() {}

  /** Starts the entities' sharding (every member calls this: a member without the role gets proxies). */
  public static void initSharding(ActorSystem<?> system, GatewaySettings settings, Clock clock) {
    SessionEntity.initSharding(system, settings, clock);
    SessionIndex.initSharding(system);
    SignalingChannel.initSharding(system, settings);
    AccountRegistry.initSharding(system, clock);
  }

  public static CompletionStage<Bindings> bind(ActorSystem<?> system, GatewaySettings settings, Clock clock) {
    TokenVerifier tokens = new TokenVerifier(system, settings.tokenCacheTtl(), settings.sessions().askTimeout());
    Rejections rejections = new Rejections();
    Http http = Http.get(system);
    CompletionStage<ServerBinding> api = http.newServerAt(settings.iface(), settings.port())
        .bind(new GatewayApi(system, settings, tokens, rejections, clock));
    // The admin interface hands out socket URLs of the API, so it needs the port the API really
    // got: with port 0 (tests, ephemeral deployments) the configured one is no port at all.
    return api.thenCompose(apiBinding -> http.newServerAt("127.0.0.1", settings.adminPort())
        .bind(new AdminApi(system, settings, tokens, Revocations.start(system, tokens), rejections,
            apiBinding.localAddress().getPort()))
        .thenApply(adminBinding -> {
          apiBinding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
          adminBinding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
          return new Bindings(apiBinding, adminBinding);
        }));
  }
}
