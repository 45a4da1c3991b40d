package org.streamstack.cluster.ams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.ams.AmsSettings;
import org.streamstack.cluster.ams.applications.Application;
import org.streamstack.cluster.ams.applications.ApplicationChange;
import org.streamstack.cluster.ams.applications.ApplicationRegistry;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.instances.InstanceEntity;
import org.streamstack.cluster.ams.instances.InstanceIds;
import org.streamstack.cluster.ams.instances.InstanceIndex;
import org.streamstack.cluster.ams.instances.InstanceRecord;
import org.streamstack.cluster.ams.instances.InstanceState;
import org.streamstack.cluster.ams.instances.Operation;
import org.streamstack.cluster.ams.nodes.NodeRegistry;
import org.streamstack.cluster.ams.nodes.NodeTable;
import org.streamstack.protocol.gateway.ApiJson;
import org.streamstack.protocol.gateway.Screen;

/**
 * The management API (the shape of Anbox AMS's, LXD style): applications, instances, nodes and
 * operations under {@code /1.0}, one handler routing by path. Every call but {@code GET /1.0}
 * carries {@code Authorization: Bearer <token>} with the AMS token.
 *
 * <pre>
 * GET                 /1.0                                 service info (no token)
 * GET, POST           /1.0/applications                    list (?recursion=1), create
 * GET, PATCH, DELETE  /1.0/applications/{name}             one; new version; delete
 * GET, POST           /1.0/instances                       list (?recursion=1, ?status=, ?app=, ?session_id=), create (async)
 * GET, PATCH, DELETE  /1.0/instances/{id}                  one; (streaming cannot change); stop and forget (async)
 * POST                /1.0/instances/{id}/start, /stop     (async)
 * GET                 /1.0/nodes, /1.0/nodes/{name}        media nodes of the region
 * GET                 /1.0/operations/{id}, /{id}/wait     an operation; wait for it (?timeout=seconds)
 * </pre>
 */
public final class AmsApi implements org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> {

  private static final String API = "1.0";
  private static final Logger log = LoggerFactory.getLogger(AmsApi.class);

  private final ActorSystem<?> system;
  private final AmsSettings settings;
  private final ActorRef<NodeRegistry.Command> nodes;
  private final Clock clock;
  private final Materializer materializer;
  private final ClusterSharding sharding;
  private final byte[] token;

  public AmsApi(ActorSystem<?> system, AmsSettings settings, ActorRef<NodeRegistry.Command> nodes, Clock clock) {
    this.system = system;
    this.settings = settings;
    this.nodes = nodes;
    this.clock = clock;
    this.materializer = Materializer.matFromSystem(system);
    this.sharding = ClusterSharding.get(system);
    this.token = settings.token().getBytes(StandardCharsets.UTF_8);
  }

  private record Call(HttpRequest request, List<String> path, String method) {
    Optional<String> query(String name) {
      return request.getUri().query().get(name);
    }

