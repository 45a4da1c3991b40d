package org.streamstack.cluster.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.streamstack.cluster.Failures;
import org.streamstack.protocol.nats.StartInstance;

/**
 * The agent's client of its region's AMS REST API (LXD-style envelopes: sync, async with an
 * operation, error). Every request carries the region's AMS token and gives up after the request
 * timeout. Failures complete the returned stage with an {@link AmsException} that carries the HTTP
 * code to pass on: AMS's own for its refusals, 503 when it does not answer, 502 when it answers
 * with something that is not its envelope.
 */
final class AmsClient {

  /** One media node as AMS lists it: {@code freeSlots} is what it can still take (0 when offline). */
  record Node(String name, boolean online, int freeSlots, List<String> instances) {}

  static final class AmsException extends RuntimeException {
    final int code;

    AmsException(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;

  AmsClient(String base, String token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
  }

  /** Names of the applications AMS can launch. */
  CompletableFuture<List<String>> applications() {
    return send("GET", "/1.0/applications?recursion=1", null).thenApply(envelope -> {
      List<String> names = new ArrayList<>();
      for (JsonNode app : list(envelope, "applications")) {
        String name = app.isTextual() ? lastSegment(app.asText()) : app.path("name").asText(null);
        if (name != null && !name.isEmpty()) names.add(name);
      }
      return List.copyOf(names);
    });
  }

  CompletableFuture<List<Node>> nodes() {
    return send("GET", "/1.0/nodes?recursion=1", null).thenApply(envelope -> {
      List<Node> nodes = new ArrayList<>();
      for (JsonNode node : list(envelope, "nodes")) {
        boolean online = "online".equals(node.path("status").asText());
        // AMS's own figure (capacity less what its placed instances reserve, instances still
        // starting included); what the node reports in use is only the fallback.
        int free = node.has("free_encoder_slots") ? node.path("free_encoder_slots").asInt(0)
            : node.path("capacity").path("encoder_slots").asInt(0) - node.path("load").path("encoder_slots_used").asInt(0);
        List<String> instances = new ArrayList<>();
        for (JsonNode instance : node.path("instances")) instances.add(instance.asText());
        nodes.add(new Node(node.path("name").asText("?"), online, online ? Math.max(0, free) : 0, List.copyOf(instances)));
      }
      return List.copyOf(nodes);
    });
  }

  /** Creates a streaming instance bound to the session; completes with the new instance's id. */
  CompletableFuture<String> createInstance(StartInstance start) {
    ObjectNode body = JSON.createObjectNode();
    body.put("app", start.app());
    if (start.appVersion() != null) body.put("app_version", start.appVersion());
    body.put("enable_streaming", true);
    if (start.screen() != null) body.set("screen", JSON.valueToTree(start.screen()));
    ObjectNode session = body.putObject("session");
    session.put("id", start.sessionId());
    session.put("url", start.instanceSocketUrl());
    return send("POST", "/1.0/instances", body).thenApply(envelope -> {
      JsonNode instances = envelope.path("metadata").path("resources").path("instances");
      String id = instances.isArray() && instances.size() > 0 ? lastSegment(instances.get(0).asText("")) : "";
      if (id.isEmpty()) id = envelope.path("type").asText().equals("sync") ? envelope.path("metadata").path("id").asText("") : "";
      if (id.isEmpty()) throw new AmsException(502, "AMS created an instance but did not say which");
      return id;
    });
  }

  /** Deletes an instance; one AMS does not know counts as deleted. */
  CompletableFuture<Void> deleteInstance(String instanceId) {
    return send("DELETE", "/1.0/instances/" + URLEncoder.encode(instanceId, StandardCharsets.UTF_8).replace("+", "%20"), null)
        .handle((envelope, failure) -> {
          if (failure == null) return null;
          Throwable cause = unwrap(failure);
          if (cause instanceof AmsException ams && ams.code == 404) return null;
          throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        });
  }

  /** Ids of the instances AMS has bound to a session. */
  CompletableFuture<List<String>> instancesOfSession(String sessionId) {
    String query = "/1.0/instances?recursion=1&session_id="
        + java.net.URLEncoder.encode(sessionId, java.nio.charset.StandardCharsets.UTF_8);
    return send("GET", query, null).thenApply(envelope -> {
      List<String> ids = new ArrayList<>();
      for (JsonNode instance : list(envelope, "instances")) {
        String session = instance.path("session").path("id").asText(instance.path("session_id").asText(""));
        String id = instance.path("id").asText(instance.path("name").asText(""));
        if (sessionId.equals(session) && !id.isEmpty()) ids.add(id);
      }
      return List.copyOf(ids);
    });
  }

  private CompletableFuture<JsonNode> send(String method, String path, JsonNode body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, failure) -> {
          if (failure != null) {
            throw new AmsException(503, "AMS at " + base + " did not answer: " + why(unwrap(failure)));
          }
          return envelope(method, path, response);
        });
  }

  private JsonNode envelope(String method, String path, HttpResponse<byte[]> response) {
    JsonNode envelope;
    try {
      envelope = JSON.readTree(response.body());
    } catch (IOException e) {
      envelope = null;
    }
    if (envelope == null || !envelope.isObject() || !envelope.path("type").isTextual()) {
      throw new AmsException(502, "AMS answered " + method + " " + path + " with HTTP " + response.statusCode()
          + " and no envelope");
    }
    if (envelope.path("type").asText().equals("error") || response.statusCode() >= 400) {
      int code = envelope.path("error_code").asInt(response.statusCode());
      String error = envelope.path("error").asText("HTTP " + response.statusCode());
      throw new AmsException(code >= 400 && code <= 599 ? code : response.statusCode(), error);
    }
    return envelope;
  }

  private String why(Throwable cause) {
    if (cause instanceof java.net.http.HttpTimeoutException) return "no answer within " + timeout.toMillis() + " ms";
    if (cause instanceof java.net.ConnectException) return "connection refused";
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** The metadata list of a collection answered with recursion. */
  private static Iterable<JsonNode> list(JsonNode envelope, String what) {
    JsonNode metadata = envelope.path("metadata");
    if (!metadata.isArray()) throw new AmsException(502, "AMS listed its " + what + " as something else than a list");
    return metadata;
  }

  private static String lastSegment(String path) {
    String trimmed = path.replaceAll("/+$", "");
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  private static byte[] write(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a request to AMS", e);
    }
  }

  static Throwable unwrap(Throwable failure) {
    return Failures.cause(failure);
  }
}
