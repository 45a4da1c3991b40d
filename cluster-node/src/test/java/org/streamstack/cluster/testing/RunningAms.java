package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;

/**
 * A real cluster member with the role ams only, started by a test against a {@link NatsServer}:
 * its own in-memory journal, the AMS API on a free loopback port, a random AMS token.
 */
public final class RunningAms implements AutoCloseable {

  public static final String TEST_SETTINGS = RunningNode.TEST_SETTINGS + """
      streamstack.ams.interface = "127.0.0.1"
      streamstack.ams.port = 0
      streamstack.ams.stopped-passivation = 2s
      """;

  public final ClusterNode node;
  public final ApiClient api;
  public final String token;
  public final String region;

  private RunningAms(ClusterNode node, String token) {
    this.node = node;
    this.token = token;
    this.api = new ApiClient("http://127.0.0.1:" + node.amsPort());
    this.region = node.system().settings().config().getString("streamstack.node.region");
  }

  /** {@code extraSettings} (HOCON) win over the test settings, for example a short node-timeout. */
  public static RunningAms start(NatsServer nats, String extraSettings) {
    return start(nats, "h2:mem:" + UUID.randomUUID(), "ams-" + UUID.randomUUID(), extraSettings);
  }

  /** A member on the given journal (to be started again on it) with the given token. */
  public static RunningAms start(NatsServer nats, String journal, String token, String extraSettings) {
    NodeOptions options = NodeOptions.defaults()
        .roles(List.of("ams"))
        .arteryHost("127.0.0.1")
        .arteryPort(FreePorts.next())
        .journal(journal)
        .with(TEST_SETTINGS)
        .with(nats.clusterNodeSettings())
        .with("streamstack.ams.token = \"" + token + "\"")
        .with(extraSettings);
    return new RunningAms(ClusterNode.start(options), token);
  }

  /**
   * A region of its own: a member (its own Pekko cluster) holding the roles agent and ams of
   * {@code region}, its agent talking to its AMS and to the gateways over {@code nats}.
   */
  public static RunningAms withAgent(NatsServer nats, String region, String extraSettings) {
    String token = "ams-" + UUID.randomUUID();
    int amsPort = FreePorts.next();
    NodeOptions options = NodeOptions.defaults()
        .roles(List.of("agent", "ams"))
        .region(region)
        .arteryHost("127.0.0.1")
        .arteryPort(FreePorts.next())
        .journal("h2:mem:" + UUID.randomUUID())
        .with(TEST_SETTINGS)
        .with(nats.clusterNodeSettings())
        .with("""
            streamstack.ams.port = %d
            streamstack.ams.token = "%s"
            streamstack.agent {
              ams-url = "http://127.0.0.1:%d"
              ams-token = "%s"
              heartbeat-interval = 200ms
            }
            """.formatted(amsPort, token, amsPort, token))
        .with(extraSettings);
    return new RunningAms(ClusterNode.start(options), token);
  }

  public String url() {
    return api.base;
  }

  public ApiClient.Reply get(String path) {
    return api.get(path, token);
  }

  public ApiClient.Reply post(String path, Object body) {
    return api.post(path, body, token);
  }

  public ApiClient.Reply send(String method, String path, Object body) {
    return api.send(method, path, body, token);
  }

  /** Creates an application and answers its metadata; fails the test when the API refuses. */
  public JsonNode createApplication(Map<String, Object> body) {
    ApiClient.Reply reply = post("/1.0/applications", body);
    if (reply.status() != 201) throw new AssertionError("application create failed: " + reply.body());
    return reply.json().path("metadata");
  }

  /** The operation of an async answer once it has ended (or after {@code seconds}). */
  public JsonNode waitFor(ApiClient.Reply asyncReply, int seconds) {
    if (asyncReply.status() != 202) throw new AssertionError("expected 202 with an operation: " + asyncReply.body());
    String operation = asyncReply.json().path("operation").asText();
    ApiClient.Reply reply = get(operation + "/wait?timeout=" + seconds);
    if (reply.status() != 200) throw new AssertionError("operation wait failed: " + reply.body());
    return reply.json().path("metadata");
  }

  /** The id of the instance an async answer is about. */
  public static String instanceIdOf(ApiClient.Reply asyncReply) {
    String url = asyncReply.json().path("metadata").path("resources").path("instances").path(0).asText();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  public JsonNode instance(String id) {
    ApiClient.Reply reply = get("/1.0/instances/" + id);
    if (reply.status() != 200) throw new AssertionError("instance get failed: " + reply.body());
    return reply.json().path("metadata");
  }

  public String status(String instanceId) {
    return instance(instanceId).path("status").asText();
  }

  public void stop() {
    node.close(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    stop();
  }
}
