package org.streamstack.cluster.gateway.accounts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.stream.Materializer;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.http.GatewayApi;
import org.streamstack.cluster.gateway.http.HttpReply;
import org.streamstack.cluster.gateway.http.Rejections;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.signaling.InstanceSocketUrls;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * The operator's interface: accounts and their tokens, and the instance side's socket credential
 * of a session (for instances an operator connects by hand; agents get theirs over NATS). Bound to
 * loopback only, and it refuses any request that does not come from this machine.
 *
 * <pre>
 * GET    /admin/v1/accounts
 * POST   /admin/v1/accounts              {"name":"...", "token_ttl_days": 30}   (omit: no expiry)
 * DELETE /admin/v1/accounts/{name}
 * POST   /admin/v1/sessions/{id}/instance-socket
 * </pre>
 */
public final class AdminApi implements org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> {

  public record CreateAccountRequest(
      @JsonProperty("name") String name, @JsonProperty("token_ttl_days") Integer tokenTtlDays) {}

  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final TokenVerifier tokens;
  private final Revocations revocations;
  private final Rejections rejections;
  private final Materializer materializer;
  private final InstanceSocketUrls instanceSockets;

  public AdminApi(ActorSystem<?> system, GatewaySettings settings, TokenVerifier tokens, Revocations revocations,
      Rejections rejections, InstanceSocketUrls instanceSockets) {
    this.system = system;
    this.instanceSockets = instanceSockets;
    this.settings = settings;
    this.tokens = tokens;
    this.revocations = revocations;
    this.rejections = rejections;
    this.materializer = Materializer.matFromSystem(system);
  }

  private static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    CompletionStage<HttpResponse> response;
    try {
      if (!fromLoopback(request)) throw new Refusal(403, "the admin interface answers this machine only");
      response = route(request);
    } catch (Refusal refusal) {
      response = CompletableFuture.failedFuture(refusal);
    }
    return response.exceptionally(failure -> {
      Throwable cause = Failures.cause(failure);
      if (cause instanceof Refusal refusal) {
        rejections.record(request, "admin", refusal.status, refusal.getMessage());
        return HttpReply.error(refusal.status, refusal.getMessage());
      }
      if (cause instanceof TimeoutException) return HttpReply.error(503, "the cluster did not answer in time; try again");
      system.log().error("admin request failed", cause);
      return HttpReply.error(500, "internal error: " + cause);
    });
  }

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    String[] path = request.getUri().path().replaceAll("/+$", "").split("/");
    String method = request.method().value();
    // path[0] is empty: the path starts with '/'.
    if (path.length < 3 || !path[1].equals("admin") || !path[2].equals("v1")) throw new Refusal(404, "no such endpoint");
    Duration timeout = settings.sessions().askTimeout();
    if (path.length == 4 && path[3].equals("accounts")) {
      if (method.equals("GET")) {
        return AccountRegistry.ref(system).<AccountRegistry.Reply>ask(AccountRegistry.ListAccounts::new, timeout)
            .thenApply(reply -> HttpReply.sync(200,
                ((AccountRegistry.Accounts) reply).accounts().stream().map(AdminApi::view).toList()));
      }
      if (method.equals("POST")) return createAccount(request, timeout);
      throw new Refusal(405, "use GET or POST");
    }
    if (path.length == 5 && path[3].equals("accounts")) {
      if (!method.equals("DELETE")) throw new Refusal(405, "use DELETE");
      String name = path[4];
      return AccountRegistry.ref(system)
          .<AccountRegistry.Reply>ask(replyTo -> new AccountRegistry.DeleteAccount(name, replyTo), timeout)
          .thenApply(reply -> {
            if (reply instanceof AccountRegistry.Refused refused) throw new Refusal(404, refused.message());
            tokens.forget(name);
            revocations.publish(name);
            return HttpReply.sync(200, Map.of("name", name));
          });
    }
    if (path.length == 6 && path[3].equals("sessions") && path[5].equals("instance-socket")) {
      if (!method.equals("POST")) throw new Refusal(405, "use POST");
      String sessionId = path[4];
      // Like the public API, no entity is started for an id that cannot be a session's.
      if (!GatewayApi.plausibleSessionId(sessionId)) throw new Refusal(404, "no session " + sessionId);
      return ClusterSharding.get(system).entityRefFor(SessionEntity.TYPE_KEY, sessionId)
          .<SessionEntity.Reply>ask(SessionEntity.IssueInstanceCredential::new, timeout)
          .thenApply(reply -> {
            if (reply instanceof SessionEntity.Refused refused) throw new Refusal(404, refused.message());
            String credential = ((SessionEntity.Accepted) reply).credential();
            return HttpReply.sync(200, Map.of("url", instanceSockets.url(sessionId, credential)));
          });
    }
    throw new Refusal(404, "no such endpoint");
  }

  private CompletionStage<HttpResponse> createAccount(HttpRequest request, Duration timeout) {
    return request.entity().withSizeLimit(settings.maxBodyBytes()).toStrict(timeout.toMillis(), materializer)
        .thenCompose(strict -> {
          CreateAccountRequest create;
          try {
            create = ApiJson.readBody(strict.getData().toArray(), CreateAccountRequest.class);
          } catch (ApiJson.BadJsonException e) {
            throw new Refusal(400, e.getMessage());
          }
          if (create.tokenTtlDays() != null && create.tokenTtlDays() <= 0) {
            throw new Refusal(400, "token_ttl_days must be positive");
          }
          Duration ttl = create.tokenTtlDays() == null ? null : Duration.ofDays(create.tokenTtlDays());
          return AccountRegistry.ref(system)
              .<AccountRegistry.Reply>ask(replyTo -> new AccountRegistry.CreateAccount(create.name(), ttl, replyTo), timeout);
        })
        .thenApply(reply -> {
          if (reply instanceof AccountRegistry.Refused refused) {
            throw new Refusal(refused.conflict() ? 409 : 400, refused.message());
          }
          AccountRegistry.AccountCreated created = (AccountRegistry.AccountCreated) reply;
          Map<String, Object> view = new java.util.LinkedHashMap<>(view(created.account()));
          view.put("token", created.token());
          return HttpReply.sync(201, view);
        });
  }

  private static Map<String, Object> view(AccountRegistry.AccountSummary account) {
    Map<String, Object> view = new java.util.LinkedHashMap<>();
    view.put("name", account.name());
    view.put("created_at", account.createdAt().toString());
    view.put("token_expires_at", account.tokenExpiresAt() == null ? null : account.tokenExpiresAt().toString());
    return view;
  }

  private static boolean fromLoopback(HttpRequest request) {
    return request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(InetAddress::isLoopbackAddress)
        .orElse(false);
  }
}
