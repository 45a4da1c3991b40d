package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;

/**
 * A real cluster member started by a test on free loopback ports, with its own in-memory
 * journal unless told otherwise. Timeouts are short so that tests wait little.
 */
public final class RunningNode implements AutoCloseable {

  public static final String TEST_SETTINGS = """
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.cluster.split-brain-resolver.stable-after = 2s
      pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
      pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 5s
      streamstack.gateway.interface = "127.0.0.1"
      streamstack.management.port = 0
      streamstack.gateway.instance-launch = manual
      streamstack.gateway.signaling.reattach-interval = 300ms
      streamstack.gateway.sessions.ask-timeout = 5s
      """;

  public final ClusterNode node;
  public final int arteryPort;
  public final ApiClient api;
  public final ApiClient admin;

  private RunningNode(ClusterNode node, int arteryPort) {
    this.node = node;
    this.arteryPort = arteryPort;
    this.api = new ApiClient("http://127.0.0.1:" + node.gatewayPort());
    this.admin = new ApiClient("http://127.0.0.1:" + node.adminPort());
  }

  /** A single-member cluster with a fresh in-memory journal. */
  public static RunningNode standalone(String extraSettings) {
    return start("h2:mem:" + UUID.randomUUID(), List.of(), FreePorts.next(), extraSettings);
  }

  public static RunningNode standalone() {
    return standalone("");
  }

  /** A member on {@code arteryPort} joining {@code seeds} (host:port), or forming a cluster when empty. */
  public static RunningNode start(String journal, List<String> seeds, int arteryPort, String extraSettings) {
    NodeOptions options = NodeOptions.defaults()
        .gatewayPort(0)
        .adminPort(0)
        .roles(List.of("gateway"))
        .arteryHost("127.0.0.1")
        .arteryPort(arteryPort)
        .journal(journal)
        .with(extraSettings)
        .with(TEST_SETTINGS);
    if (!seeds.isEmpty()) options.seedNodes(seeds);
    return new RunningNode(ClusterNode.start(options), arteryPort);
  }

  /**
   * A single-member cluster whose gateway launches instances through agents over NATS (and holds
   * {@code roles}, gateway among them). {@code extraSettings} come last, so they may override the
   * test settings: NATS URL and token, the agent's AMS, short timeouts.
   */
  public static RunningNode withAgents(List<String> roles, String extraSettings) {
    int arteryPort = FreePorts.next();
    NodeOptions options = NodeOptions.defaults()
        .gatewayPort(0)
        .adminPort(0)
        .roles(roles)
        .arteryHost("127.0.0.1")
        .arteryPort(arteryPort)
        .journal("h2:mem:" + UUID.randomUUID())
        .with(TEST_SETTINGS)
        .with("streamstack.gateway.instance-launch = agents")
        .with(extraSettings);
    return new RunningNode(ClusterNode.start(options), arteryPort);
  }

  public String baseUrl() {
    return api.base;
  }

  /** Creates an account through the admin interface and returns its token. */
  public String createAccount(String name) {
    ApiClient.Reply reply = admin.post("/admin/v1/accounts", Map.of("name", name), null);
    if (reply.status() != 201) throw new IllegalStateException("account create failed: " + reply.body());
    return reply.json().path("metadata").path("token").asText();
  }

  /** The instance socket URL of a session, as the operator (later: the agent) gets it. */
  public String instanceSocketUrl(String sessionId) {
    ApiClient.Reply reply = admin.post("/admin/v1/sessions/" + sessionId + "/instance-socket", null, null);
    if (reply.status() != 200) throw new IllegalStateException("instance credential failed: " + reply.body());
    return reply.json().path("metadata").path("url").asText();
  }

  /** Creates a session of app {@code demo} and returns its metadata. */
  public JsonNode createSession(String token, Map<String, Object> body) {
    ApiClient.Reply reply = api.post("/1.0/sessions", body, token);
    if (reply.status() != 201) throw new IllegalStateException("session create failed: " + reply.body());
    return reply.json().path("metadata");
  }

  public void stop() {
    node.close(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    stop();
  }
}