    String segment(int i) {
      return path.get(i);
    }
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) {
    CompletionStage<HttpResponse> response;
    try {
      response = route(request);
    } catch (ApiError e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response.exceptionally(failure -> {
      if (rootCause(failure) instanceof TimeoutException) {
        log.warn("{} {}: the cluster did not answer in time", request.method().value(), request.getUri().path());
      }
      return refuse(request, asApiError(failure));
    });
  }

  private HttpResponse refuse(HttpRequest request, ApiError error) {
    // A 503 (no capacity, no agent) was logged where it was decided; what is left is a fault here.
    if (error.status >= 500 && error.status != 503) {
      log.warn("{} {} failed: {}", request.method().value(), request.getUri().path(), error.getMessage());
    } else {
      log.debug("{} {} refused ({}): {}", request.method().value(), request.getUri().path(), error.status,
          error.getMessage());
    }
    return AmsReply.error(error.status, error.getMessage());
  }

  private static Throwable rootCause(Throwable failure) {
    return Failures.cause(failure);
  }

  private static ApiError asApiError(Throwable failure) {
    Throwable cause = rootCause(failure);
    if (cause instanceof ApiError apiError) return apiError;
    if (cause instanceof EntityStreamSizeException) return new ApiError(413, "request body is too large");
    if (cause instanceof TimeoutException) return new ApiError(503, "the cluster did not answer in time; try again");
    return new ApiError(500, "internal error: " + cause);
  }

  // --- routing --------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> route(HttpRequest request) {
    List<String> path = segments(request.getUri().path());
    if (path.isEmpty() || !API.equals(path.get(0))) throw new ApiError(404, "no such endpoint; the API lives under /1.0");
    Call call = new Call(request, path, request.method().value());
    if (path.size() == 1) {
      requireMethod(call, "GET");
      return done(AmsReply.sync(200, Map.of("api_version", API, "region", settings.region(), "service", "streamstack-ams")));
    }
    if (!knownPath(path)) throw new ApiError(404, "no such endpoint: " + request.getUri().path());
    authorize(request);
    switch (path.get(1)) {
      case "applications":
        return path.size() == 2 ? applications(call) : application(call, path.get(2));
      case "instances":
        if (path.size() == 2) return instances(call);
        if (path.size() == 3) return instance(call, path.get(2));
        requireMethod(call, "POST");
        return path.get(3).equals("start") ? startInstance(path.get(2)) : stopInstance(path.get(2), false);
      case "nodes":
        requireMethod(call, "GET");
        return path.size() == 2 ? listNodes(call) : getNode(path.get(2));
      default:
        requireMethod(call, "GET");
        return path.size() == 3 ? getOperation(path.get(2)) : waitOperation(call, path.get(2));
    }
  }

  private static boolean knownPath(List<String> path) {
    switch (path.get(1)) {
      case "applications":
      case "nodes":
        return path.size() <= 3;
      case "instances":
        return path.size() <= 3 || (path.size() == 4 && (path.get(3).equals("start") || path.get(3).equals("stop")));
      case "operations":
        return path.size() == 3 || (path.size() == 4 && path.get(3).equals("wait"));
      default:
        return false;
    }
  }

