package org.streamstack.media.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.media.node.MediaNode;

/**
 * The whole stack of ARCHITECTURE.md on loopback, as `./streamstack up` runs it: a real
 * nats-server with token authentication, one cluster-node holding the roles gateway, agent and
 * ams (in-memory H2 journal), and media nodes, either in this JVM or as processes of their own
 * (which a test can kill as a machine dies). The application {@code demo} (the synthetic one) is
 * registered on AMS and a client account exists. One per test class.
 */
public final class WholeStack implements AutoCloseable {

  public static final String REGION = "local";
  public static final String ACCOUNT = "stack";

  public final NatsServer nats;
  public final ClusterNode node;
  public final ApiClient gateway;
  public final ApiClient admin;
  public final ApiClient ams;
  public final String amsToken = "ams-" + UUID.randomUUID();
  public final String clientToken;
  private final String mediaNodeSettings;
  private final List<MediaNode> inProcess = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private WholeStack(String clusterNodeSettings, String mediaNodeSettings) {
    this.mediaNodeSettings = mediaNodeSettings;
    nats = NatsServer.start();
    int amsPort = FreePorts.next();
    node = ClusterNode.start(NodeOptions.defaults()
        .gatewayPort(0)
        .adminPort(0)
        .roles(NodeOptions.ALL_ROLES)
        .arteryHost("127.0.0.1")
        .arteryPort(FreePorts.next())
        .managementPort(0)
        .journal("h2:mem:" + UUID.randomUUID())
        .with(nats.clusterNodeSettings())
        .with(clusterNodeSettings)
        .with("""
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 5s
            streamstack.gateway.interface = "127.0.0.1"
            streamstack.gateway.instance-launch = agents
            streamstack.ams.interface = "127.0.0.1"
            streamstack.ams.port = %d
            streamstack.ams.token = "%s"
            streamstack.ams.node-timeout = 3s
            streamstack.agent.ams-url = "http://127.0.0.1:%d"
            streamstack.agent.ams-token = "%s"
            streamstack.agent.heartbeat-interval = 500ms
            streamstack.agent.session-owner = "%s"
            """.formatted(amsPort, amsToken, amsPort, amsToken, ACCOUNT)));
    gateway = new ApiClient("http://127.0.0.1:" + node.gatewayPort());
    admin = new ApiClient("http://127.0.0.1:" + node.adminPort());
    ams = new ApiClient("http://127.0.0.1:" + amsPort);
    ApiClient.Reply account = admin.post("/admin/v1/accounts", Map.of("name", ACCOUNT), null);
    if (account.status() != 201) throw new IllegalStateException("account create failed: " + account.body());
    clientToken = account.json().path("metadata").path("token").asText();
    ApiClient.Reply app = ams.post("/1.0/applications", Map.of("name", "demo", "source", Map.of("type", "synthetic")),
        amsToken);
    if (app.status() / 100 != 2) throw new IllegalStateException("app create failed: " + app.body());
  }

  /** The stack with one media node in this JVM. */
  public static WholeStack withMediaNodeInProcess() {
    return withMediaNodeInProcess("", "");
  }

  /**
   * The stack with one media node in this JVM, the cluster node and the media node given these
   * settings (HOCON lines) on top of their own, such as a TURN server's.
   */
  public static WholeStack withMediaNodeInProcess(String clusterNodeSettings, String mediaNodeSettings) {
    WholeStack stack = new WholeStack(clusterNodeSettings, mediaNodeSettings);
    stack.startMediaNodeInProcess("media-1");
    stack.awaitRegionReady();
    return stack;
  }

  /** The stack without a media node yet. */
  public static WholeStack withoutMediaNode() {
    return new WholeStack("", "");
  }

  public MediaNode startMediaNodeInProcess(String nodeId) {
    MediaNode media = MediaNode.start(ConfigFactory.parseString(mediaNodeSettings + """
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.node.nats-url = "%s"
        streamstack.media.node.nats-token = "%s"
        streamstack.media.node.region = "%s"
        streamstack.media.node.id = "%s"
        streamstack.media.node.heartbeat-interval = 500ms
        """.formatted(nats.url(), nats.token(), REGION, nodeId)));
    inProcess.add(media);
    return media;
  }

