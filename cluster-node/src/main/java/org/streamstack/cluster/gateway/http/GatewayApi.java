package org.streamstack.cluster.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.accounts.TokenVerifier;
import org.streamstack.cluster.gateway.launch.InstanceLaunch;
import org.streamstack.cluster.gateway.launch.LaunchRefused;
import org.streamstack.cluster.gateway.regions.IpLiteral;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionIndex;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.cluster.gateway.session.Shares;
import org.streamstack.cluster.gateway.signaling.Side;
import org.streamstack.cluster.gateway.signaling.SignalingChannel;
import org.streamstack.cluster.gateway.signaling.SignalingSocket;
import org.streamstack.cluster.metrics.NodeMetrics;
import org.streamstack.protocol.gateway.ApiJson;
import org.streamstack.protocol.gateway.ApplicationView;
import org.streamstack.protocol.gateway.BatchDeleteRequest;
import org.streamstack.protocol.gateway.BatchDeleteResult;
import org.streamstack.protocol.gateway.ConnectionDetails;
import org.streamstack.protocol.gateway.CreateSessionRequest;
import org.streamstack.protocol.gateway.CreateShareRequest;
import org.streamstack.protocol.gateway.ShareConnectionDetails;
import org.streamstack.protocol.gateway.ShareJoinRequest;
import org.streamstack.protocol.gateway.ShareRules;
import org.streamstack.protocol.gateway.ShareView;
import org.streamstack.protocol.gateway.UpdateShareRequest;
import org.streamstack.protocol.gateway.JoinRequest;
import org.streamstack.protocol.gateway.RegionView;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.gateway.SessionStatus;
import org.streamstack.protocol.gateway.SessionView;

/**
 * The public HTTP API of the gateway (PROTOCOL.md 1 to 4): one handler for every request, routing
 * by path, answering in the envelope, with CORS on every response.
 */