  private void authorize(HttpRequest request) {
    Optional<String> header = request.getHeader("Authorization").map(h -> h.value().trim());
    if (header.isEmpty()) throw new ApiError(401, "a token is required: Authorization: Bearer <AMS token>");
    String value = header.get();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      throw new ApiError(401, "Authorization must be 'Bearer <AMS token>'");
    }
    byte[] presented = value.substring(space + 1).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(presented, token)) throw new ApiError(401, "the token is not this AMS's token");
  }

  // --- applications ---------------------------------------------------------------------------

  private CompletionStage<HttpResponse> applications(Call call) {
    switch (call.method()) {
      case "GET":
        return askRegistry(ApplicationRegistry.ListApplications::new).thenApply(reply -> {
          List<Application> all = ((ApplicationRegistry.Applications) reply).applications();
          return AmsReply.sync(200, recursion(call)
              ? all.stream().map(Views::of).toList()
              : all.stream().map(application -> Views.applicationUrl(application.name())).toList());
        });
      case "POST":
        return body(call.request()).thenCompose(bytes -> {
          Requests.ApplicationBody body = parse(bytes, Requests.ApplicationBody.class);
          Requests.checkName(body.name());
          ApplicationChange change = Requests.change(body);
          return askRegistry(replyTo -> new ApplicationRegistry.CreateApplication(body.name(), change, replyTo));
        }).thenApply(reply -> AmsReply.sync(201, Views.of(found(reply))));
      default:
        throw methodNotAllowed(call, "GET, POST");
    }
  }

  private CompletionStage<HttpResponse> application(Call call, String name) {
    switch (call.method()) {
      case "GET":
        return askRegistry(replyTo -> new ApplicationRegistry.GetApplication(name, replyTo))
            .thenApply(reply -> AmsReply.sync(200, Views.of(found(reply))));
      case "PATCH":
        return body(call.request()).thenCompose(bytes -> {
          Requests.ApplicationBody body = parse(bytes, Requests.ApplicationBody.class);
          if (body.name() != null && !body.name().equals(name)) {
            throw new ApiError(400, "field 'name' cannot change: it is the application's identity");
          }
          ApplicationChange change = Requests.change(body);
          return askRegistry(replyTo -> new ApplicationRegistry.UpdateApplication(name, change, replyTo));
        }).thenApply(reply -> AmsReply.sync(200, Views.of(found(reply))));
      case "DELETE":
        return deleteApplication(name);
      default:
        throw methodNotAllowed(call, "GET, PATCH, DELETE");
    }
  }

  /** Refused while any instance of the application is not stopped. */
  private CompletionStage<HttpResponse> deleteApplication(String name) {
    return askRegistry(replyTo -> new ApplicationRegistry.GetApplication(name, replyTo))
        .thenCompose(reply -> {
          found(reply);
          return InstanceIndex.ref(system).<InstanceIndex.Entries>ask(InstanceIndex.ListInstances::new, settings.askTimeout());
        })
        .thenCompose(entries -> {
          List<String> ids = new ArrayList<>();
          entries.instances().forEach((id, entry) -> {
            if (entry.app().equals(name)) ids.add(id);
          });
          return instancesOf(ids, false);
        })
        .thenCompose(instances -> {
          List<String> live = instances.stream()
              .filter(instance -> instance.status() != InstanceState.STOPPED)
              .map(InstanceRecord::id).sorted().toList();
          if (!live.isEmpty()) {
            throw new ApiError(409, "application " + name + " has instances that are not stopped: " + String.join(", ", live)
                + "; delete them first");
          }
          return askRegistry(replyTo -> new ApplicationRegistry.DeleteApplication(name, replyTo));
        })
        .thenApply(reply -> {
          found(reply);
          return AmsReply.sync(200, Map.of());
        });
  }

  private CompletionStage<ApplicationRegistry.Reply> askRegistry(
      org.apache.pekko.japi.function.Function<ActorRef<ApplicationRegistry.Reply>, ApplicationRegistry.Command> message) {
    return ApplicationRegistry.ref(system).ask(message, settings.askTimeout());
  }

  private static Application found(ApplicationRegistry.Reply reply) {
    if (reply instanceof ApplicationRegistry.Found found) return found.application();
    ApplicationRegistry.Refused refused = (ApplicationRegistry.Refused) reply;
    throw new ApiError(refused.code(), refused.message());
  }

  // --- instances ------------------------------------------------------------------------------

  private CompletionStage<HttpResponse> instances(Call call) {
    switch (call.method()) {
      case "GET":
        return listInstances(call);
      case "POST":
        return createInstance(call);
      default:
        throw methodNotAllowed(call, "GET, POST");
    }
  }

  private CompletionStage<HttpResponse> listInstances(Call call) {
    InstanceState statusFilter = call.query("status").map(name -> {
      InstanceState status = InstanceState.fromWire(name);
      if (status == null) throw new ApiError(400, "unknown status '" + name + "'; one of created, scheduled, starting,"
          + " running, stopping, stopped, error");
      return status;
    }).orElse(null);
    String appFilter = call.query("app").filter(app -> !app.isEmpty()).orElse(null);
    String sessionFilter = call.query("session_id").filter(session -> !session.isEmpty()).orElse(null);
    boolean recursion = recursion(call);
    return InstanceIndex.ref(system).<InstanceIndex.Entries>ask(InstanceIndex.ListInstances::new, settings.askTimeout())
        .thenCompose(entries -> {
          List<String> ids = new ArrayList<>();
          entries.instances().forEach((id, entry) -> {
            // The index knows each instance's session: only instances that may stream it are asked.
            if ((appFilter == null || entry.app().equals(appFilter))
                && (sessionFilter == null || entry.mayStream(sessionFilter))) {
              ids.add(id);
            }
          });
          ids.sort(Comparator.<String, java.time.Instant>comparing(id -> entries.instances().get(id).createdAt())
              .thenComparing(Comparator.naturalOrder()));
          if (!recursion && statusFilter == null && sessionFilter == null) {
            return done(AmsReply.sync(200, ids.stream().map(Views::instanceUrl).toList()));
          }
          // Asked by session (an agent stopping it), an instance left out would be left running.
          return instancesOf(ids, sessionFilter == null).thenApply(instances -> {
            List<InstanceRecord> shown = instances.stream()
                .filter(instance -> statusFilter == null || instance.status() == statusFilter)
                .filter(instance -> sessionFilter == null || sessionFilter.equals(instance.sessionId())).toList();
            return AmsReply.sync(200, recursion
                ? shown.stream().map(Views::of).toList()
                : shown.stream().map(instance -> Views.instanceUrl(instance.id())).toList());
          });
        });
  }

  /**
   * The instances of these ids that are not gone, in the order of the ids. One that does not
   * answer in time is left out when {@code leaveOutSilent} (a listing to look at), and fails the
   * whole answer otherwise.
   */
  private CompletionStage<List<InstanceRecord>> instancesOf(List<String> ids, boolean leaveOutSilent) {
    List<CompletableFuture<InstanceEntity.Reply>> asks = new ArrayList<>(ids.size());
    for (String id : ids) {
      CompletableFuture<InstanceEntity.Reply> ask = instanceRef(id)
          .<InstanceEntity.Reply>ask(InstanceEntity.Get::new, settings.askTimeout()).toCompletableFuture();
      asks.add(leaveOutSilent ? ask.exceptionally(silent -> {
        log.warn("Instance {} left out of a listing: it did not answer ({})", id, Failures.cause(silent).toString());
        return null;
      }) : ask);
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(all -> {
      List<InstanceRecord> instances = new ArrayList<>(asks.size());
      for (CompletableFuture<InstanceEntity.Reply> ask : asks) {
        if (ask.join() instanceof InstanceEntity.Answer answer) instances.add(answer.instance());
      }
      return instances;
    });
  }

  private CompletionStage<HttpResponse> createInstance(Call call) {
    return body(call.request()).thenCompose(bytes -> {
      Requests.InstanceBody body = parse(bytes, Requests.InstanceBody.class);
      Requests.check(body);
      return askRegistry(replyTo -> new ApplicationRegistry.GetApplication(body.app(), replyTo)).thenCompose(reply -> {
        if (!(reply instanceof ApplicationRegistry.Found found)) {
          throw new ApiError(400, "unknown application '" + body.app() + "'");
        }
        Application application = found.application();
        ApplicationVersion version = body.appVersion() == null ? application.latest() : application.version(body.appVersion());
        if (version == null) {
          throw new ApiError(400, "application " + application.name() + " has no version " + body.appVersion()
              + " (the latest is " + application.latest().version() + ")");
        }
        Screen screen = body.screen() == null ? settings.defaultScreen() : body.screen().orDefaults(settings.defaultScreen());
        boolean streaming = Boolean.TRUE.equals(body.enableStreaming());
        Requests.SessionBody session = body.session();
        InstanceEntity.NewInstance spec = new InstanceEntity.NewInstance(application.name(), version, streaming,
            session == null ? null : session.id(), session == null ? null : session.url(), screen);
        String id = InstanceIds.next();
        return InstanceIndex.ref(system)
            .<org.apache.pekko.Done>ask(replyTo -> new InstanceIndex.Register(id, application.name(), clock.instant(),
                    spec.sessionId(), replyTo),
                settings.askTimeout())
            .thenCompose(registered -> instanceRef(id).<InstanceEntity.Reply>ask(
                replyTo -> new InstanceEntity.Create(spec, replyTo), settings.createTimeout()));
      });
    }).thenApply(AmsApi::operationStarted);
  }

  private CompletionStage<HttpResponse> instance(Call call, String id) {
    switch (call.method()) {
      case "GET":
        return askInstance(id, InstanceEntity.Get::new).thenApply(reply -> AmsReply.sync(200, Views.of(answer(reply).instance())));
      case "PATCH":
        return patchInstance(call, id);
      case "DELETE":
        return stopInstance(id, true);
      default:
        throw methodNotAllowed(call, "GET, PATCH, DELETE");
    }
  }

  /** Nothing about an instance changes after creation; streaming least of all (409). */
  private CompletionStage<HttpResponse> patchInstance(Call call, String id) {
    return body(call.request()).thenCompose(bytes -> {
      JsonNode patch = parseTree(bytes);
      return askInstance(id, InstanceEntity.Get::new).thenApply(reply -> {
        InstanceRecord instance = answer(reply).instance();
        JsonNode streaming = patch.get("enable_streaming");
        if (streaming != null) {
          if (!streaming.isBoolean()) throw new ApiError(400, "field 'enable_streaming' must be a boolean");
          if (streaming.booleanValue() != instance.streaming()) {
            throw new ApiError(409, "streaming cannot change after an instance is created");
          }
        }
        for (Iterator<String> fields = patch.fieldNames(); fields.hasNext(); ) {
          String field = fields.next();
          if (!field.equals("enable_streaming")) {
            throw new ApiError(400, "nothing else can change: field '" + field + "' is fixed when an instance is created");
          }
        }
        return AmsReply.sync(200, Views.of(instance));
      });
    });
  }

  private CompletionStage<HttpResponse> startInstance(String id) {
    return askInstance(id, InstanceEntity.Start::new, settings.createTimeout()).thenApply(AmsApi::operationStarted);
  }

  private CompletionStage<HttpResponse> stopInstance(String id, boolean delete) {
    return askInstance(id, replyTo -> new InstanceEntity.Stop(delete, replyTo)).thenApply(AmsApi::operationStarted);
  }

  private static HttpResponse operationStarted(InstanceEntity.Reply reply) {
    InstanceEntity.Answer answer = answer(reply);
    return AmsReply.async(Views.of(answer.instance().id(), answer.operation()));
  }

  private EntityRef<InstanceEntity.Command> instanceRef(String id) {
    return sharding.entityRefFor(InstanceEntity.TYPE_KEY, id);
  }

  private CompletionStage<InstanceEntity.Reply> askInstance(String id,
      org.apache.pekko.japi.function.Function<ActorRef<InstanceEntity.Reply>, InstanceEntity.Command> message) {
    return askInstance(id, message, settings.askTimeout());
  }

  private CompletionStage<InstanceEntity.Reply> askInstance(String id,
      org.apache.pekko.japi.function.Function<ActorRef<InstanceEntity.Reply>, InstanceEntity.Command> message,
      Duration timeout) {
    // Only ids of the right shape reach sharding: no entity is started for anything else.
    if (!InstanceIds.plausible(id)) throw new ApiError(404, "no instance " + id);
    return instanceRef(id).ask(message, timeout);
  }

  private static InstanceEntity.Answer answer(InstanceEntity.Reply reply) {
    if (reply instanceof InstanceEntity.Answer answer) return answer;
    InstanceEntity.Rejected rejected = (InstanceEntity.Rejected) reply;
    throw new ApiError(rejected.code(), rejected.message());
  }

  // --- operations -----------------------------------------------------------------------------

  private CompletionStage<HttpResponse> getOperation(String operationId) {
    Operation.Ref ref = operationRef(operationId);
    return instanceRef(ref.instanceId()).<InstanceEntity.Reply>ask(
            replyTo -> new InstanceEntity.GetOperation(ref.seq(), replyTo), settings.askTimeout())
        .thenApply(AmsApi::operationView);
  }

  /** Blocks until the operation ends or {@code ?timeout=} seconds pass, then answers it as it is. */
  private CompletionStage<HttpResponse> waitOperation(Call call, String operationId) {
    Operation.Ref ref = operationRef(operationId);
    Duration wait = waitTimeout(call);
    if (wait.isZero()) return getOperation(operationId);
    return instanceRef(ref.instanceId()).<InstanceEntity.Reply>ask(
            replyTo -> new InstanceEntity.AwaitOperation(ref.seq(), wait, replyTo), wait)
        .thenApply(AmsApi::operationView)
        .exceptionallyCompose(failure -> {
          // Still running when the wait is over: answer it as it is.
          if (rootCause(failure) instanceof TimeoutException) return getOperation(operationId);
          return CompletableFuture.failedFuture(failure);
        });
  }

  private Duration waitTimeout(Call call) {
    Optional<String> raw = call.query("timeout");
    if (raw.isEmpty() || raw.get().isEmpty() || raw.get().equals("-1")) return settings.maxOperationWait();
    try {
      long seconds = Long.parseLong(raw.get());
      if (seconds < 0) throw new NumberFormatException();
      Duration wait = Duration.ofSeconds(seconds);
      return wait.compareTo(settings.maxOperationWait()) > 0 ? settings.maxOperationWait() : wait;
    } catch (NumberFormatException e) {
      throw new ApiError(400, "timeout must be a whole number of seconds (-1: as long as allowed)");
    }
  }

  private static Operation.Ref operationRef(String operationId) {
    Operation.Ref ref = Operation.Ref.parse(operationId);
    if (ref == null) throw new ApiError(404, "no operation " + operationId);
    return ref;
  }

  private static HttpResponse operationView(InstanceEntity.Reply reply) {
    InstanceEntity.Answer answer = answer(reply);
    return AmsReply.sync(200, Views.of(answer.instance().id(), answer.operation()));
  }

  // --- nodes ----------------------------------------------------------------------------------

  private CompletionStage<NodeRegistry.Nodes> askNodes() {
    return AskPattern.ask(nodes, NodeRegistry.ListNodes::new, settings.askTimeout(), system.scheduler());
  }

  private CompletionStage<HttpResponse> listNodes(Call call) {
    boolean recursion = recursion(call);
    return askNodes().thenApply(all -> AmsReply.sync(200, recursion
        ? all.nodes().stream().map(Views::of).toList()
        : all.nodes().stream().map(node -> Views.nodeUrl(node.nodeId())).toList()));
  }

  private CompletionStage<HttpResponse> getNode(String name) {
    return askNodes().thenApply(all -> {
      for (NodeTable.NodeView node : all.nodes()) {
        if (node.nodeId().equals(name)) return AmsReply.sync(200, Views.of(node));
      }
      throw new ApiError(404, "no media node " + name);
    });
  }

  // --- helpers --------------------------------------------------------------------------------

  private CompletionStage<byte[]> body(HttpRequest request) {
    long declared = request.entity().getContentLengthOption().orElse(-1);
    if (declared > settings.maxBodyBytes()) {
      request.discardEntityBytes(materializer);
      throw new ApiError(413, "request body is larger than " + settings.maxBodyBytes() + " bytes");
    }
    return request.entity().withSizeLimit(settings.maxBodyBytes())
        .toStrict(settings.askTimeout().toMillis(), materializer)
        .thenApply(strict -> strict.getData().toArray());
  }

  private static <T> T parse(byte[] body, Class<T> type) {
    try {
      return ApiJson.readBody(body, type);
    } catch (ApiJson.BadJsonException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  private static JsonNode parseTree(byte[] body) {
    if (body.length == 0) throw new ApiError(400, "request body is empty; expected a JSON object");
    JsonNode tree;
    try {
      tree = ApiJson.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiError(400, "unreadable body: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) throw new ApiError(400, "request body must be a JSON object");
    return tree;
  }

  private static boolean recursion(Call call) {
    String value = call.query("recursion").orElse("0");
    return value.equals("1") || value.equals("2") || value.equals("true");
  }

  private static void requireMethod(Call call, String allowed) {
    if (!call.method().equals(allowed)) throw methodNotAllowed(call, allowed);
  }

  private static ApiError methodNotAllowed(Call call, String allowed) {
    return new ApiError(405, "method " + call.method() + " is not allowed here; use " + allowed);
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