  /**
   * A media node in a JVM of its own (this JVM's class path), as `streamstack media-node` runs it;
   * {@link Process#destroyForcibly} on it is a machine dying.
   */
  public Process startMediaNodeProcess(String nodeId) {
    File log;
    try {
      log = File.createTempFile("media-node-" + nodeId + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = List.of(
        System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
        "org.streamstack.media.node.MediaNodeMain",
        "--nats", nats.url(), "--region", REGION, "--node-id", nodeId, "--udp-port", "0", "--bind", "127.0.0.1");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
    builder.environment().put("STREAMSTACK_NATS_TOKEN", nats.token());
    try {
      Process process = builder.start();
      processes.add(process);
      System.out.println("media node " + nodeId + " started as process " + process.pid() + ", log " + log);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until AMS lists a node online and the gateway offers {@code demo} in an available region. */
  public void awaitRegionReady() {
    Await.until("a media node online on AMS", Duration.ofSeconds(60), () -> onlineNodes() > 0);
    Await.until("the gateway to offer demo in an available region", Duration.ofSeconds(20), () -> {
      JsonNode regions = gateway.get("/1.0/regions?recursion=true", clientToken).json().path("metadata");
      boolean available = false;
      for (JsonNode region : regions) available |= region.path("available").asBoolean(false);
      return available && gateway.get("/1.0/applications", clientToken).body().contains("demo");
    });
  }

  public int onlineNodes() {
    int online = 0;
    for (JsonNode node : ams.get("/1.0/nodes?recursion=1", amsToken).json().path("metadata")) {
      if ("online".equals(node.path("status").asText())) online++;
    }
    return online;
  }

  /** POST /1.0/sessions with the client token; the session's metadata. */
  public JsonNode createSession(Map<String, Object> body) {
    ApiClient.Reply reply = gateway.post("/1.0/sessions", body, clientToken);
    if (reply.status() != 201) throw new IllegalStateException("session create failed: " + reply.status() + " " + reply.body());
    return reply.json().path("metadata");
  }

  /**
   * POST /1.0/sessions/{id}/share with the client token (issue 6): {@code type} view or control;
   * the share's metadata, its link in {@code url}.
   */
  public JsonNode createShare(String sessionId, String type) {
    ApiClient.Reply reply = gateway.post("/1.0/sessions/" + sessionId + "/share", Map.of("type", type), clientToken);
    if (reply.status() != 201) throw new IllegalStateException("share create failed: " + reply.status() + " " + reply.body());
    return reply.json().path("metadata");
  }

  /**
   * Joins a share through its link ({@code .../#share=<id>&secret=<secret>}) as the web page does:
   * POST /1.0/shares/{id}/join without a token; the metadata ({@code url} of the peer's socket).
   */
  public JsonNode joinShare(String shareLink) {
    String fragment = shareLink.substring(shareLink.indexOf('#') + 1);
    Map<String, String> parts = new java.util.HashMap<>();
    for (String part : fragment.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) parts.put(part.substring(0, eq), java.net.URLDecoder.decode(part.substring(eq + 1),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    ApiClient.Reply reply = gateway.post("/1.0/shares/" + parts.get("share") + "/join",
        Map.of("secret", parts.get("secret")), null);
    if (reply.status() != 200) throw new IllegalStateException("share join failed: " + reply.status() + " " + reply.body());
    return reply.json().path("metadata");
  }

  /** The media nodes running in this JVM, in start order. */
  public List<MediaNode> mediaNodesInProcess() {
    return List.copyOf(inProcess);
  }

  public JsonNode session(String sessionId) {
    return gateway.get("/1.0/sessions/" + sessionId, clientToken).json().path("metadata");
  }

  public JsonNode instance(String instanceId) {
    return ams.get("/1.0/instances/" + instanceId, amsToken).json().path("metadata");
  }

  /**
   * An instance's status on AMS, or {@code deleted} once AMS has forgotten it (a deleted instance
   * is stopped and then answers 404).
   */
  public String instanceStatus(String instanceId) {
    ApiClient.Reply reply = ams.get("/1.0/instances/" + instanceId, amsToken);
    if (reply.status() == 404) return "deleted";
    return reply.json().path("metadata").path("status").asText();
  }

  /** The AMS instance serving a session (found through AMS's list). */
  public JsonNode instanceOfSession(String sessionId) {
    for (JsonNode instance : ams.get("/1.0/instances?recursion=1", amsToken).json().path("metadata")) {
      if (sessionId.equals(instance.path("session_id").asText())) return instance;
    }
    return null;
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (MediaNode media : inProcess) media.close();
    node.close(Duration.ofSeconds(20));
    nats.close();
  }
}