public final class GatewayApi implements org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final String API = "1.0";
  private static final int MAX_BATCH = 1000;

  private final ActorSystem<?> system;
  private final GatewaySettings settings;
  private final TokenVerifier tokens;
  private final SignalingSocket sockets;
  private final Rejections rejections;
  private final Clock clock;
  private final InstanceLaunch launch;
  private final Materializer materializer;
  private final ClusterSharding sharding;
  private final ConcurrentHashMap<String, TokenBucket> rateByAccount = new ConcurrentHashMap<>();
  /**
   * Join rates by share id. Anyone may name any well-formed share id, so the map is bounded: the
   * least recently asked share loses its bucket (and gets a full one when asked again).
   */
  private final Map<String, TokenBucket> rateByShare = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
          return size() > MAX_SHARE_RATES_KEPT;
        }
      });
  private static final int MAX_SHARE_RATES_KEPT = 10_000;
  private final WebPage webPage = new WebPage();
  private final NodeMetrics metrics;
  private final ClientAddress clients;

  public GatewayApi(ActorSystem<?> system, GatewaySettings settings, TokenVerifier tokens, Rejections rejections,
      Clock clock, InstanceLaunch launch) {
    this.system = system;
    this.settings = settings;
    this.tokens = tokens;
    this.sockets = new SignalingSocket(system, settings.signaling());
    this.rejections = rejections;
    this.clock = clock;
    this.launch = launch;
    this.materializer = Materializer.matFromSystem(system);
    this.sharding = ClusterSharding.get(system);
    this.metrics = NodeMetrics.get(system);
    this.clients = new ClientAddress(settings.routing().trustedProxies());
  }

  /** A refusal with its status code; thrown inside handlers and turned into an error envelope. */
  static final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private record Call(HttpRequest request, List<String> path, String account) {
    Optional<String> query(String name) {
      return request.getUri().query().get(name);
    }
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    long started = System.nanoTime();
    return answer(request).thenApply(response -> {
      metrics.httpRequest(RoutePattern.method(request.method().value()), RoutePattern.of(segments(request.getUri().path())),
          response.status().intValue(), (System.nanoTime() - started) / 1e9);
      return response;
    });
  }

  private CompletionStage<HttpResponse> answer(HttpRequest request) {
    String origin = request.getHeader("Origin").map(h -> h.value()).orElse(null);
    if (request.method() == HttpMethods.OPTIONS) {
      return CompletableFuture.completedFuture(
          HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
              .addHeaders(HttpReply.corsHeaders(settings.corsAllowedOrigins(), origin, true)));
    }
    CompletionStage<HttpResponse> response;
    try {
      response = route(request);
    } catch (ApiError e) {
      response = CompletableFuture.completedFuture(refuse(request, e));
    }
    return response
        .exceptionally(failure -> refuse(request, asApiError(failure)))
        .thenApply(r -> r.addHeaders(HttpReply.corsHeaders(settings.corsAllowedOrigins(), origin, false)));
  }

  private HttpResponse refuse(HttpRequest request, ApiError error) {
    if (error.status >= 500) {
      system.log().warn("{} {} failed: {}", request.method().value(), request.getUri().path(), error.getMessage());
    } else {
      // Behind a trusted proxy, the client it names: the proxy's own address would say nothing.
      java.net.InetAddress client = clients.of(request);
      rejections.record(request, client == null ? "unknown" : IpLiteral.format(client), error.status, error.getMessage());
    }
    return HttpReply.error(error.status, error.getMessage());
  }

  private static ApiError asApiError(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof ApiError apiError) return apiError;
    if (cause instanceof LaunchRefused refused) return new ApiError(refused.status(), refused.getMessage());
    if (cause instanceof EntityStreamSizeException) return new ApiError(413, "request body is too large");
    if (cause instanceof TimeoutException) {
      return new ApiError(503, "the cluster did not answer in time; try again");
    }
    return new ApiError(500, "internal error: " + cause);
  }

  // --- routing --------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    List<String> path = segments(request.getUri().path());
    String method = request.method().value();
    if (WebPage.owns(path)) {
      requireMethod(method, "GET");
      return done(webPage.serve(path).orElseThrow(() -> new ApiError(404, "no such file: " + request.getUri().path())));
    }
    if (path.isEmpty() || !API.equals(path.get(0))) throw new ApiError(404, "no such endpoint; the API lives under /1.0");
    if (path.size() == 2 && path.get(1).equals("status")) {
      requireMethod(method, "GET");
      return CompletableFuture.completedFuture(status());
    }
    if (path.size() == 5 && path.get(1).equals("sessions") && path.get(3).equals("sockets")) {
      requireMethod(method, "GET");
      return openSocket(request, path.get(2), path.get(4));
    }
    if (path.size() == 4 && path.get(1).equals("shares") && path.get(3).equals("join")) {
      // Joining a share takes no account: the share's secret is the credential.
      requireMethod(method, "POST");
      return joinShare(request, path.get(2));
    }
    if (!knownPath(path)) throw new ApiError(404, "no such endpoint: " + request.getUri().path());
    String token = tokenOf(request);
    return tokens.accountOf(token).thenCompose(account -> {
      if (account.isEmpty()) throw new ApiError(401, "token is unknown, revoked or expired");
      TokenBucket bucket = rateByAccount.computeIfAbsent(account.get(),
          name -> new TokenBucket(settings.accountRateLimit(), settings.accountRateBurst()));
      if (!bucket.tryTake(System.nanoTime())) throw new ApiError(429, "too many requests; slow down");
      return authorized(new Call(request, path, account.get()), method);
    });
  }

  private static boolean knownPath(List<String> path) {
    String collection = path.size() > 1 ? path.get(1) : "";
    switch (collection) {
      case "sessions":
        return path.size() == 2 || path.size() == 3
            || (path.size() == 4 && List.of("join", "connect", "share").contains(path.get(3)));
      case "shares":
        return path.size() <= 3;
      case "applications":
      case "regions":
        return path.size() == 2;
      default:
        return false;
    }
  }

  private CompletionStage<HttpResponse> authorized(Call call, String method) {
    List<String> path = call.path();
    switch (path.get(1)) {
      case "applications":
        requireMethod(method, "GET");
        return launch.applications().thenApply(names -> listed(call, names, names, ApplicationView::new));
      case "regions":
        requireMethod(method, "GET");
        return launch.regions().thenApply(regions ->
            listed(call, regions.stream().map(RegionView::name).toList(), regions, region -> region));
      case "shares":
        if (path.size() == 2) {
          requireMethod(method, "GET");
          return listShares(call);
        }
        switch (method) {
          case "GET": return getShare(call, path.get(2));
          case "PATCH": return changeShare(call, path.get(2));
          case "DELETE": return deleteShare(call, path.get(2));
          default: throw methodNotAllowed(method, "GET, PATCH, DELETE");
        }
      default:
        break;
    }
    if (path.size() == 2) {
      switch (method) {
        case "POST": return createSession(call);
        case "GET": return listSessions(call);
        case "DELETE": return deleteSessions(call);
        default: throw methodNotAllowed(method, "GET, POST, DELETE");
      }
    }
    String sessionId = path.get(2);
    if (path.size() == 3) {
      switch (method) {
        case "GET": return getSession(call, sessionId);
        case "DELETE": return deleteSession(call, sessionId);
        default: throw methodNotAllowed(method, "GET, DELETE");
      }
    }
    switch (path.get(3)) {
      case "join":
        requireMethod(method, "POST");
        return joinSession(call, sessionId);
      case "connect":
        requireMethod(method, "GET");
        return issueClientCredential(call, sessionId, false, null, 200);
      default:
        requireMethod(method, "POST");
        return createShare(call, sessionId);
    }
  }

  // --- endpoints ------------------------------------------------------------------------------

  private HttpResponse status() {
    Cluster cluster = Cluster.get(system);
    return HttpReply.sync(200, Map.of(
        "status", "online",
        "api_version", API,
        "signaling_api_version", 2,
        "member", cluster.selfMember().address().toString(),
        "cluster_members", cluster.state().getMembers().spliterator().getExactSizeIfKnown()));
  }

  private <E, T> HttpResponse listed(Call call, List<String> names, List<E> entries, Function<E, T> view) {
    if (recursion(call)) return HttpReply.collection(entries.stream().map(view).toList(), names.size());
    return HttpReply.collection(names, names.size());
  }

  private CompletionStage<HttpResponse> createSession(Call call) {
    return body(call.request()).thenCompose(bytes -> {
      CreateSessionRequest create = parse(bytes, CreateSessionRequest.class);
      String problem = create.problem();
      if (problem != null) throw new ApiError(400, problem);
      Screen screen = create.screen() == null ? settings.defaultScreen() : create.screen().orDefaults(settings.defaultScreen());
      JsonNode extra = create.extraData();
      String sessionId = UUID.randomUUID().toString();
      return launch.regionFor(sessionId, create.app(), create.region(), clients.of(call.request()))
          .thenCompose(region -> SessionEntity.registerAndCreate(system, settings.sessions(), sessionId,
              new SessionEntity.Spec(call.account(), create.app(), create.appVersion(), region,
                  Boolean.TRUE.equals(create.joinable()), Boolean.TRUE.equals(create.ephemeral()),
                  create.idleTimeMin() == null ? 0 : create.idleTimeMin(), screen,
                  extra == null || extra.isNull() ? null : extra.toString(), null),
              clock.instant()))
          .thenCompose(reply -> {
            SessionEntity.Accepted created = accepted(reply);
            return launch.startInstance(created.session())
                .thenApply(session -> HttpReply.sync(201, view(call.request(), session, created.credential())));
          })
          .whenComplete((created, failure) -> {
            if (failure != null) launch.creationFailed(sessionId);
          });
    });
  }

  private CompletionStage<HttpResponse> listSessions(Call call) {
    SessionStatus statusFilter = call.query("status").map(name -> {
      SessionStatus status = SessionStatus.fromWire(name);
      if (status == null) throw new ApiError(400, "unknown status '" + name + "'");
      return status;
    }).orElse(null);
    boolean recursion = recursion(call);
    int limit = intParam(call, "limit", 0);
    int offset = intParam(call, "offset", 0);
    String sortBy = call.query("sort_by").orElse("created_at");
    if (!List.of("created_at", "id", "status", "app").contains(sortBy)) {
      throw new ApiError(400, "sort_by must be one of created_at, id, status, app");
    }
    String sortOrder = call.query("sort_order").orElse("asc").toLowerCase(Locale.ROOT);
    if (!sortOrder.equals("asc") && !sortOrder.equals("desc")) throw new ApiError(400, "sort_order must be asc or desc");
    boolean needRecords = recursion || statusFilter != null || sortBy.equals("status") || sortBy.equals("app");
    Duration timeout = settings.sessions().askTimeout();

    return SessionIndex.listAll(system, call.account(), settings.sessions().indexBuckets(), timeout)
        .thenCompose(index -> {
          if (!needRecords) {
            List<String> ids = new ArrayList<>(index.keySet());
            Comparator<String> order = sortBy.equals("id")
                ? Comparator.naturalOrder()
                : Comparator.<String, Instant>comparing(index::get).thenComparing(Comparator.naturalOrder());
            ids.sort(sortOrder.equals("desc") ? order.reversed() : order);
            return CompletableFuture.completedFuture(HttpReply.collection(page(ids, offset, limit), ids.size()));
          }
          List<CompletableFuture<SessionEntity.Reply>> asks = new ArrayList<>(index.size());
          for (String id : index.keySet()) {
            asks.add(session(id).<SessionEntity.Reply>ask(replyTo -> new SessionEntity.Get(call.account(), replyTo), timeout)
                .toCompletableFuture());
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<SessionRecord> records = new ArrayList<>(asks.size());
            for (CompletableFuture<SessionEntity.Reply> ask : asks) {
              if (ask.join() instanceof SessionEntity.Accepted accepted
                  && (statusFilter == null || accepted.session().status() == statusFilter)) {
                records.add(accepted.session());
              }
            }
            Comparator<SessionRecord> order = switchOrder(sortBy).thenComparing(SessionRecord::id);
            records.sort(sortOrder.equals("desc") ? order.reversed() : order);
            List<SessionRecord> pageOf = page(records, offset, limit);
            Object metadata = recursion
                ? pageOf.stream().map(r -> view(call.request(), r, null)).toList()
                : pageOf.stream().map(SessionRecord::id).toList();
            return HttpReply.collection(metadata, records.size());
          });
        });
  }

  private static Comparator<SessionRecord> switchOrder(String sortBy) {
    if (sortBy.equals("status")) return Comparator.comparing(r -> r.status().wireName());
    if (sortBy.equals("app")) return Comparator.comparing(SessionRecord::app);
    if (sortBy.equals("id")) return Comparator.comparing(SessionRecord::id);
    return Comparator.comparing(SessionRecord::createdAt);
  }

  private static <T> List<T> page(List<T> all, int offset, int limit) {
    if (offset >= all.size()) return List.of();
    int end = limit == 0 ? all.size() : (int) Math.min(all.size(), (long) offset + limit);
    return all.subList(offset, end);
  }

  private CompletionStage<HttpResponse> getSession(Call call, String sessionId) {
    return askSession(sessionId, replyTo -> new SessionEntity.Get(call.account(), replyTo))
        .thenApply(reply -> HttpReply.sync(200, view(call.request(), accepted(reply).session(), null)));
  }

  private CompletionStage<HttpResponse> deleteSession(Call call, String sessionId) {
    return askSession(sessionId, replyTo -> new SessionEntity.Terminate(call.account(), "deleted by its owner", replyTo))
        .thenApply(reply -> HttpReply.sync(200, view(call.request(), accepted(reply).session(), null)));
  }

  private CompletionStage<HttpResponse> deleteSessions(Call call) {
    for (String flag : List.of("force", "sync")) {
      call.query(flag).ifPresent(value -> {
        if (!value.isEmpty() && !value.equals("true") && !value.equals("false") && !value.equals("1") && !value.equals("0")) {
          throw new ApiError(400, flag + " must be true or false");
        }
      });
    }
    return body(call.request()).thenCompose(bytes -> {
      BatchDeleteRequest batch = parse(bytes, BatchDeleteRequest.class);
      if (batch.ids() == null || batch.ids().isEmpty()) throw new ApiError(400, "field 'ids' must list at least one session id");
      if (batch.ids().size() > MAX_BATCH) throw new ApiError(400, "at most " + MAX_BATCH + " ids in one batch");
      // Checked before any session is asked to end: a refused batch must end none of them.
      if (batch.ids().contains(null)) throw new ApiError(400, "field 'ids' must hold strings");
      List<CompletableFuture<BatchDeleteResult>> results = new ArrayList<>();
      for (String id : batch.ids()) {
        CompletionStage<SessionEntity.Reply> terminated;
        try {
          terminated = askSession(id, replyTo -> new SessionEntity.Terminate(call.account(), "deleted by its owner", replyTo));
        } catch (ApiError notASessionId) {
          // askSession refuses an id that is no UUID at once; in a batch that is one failed entry
          // (207), not a failure of the whole request after the ids before it have ended.
          terminated = CompletableFuture.failedFuture(notASessionId);
        }
        results.add(terminated
            .thenApply(reply -> new BatchDeleteResult(id, accepted(reply).session().status().wireName(), 200, null))
            .exceptionally(failure -> {
              ApiError error = asApiError(failure);
              return new BatchDeleteResult(id, "failed", error.status, error.getMessage());
            })
            .toCompletableFuture());
      }
      return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(all -> {
        List<BatchDeleteResult> outcome = results.stream().map(CompletableFuture::join).toList();
        boolean allDone = outcome.stream().allMatch(result -> result.error() == null);
        return HttpReply.sync(allDone ? 200 : 207, outcome);
      });
    });
  }

  private CompletionStage<HttpResponse> joinSession(Call call, String sessionId) {
    return body(call.request(), true).thenCompose(bytes -> {
      JoinRequest join = bytes.length == 0 ? new JoinRequest(null) : parse(bytes, JoinRequest.class);
      if (join.screen() != null && join.screen().problem() != null) throw new ApiError(400, join.screen().problem());
      return issueClientCredential(call, sessionId, true, join.screen(), 200);
    });
  }

  private CompletionStage<HttpResponse> issueClientCredential(Call call, String sessionId, boolean join, Screen screen,
      int status) {
    return askSession(sessionId, replyTo -> new SessionEntity.IssueClientCredential(call.account(), join, screen, replyTo))
        .thenApply(reply -> {
          SessionEntity.Accepted accepted = accepted(reply);
          return HttpReply.sync(status, new ConnectionDetails(
              socketUrl(call.request(), sessionId, Side.CLIENT, accepted.credential()),
              settings.iceServers().forSession(sessionId, clock.instant())));
        });
  }

  private CompletionStage<HttpResponse> openSocket(HttpRequest request, String sessionId, String sideName) {
    Side side = switch (sideName) {
      case "client" -> Side.CLIENT;
      case "instance" -> Side.INSTANCE;
      default -> throw new ApiError(404, "no such socket '" + sideName + "'; use client or instance");
    };
    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
    if (upgrade.isEmpty()) throw new ApiError(400, "this endpoint takes a websocket upgrade request");
    String credential = request.getUri().query().get("token")
        .orElseThrow(() -> new ApiError(401, "the socket URL carries no token"));
    return askSession(sessionId, replyTo -> new SessionEntity.AuthorizeSocket(side, credential, replyTo))
        .thenApply(reply -> {
          if (reply instanceof SessionEntity.PeerSocketAccepted peer) {
            return upgrade.get().handleMessagesWith(
                sockets.open(sessionId, side, new SignalingChannel.Peer(peer.peerId(), peer.role())));
          }
          accepted(reply);
          return upgrade.get().handleMessagesWith(sockets.open(sessionId, side));
        });
  }

  // --- shares (issue 6) -----------------------------------------------------------------------

  private CompletionStage<HttpResponse> createShare(Call call, String sessionId) {
    return body(call.request()).thenCompose(bytes -> {
      CreateShareRequest create = parse(bytes, CreateShareRequest.class);
      String problem = create.problem();
      Instant now = clock.instant();
      if (problem == null && create.expiryAt() != null) problem = ShareRules.expiryProblem(create.expiryAt(), now);
      if (problem != null) throw new ApiError(400, problem);
      Instant expiryAt = create.expiryAt() != null
          ? Instant.ofEpochSecond(create.expiryAt())
          : now.plus(ShareRules.DEFAULT_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      return askSession(sessionId, replyTo -> new SessionEntity.CreateShare(call.account(), create.type(),
              create.description(), expiryAt, replyTo))
          .thenApply(reply -> {
            SessionEntity.ShareAccepted created = expect(reply, SessionEntity.ShareAccepted.class);
            return HttpReply.sync(201, shareView(sessionId, created.share(),
                pageBase(call.request(), settings.publicUrl()) + "/#share=" + created.share().id()
                    + "&secret=" + created.secret()));
          });
    });
  }

  private CompletionStage<HttpResponse> listShares(Call call) {
    boolean recursion = recursion(call);
    Duration timeout = settings.sessions().askTimeout();
    return SessionIndex.listAll(system, call.account(), settings.sessions().indexBuckets(), timeout)
        .thenCompose(index -> {
          List<CompletableFuture<SessionEntity.Reply>> asks = new ArrayList<>(index.size());
          for (String id : index.keySet()) {
            asks.add(session(id).<SessionEntity.Reply>ask(replyTo -> new SessionEntity.ListShares(call.account(), replyTo),
                timeout).toCompletableFuture());
          }
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<Shares.Share> shares = new ArrayList<>();
            for (CompletableFuture<SessionEntity.Reply> ask : asks) {
              if (ask.join() instanceof SessionEntity.SharesListed listed) shares.addAll(listed.shares());
            }
            shares.sort(Comparator.comparing(Shares.Share::createdAt).thenComparing(Shares.Share::id));
            Object metadata = recursion
                ? shares.stream().map(share -> shareView(Shares.sessionOf(share.id()), share, null)).toList()
                : shares.stream().map(Shares.Share::id).toList();
            return HttpReply.collection(metadata, shares.size());
          });
        });
  }

  private CompletionStage<HttpResponse> getShare(Call call, String shareId) {
    String sessionId = sessionOfShare(shareId);
    return askSession(sessionId, replyTo -> new SessionEntity.ListShares(call.account(), replyTo))
        .thenApply(reply -> {
          if (reply instanceof SessionEntity.SharesListed listed) {
            for (Shares.Share share : listed.shares()) {
              if (share.id().equals(shareId)) return HttpReply.sync(200, shareView(sessionId, share, null));
            }
          }
          throw new ApiError(404, "no share " + shareId);
        });
  }

  private CompletionStage<HttpResponse> changeShare(Call call, String shareId) {
    String sessionId = sessionOfShare(shareId);
    return body(call.request()).thenCompose(bytes -> {
      UpdateShareRequest change = parse(bytes, UpdateShareRequest.class);
      String problem = change.problem();
      if (problem == null && change.expiryAt() != null) problem = ShareRules.expiryProblem(change.expiryAt(), clock.instant());
      if (problem != null) throw new ApiError(400, problem);
      Instant expiryAt = change.expiryAt() == null ? null : Instant.ofEpochSecond(change.expiryAt());
      return askSession(sessionId, replyTo -> new SessionEntity.ChangeShare(call.account(), shareId,
              change.description(), expiryAt, replyTo))
          .thenApply(reply -> HttpReply.sync(200,
              shareView(sessionId, expect(reply, SessionEntity.ShareAccepted.class).share(), null)));
    });
  }

  private CompletionStage<HttpResponse> deleteShare(Call call, String shareId) {
    String sessionId = sessionOfShare(shareId);
    return askSession(sessionId, replyTo -> new SessionEntity.EndShare(call.account(), shareId, replyTo))
        .thenApply(reply -> HttpReply.sync(200,
            shareView(sessionId, expect(reply, SessionEntity.ShareAccepted.class).share(), null)));
  }

  private CompletionStage<HttpResponse> joinShare(HttpRequest request, String shareId) {
    String sessionId = sessionOfShare(shareId);
    // Joins take no account, so they are bounded by share: each one is written to the session's
    // journal, and a wrong secret tried over and over is slowed down as well.
    TokenBucket bucket = rateByShare.computeIfAbsent(shareId, id -> new TokenBucket(
        settings.shares().joinsPerMinute() / 60.0, settings.shares().joinBurst()));
    if (!bucket.tryTake(System.nanoTime())) {
      throw new ApiError(429, "share " + shareId + " is being joined too often; try again in a moment");
    }
    return body(request).thenCompose(bytes -> {
      ShareJoinRequest join = parse(bytes, ShareJoinRequest.class);
      if (join.problem() != null) throw new ApiError(400, join.problem());
      return askSession(sessionId, replyTo -> new SessionEntity.JoinShare(shareId, join.secret(), replyTo))
          .thenApply(reply -> {
            SessionEntity.PeerAdmitted admitted = expect(reply, SessionEntity.PeerAdmitted.class);
            return HttpReply.sync(200, new ShareConnectionDetails(
                socketUrl(request, sessionId, Side.CLIENT, admitted.credential()),
                settings.iceServers().forSession(sessionId, clock.instant()),
                admitted.share().type(), sessionId, admitted.peerId()));
          });
    });
  }

  private static String sessionOfShare(String shareId) {
    String sessionId = Shares.sessionOf(shareId);
    if (sessionId == null || !plausibleSessionId(sessionId)) throw new ApiError(404, "no share " + shareId);
    return sessionId;
  }

  private static ShareView shareView(String sessionId, Shares.Share share, String url) {
    return new ShareView(share.id(), sessionId, share.type(), share.description(), share.expiryAt().getEpochSecond(),
        share.createdAt().toString(), url);
  }

  /** The reply as {@code type}, or the refusal it is turned into an error. */
  private static <T extends SessionEntity.Reply> T expect(SessionEntity.Reply reply, Class<T> type) {
    if (type.isInstance(reply)) return type.cast(reply);
    accepted(reply);
    throw new ApiError(500, "unexpected answer from the session: " + reply.getClass().getSimpleName());
  }

  /** The absolute base URL of the web page (served at /), for share links. */
  static String pageBase(HttpRequest request, String publicUrl) {
    if (!publicUrl.isEmpty()) return publicUrl;
    return websocketBase(request, publicUrl).replaceFirst("^ws", "http");
  }

  // --- helpers --------------------------------------------------------------------------------

  EntityRef<SessionEntity.Command> session(String sessionId) {
    return sharding.entityRefFor(SessionEntity.TYPE_KEY, sessionId);
  }

  private CompletionStage<SessionEntity.Reply> askSession(String sessionId,
      org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<SessionEntity.Reply>, SessionEntity.Command> message) {
    if (!plausibleSessionId(sessionId)) throw new ApiError(404, "no session " + sessionId);
    return session(sessionId).ask(message, settings.sessions().askTimeout());
  }

  /** Session ids are UUIDs; anything else is not asked for, so no entity starts for it. */
  public static boolean plausibleSessionId(String id) {
    if (id == null || id.length() != 36) return false;
    try {
      UUID.fromString(id);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static SessionEntity.Accepted accepted(SessionEntity.Reply reply) {
    if (reply instanceof SessionEntity.Accepted accepted) return accepted;
    SessionEntity.Refused refused = (SessionEntity.Refused) reply;
    int status = switch (refused.refusal()) {
      case NOT_FOUND, ENDED -> 404;
      case FORBIDDEN -> 403;
      case NOT_JOINABLE -> 400;
      case UNAUTHORIZED -> 401;
      case CONFLICT -> 409;
    };
    throw new ApiError(status, refused.message());
  }

  private SessionView view(HttpRequest request, SessionRecord session, String clientCredential) {
    JsonNode extra = null;
    if (session.extraData() != null) {
      try {
        extra = ApiJson.MAPPER.readTree(session.extraData());
      } catch (java.io.IOException e) {
        throw new IllegalStateException("stored extra_data of session " + session.id() + " is not JSON", e);
      }
    }
    return new SessionView(session.id(), session.status().wireName(), session.statusMessage(), session.app(),
        session.appVersion(), session.region(), session.joinable(), session.ephemeral(), session.idleTimeMin(),
        session.screen(), extra, session.createdAt().toString(),
        clientCredential == null ? null : socketUrl(request, session.id(), Side.CLIENT, clientCredential),
        settings.iceServers().forSession(session.id(), clock.instant()));
  }

  /** The absolute websocket URL of one side of a session, with its credential. */
  public String socketUrl(HttpRequest request, String sessionId, Side side, String credential) {
    return websocketBase(request, settings.publicUrl()) + "/" + API + "/sessions/" + sessionId + "/sockets/"
        + side.pathName() + "?token=" + credential;
  }

  static String websocketBase(HttpRequest request, String publicUrl) {
    if (!publicUrl.isEmpty()) return publicUrl.replaceFirst("^http", "ws");
    boolean secure = request.getHeader("X-Forwarded-Proto").map(h -> h.value().equalsIgnoreCase("https"))
        .orElse(request.getUri().scheme().equals("https"));
    String host = request.getHeader("Host").map(h -> h.value())
        .orElse(request.getUri().host().address() + ":" + request.getUri().port());
    return (secure ? "wss://" : "ws://") + host;
  }

  private CompletionStage<byte[]> body(HttpRequest request) {
    return body(request, false);
  }

  private CompletionStage<byte[]> body(HttpRequest request, boolean mayBeEmpty) {
    long declared = request.entity().getContentLengthOption().orElse(-1);
    if (declared > settings.maxBodyBytes()) {
      request.discardEntityBytes(materializer);
      throw new ApiError(413, "request body is larger than " + settings.maxBodyBytes() + " bytes");
    }
    return request.entity().withSizeLimit(settings.maxBodyBytes())
        .toStrict(settings.sessions().askTimeout().toMillis(), materializer)
        .thenApply(strict -> {
          byte[] bytes = strict.getData().toArray();
          if (bytes.length == 0 && !mayBeEmpty) throw new ApiError(400, "request body is empty; expected a JSON object");
          return bytes;
        });
  }

  private static <T> T parse(byte[] body, Class<T> type) {
    try {
      return ApiJson.readBody(body, type);
    } catch (ApiJson.BadJsonException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  private static String tokenOf(HttpRequest request) {
    Optional<String> header = request.getHeader("Authorization").map(h -> h.value().trim());
    if (header.isPresent()) {
      String value = header.get();
      int space = value.indexOf(' ');
      String scheme = space < 0 ? value : value.substring(0, space);
      String rest = space < 0 ? "" : value.substring(space + 1).trim();
      if (scheme.equalsIgnoreCase("Bearer") && !rest.isEmpty()) return rest;
      if (scheme.equalsIgnoreCase("Macaroon") && rest.startsWith("root=") && rest.length() > 5) {
        return rest.substring(5);
      }
      throw new ApiError(401, "Authorization must be 'Bearer <token>' or 'Macaroon root=<token>'");
    }
    return request.getUri().query().get("api_token").filter(t -> !t.isEmpty())
        .orElseThrow(() -> new ApiError(401, "a token is required: Authorization header or api_token parameter"));
  }

  private static boolean recursion(Call call) {
    String value = call.query("recursion").orElse("false");
    return value.equals("true") || value.equals("1") || value.equals("2");
  }

  private static int intParam(Call call, String name, int fallback) {
    Optional<String> raw = call.query(name);
    if (raw.isEmpty() || raw.get().isEmpty()) return fallback;
    try {
      int value = Integer.parseInt(raw.get());
      if (value < 0) throw new ApiError(400, name + " must not be negative");
      return value;
    } catch (NumberFormatException e) {
      throw new ApiError(400, name + " must be a whole number");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) throw methodNotAllowed(method, allowed);
  }

  private static ApiError methodNotAllowed(String method, String allowed) {
    return new ApiError(405, "method " + method + " is not allowed here; use " + allowed);
  }

  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty()) segments.add(part);
    }
    return segments;
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
