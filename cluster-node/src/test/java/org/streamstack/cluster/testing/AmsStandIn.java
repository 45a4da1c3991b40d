package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server speaking the part of AMS's REST API an agent uses (LXD-style envelopes,
 * bearer token), with applications, nodes and instances the test sets. AMS itself is built
 * elsewhere; this stands in for its contract so that the agent can be tested on its own. It records
 * every request it answers, and can be told to refuse creates, to hold its answers to creates or
 * node lists, or to go away (connection refused). Like AMS, it lists the instances it placed on
 * its first online node.
 */
public final class AmsStandIn implements AutoCloseable {

  /** One request as it arrived. {@code body} is null when there was none. */
  public record Call(String method, String path, String query, JsonNode body, String authorization) {}

  /** One media node: {@code slots} encoder slots, {@code used} of them in use. */
  public record Node(String name, boolean online, int slots, int used) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token;
  private final int port;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Instance id → session id, of the instances created and not deleted. */
  private final Map<String, String> instances = new ConcurrentHashMap<>();
  private volatile List<String> applications = List.of("demo");
  private volatile List<Node> nodes = List.of(new Node("node-1", true, 12, 2));
  private volatile int refuseCreatesWith;
  private volatile String refusal;
  /** While held, creates place their instance and then wait for it to open before answering. */
  private final Gate createAnswers = new Gate();
  /** While held, node lists wait for it to open. */
  private final Gate nodeLists = new Gate();
  /** Instance id → when a node list first showed it (System.currentTimeMillis). */
  private final Map<String, Long> firstListed = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService handlers;

  private AmsStandIn(String token, int port) {
    this.token = token;
    this.port = port;
  }

  public static AmsStandIn start(String token) {
    AmsStandIn ams = new AmsStandIn(token, FreePorts.next());
    ams.up();
    return ams;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public void applications(List<String> names) {
    this.applications = List.copyOf(names);
  }

  public void nodes(List<Node> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** Creates are refused with this code and message from now on (0: accepted again). */
  public void refuseCreates(int code, String message) {
    this.refuseCreatesWith = code;
    this.refusal = message;
  }

  /** From now on a create places its instance at once but answers only after {@link #answerCreates}. */
  public void holdCreateAnswers() {
    createAnswers.hold();
  }

  public void answerCreates() {
    createAnswers.open();
  }

  /** From now on node lists are answered only after {@link #answerNodeLists}. */
  public void holdNodeLists() {
    nodeLists.hold();
  }

  public void answerNodeLists() {
    nodeLists.open();
  }

  /** The id of the instance created for {@code sessionId}, or null. */
  public String instanceOf(String sessionId) {
    for (Map.Entry<String, String> instance : instances.entrySet()) {
      if (instance.getValue().equals(sessionId)) return instance.getKey();
    }
    return null;
  }

  /** When a node list first showed the instance (System.currentTimeMillis), or null. */
  public Long firstListed(String instanceId) {
    return firstListed.get(instanceId);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method, String pathPrefix) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().startsWith(pathPrefix)).toList();
  }

  /** The instances created and not deleted: instance id → session id. */
  public Map<String, String> instances() {
    return Map.copyOf(instances);
  }

  /** Stops answering: connections are refused until {@link #up}. */
  public synchronized void down() {
    answerCreates();
    answerNodeLists();
    if (server != null) server.stop(0);
    server = null;
    if (handlers != null) handlers.shutdownNow();
    handlers = null;
  }

  public synchronized void up() {
    if (server != null) return;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Several at once: a held create must not hold the node lists behind it.
    handlers = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "ams-stand-in");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  @Override
  public void close() {
    down();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getQuery();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      calls.add(new Call(method, path, query, body, authorization));
      if (!("Bearer " + token).equals(authorization)) {
        error(exchange, 401, "a valid token is required");
        return;
      }
      if (method.equals("GET") && path.equals("/1.0/applications")) {
        ArrayNode list = JSON.createArrayNode();
        for (String app : applications) list.addObject().put("name", app).put("version", 1);
        sync(exchange, list);
      } else if (method.equals("GET") && path.equals("/1.0/nodes")) {
        nodeLists.pass();
        ArrayNode list = JSON.createArrayNode();
        boolean first = true;
        long now = System.currentTimeMillis();
        for (Node node : nodes) {
          ObjectNode entry = list.addObject().put("name", node.name()).put("status", node.online() ? "online" : "offline");
          entry.putObject("capacity").put("encoder_slots", node.slots());
          entry.putObject("load").put("encoder_slots_used", node.used());
          // As AMS answers: free is capacity less its reservations (here: what is in use).
          entry.put("free_encoder_slots", node.slots() - node.used());
          ArrayNode placed = entry.putArray("instances");
          if (node.online() && first) {
            first = false;
            for (String id : instances.keySet()) {
              placed.add(id);
              firstListed.putIfAbsent(id, now);
            }
          }
        }
        sync(exchange, list);
      } else if (method.equals("GET") && path.equals("/1.0/instances")) {
        ArrayNode list = JSON.createArrayNode();
        instances.forEach((id, session) -> {
          ObjectNode entry = list.addObject().put("id", id).put("status", "running");
          entry.putObject("session").put("id", session);
        });
        sync(exchange, list);
      } else if (method.equals("POST") && path.equals("/1.0/instances")) {
        create(exchange, body);
      } else if (method.equals("DELETE") && path.startsWith("/1.0/instances/")) {
        String id = path.substring("/1.0/instances/".length());
        if (instances.remove(id) == null) {
          error(exchange, 404, "no instance " + id);
        } else {
          async(exchange, id);
        }
      } else {
        error(exchange, 404, "not found");
      }
    }
  }

  private void create(HttpExchange exchange, JsonNode body) throws IOException {
    if (refuseCreatesWith != 0) {
      error(exchange, refuseCreatesWith, refusal);
      return;
    }
    String app = body == null ? null : body.path("app").asText(null);
    if (app == null || !applications.contains(app)) {
      error(exchange, 400, "unknown application '" + app + "'");
      return;
    }
    String id = "ins-" + UUID.randomUUID().toString().substring(0, 8);
    instances.put(id, body.path("session").path("id").asText(""));
    createAnswers.pass();
    async(exchange, id);
  }

  private static void async(HttpExchange exchange, String instanceId) throws IOException {
    String operation = UUID.randomUUID().toString();
    ObjectNode envelope = JSON.createObjectNode().put("type", "async").put("status", "Operation created")
        .put("status_code", 100).put("operation", "/1.0/operations/" + operation);
    ObjectNode metadata = envelope.putObject("metadata").put("id", operation).put("status", "Running");
    metadata.putObject("resources").putArray("instances").add("/1.0/instances/" + instanceId);
    send(exchange, 202, envelope);
  }

  private static void sync(HttpExchange exchange, JsonNode metadata) throws IOException {
    ObjectNode envelope = JSON.createObjectNode().put("type", "sync").put("status", "Success").put("status_code", 200);
    envelope.set("metadata", metadata);
    send(exchange, 200, envelope);
  }

  private static void error(HttpExchange exchange, int code, String message) throws IOException {
    send(exchange, code, JSON.createObjectNode().put("type", "error").put("error_code", code).put("error", message));
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Requests pass at once while open; while held they wait for it to open (at most 30 s). */
  private static final class Gate {
    private volatile CountDownLatch closed;

    void hold() {
      closed = new CountDownLatch(1);
    }

    void open() {
      CountDownLatch latch = closed;
      closed = null;
      if (latch != null) latch.countDown();
    }

    void pass() {
      CountDownLatch latch = closed;
      if (latch == null) return;
      try {
        if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
