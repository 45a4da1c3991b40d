package org.streamstack.cluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * A cluster member a benchmark starts in its own JVM (--self), on free loopback ports, with the
 * per-account and per-socket rate limits raised out of the way: the benchmarks measure the
 * gateway's capacity, not its throttles.
 */
final class InProcessMember implements AutoCloseable {

  static final String BENCH_SETTINGS = """
      streamstack.gateway.interface = "127.0.0.1"
      # The gateway alone: instances are not launched, benchmarks connect the instance side themselves.
      streamstack.gateway.instance-launch = manual
      streamstack.gateway.account-rate-limit = 1000000
      streamstack.gateway.account-rate-burst = 1000000
      streamstack.gateway.signaling.rate-limit = 1000000
      streamstack.gateway.signaling.rate-burst = 1000000
      pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 5s
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      """;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  final ClusterNode node;
  final int arteryPort;

  private InProcessMember(ClusterNode node, int arteryPort) {
    this.node = node;
    this.arteryPort = arteryPort;
  }

  /** A member on a free cluster port joining {@code seeds} (host:port), or forming a cluster when empty. */
  static InProcessMember start(String journal, List<String> seeds, String extraSettings) {
    int arteryPort = freePort();
    NodeOptions options = NodeOptions.defaults()
        .gatewayPort(0)
        .adminPort(0)
        .roles(List.of("gateway"))
        .arteryHost("127.0.0.1")
        .arteryPort(arteryPort)
        .managementPort(0)
        .journal(journal)
        .with(BENCH_SETTINGS)
        .with(extraSettings);
    if (!seeds.isEmpty()) options.seedNodes(seeds);
    return new InProcessMember(ClusterNode.start(options), arteryPort);
  }

  String apiUrl() {
    return "http://127.0.0.1:" + node.gatewayPort();
  }

  String adminUrl() {
    return "http://127.0.0.1:" + node.adminPort();
  }

  String arteryHostPort() {
    return "127.0.0.1:" + arteryPort;
  }

  /** Waits until this member sees {@code members} members up. */
  void awaitMembersUp(int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Cluster cluster = Cluster.get(node.system());
    while (System.nanoTime() < deadline) {
      long up = 0;
      for (org.apache.pekko.cluster.Member member : cluster.state().getMembers()) {
        if (member.status() == MemberStatus.up()) up++;
      }
      if (up >= members) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("the cluster did not reach " + members + " members up within " + timeout);
  }

  /** Creates an account through the admin interface and returns its client token. */
  static String createAccount(String adminUrl, String name) {
    JsonNode reply = post(adminUrl + "/admin/v1/accounts", Map.of("name", name), null, 201);
    return reply.path("metadata").path("token").asText();
  }

  /** The instance socket URL of a session, from the admin interface. */
  static String instanceSocketUrl(String adminUrl, String sessionId) {
    JsonNode reply = post(adminUrl + "/admin/v1/sessions/" + sessionId + "/instance-socket", null, null, 200);
    return reply.path("metadata").path("url").asText();
  }

  /** Creates a session of app {@code demo} and returns its metadata. */
  static JsonNode createSession(String apiUrl, String token) {
    return post(apiUrl + "/1.0/sessions", Map.of("app", "demo"), token, 201).path("metadata");
  }

  static JsonNode post(String url, Object body, String token, int expected) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(ApiJson.write(body)))
        .header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
      }
      return ApiJson.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + url + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    node.close(Duration.ofSeconds(30));
  }
}
