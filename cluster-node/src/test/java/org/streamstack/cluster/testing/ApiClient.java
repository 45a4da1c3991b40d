package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.streamstack.protocol.gateway.ApiJson;

/** A plain HTTP client for black-box tests: real requests, raw status, headers and JSON. */
public final class ApiClient {

  public record Reply(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return ApiJson.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("response is not JSON: " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText();
    }
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public final String base;

  public ApiClient(String base) {
    this.base = base;
  }

  public Reply get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public Reply delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public Reply post(String path, Object body, String token) {
    return send(request(path, token).POST(publisher(body)).header("Content-Type", "application/json").build());
  }

  /** Sends exactly these bytes as the body, for malformed-input tests. */
  public Reply postRaw(String path, String rawBody, String token) {
    return send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(rawBody))
        .header("Content-Type", "application/json").build());
  }

  public Reply send(String method, String path, Object body, String token) {
    return send(request(path, token).method(method, publisher(body)).build());
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) builder.header("Authorization", "Bearer " + token);
    return builder;
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new AssertionError("request failed: " + request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static HttpRequest.BodyPublisher publisher(Object body) {
    if (body == null) return HttpRequest.BodyPublishers.noBody();
    if (body instanceof String text) return HttpRequest.BodyPublishers.ofString(text);
    return HttpRequest.BodyPublishers.ofByteArray(ApiJson.write(body instanceof Map<?, ?> ? body : body));
  }
}
