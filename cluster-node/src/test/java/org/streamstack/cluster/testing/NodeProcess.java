package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A cluster-node in a JVM of its own ({@code java -cp <test class path> org.streamstack.cluster.Main
 * cluster-node}), role gateway, on free loopback ports, configured through the environment as in
 * deploy/k8s plus {@code settings} (HOCON, its {@code -Dconfig.file}). Unlike {@link RunningNode}
 * it can be killed: {@link #kill} is {@code kill -9}, no coordinated shutdown, no goodbye to the cluster.
 * Its log is {@code target/<dir>/<name>.log}.
 */
public final class NodeProcess implements AutoCloseable {

  /** Settings every process gets: short test timeouts and no throttling of the test's clients. */
  public static final String TEST_SETTINGS = """
      streamstack.gateway.instance-launch = manual
      streamstack.gateway.account-rate-limit = 1000000
      streamstack.gateway.account-rate-burst = 1000000
      streamstack.gateway.signaling.rate-limit = 1000000
      streamstack.gateway.signaling.rate-burst = 1000000
      streamstack.gateway.signaling.reattach-interval = 300ms
      pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 5s
      pekko.cluster.jmx.enabled = off
      """;

  public final String name;
  public final int arteryPort;
  public final int managementPort;
  public final int gatewayPort;
  public final int adminPort;
  public final ApiClient api;
  public final ApiClient admin;
  public final ApiClient management;
  public final Path log;
  private final Process process;

  private NodeProcess(String name, Builder builder) throws IOException {
    this.name = name;
    this.arteryPort = builder.arteryPort;
    this.managementPort = builder.managementPort;
    this.gatewayPort = FreePorts.next();
    this.adminPort = FreePorts.next();
    this.api = new ApiClient("http://127.0.0.1:" + gatewayPort);
    this.admin = new ApiClient("http://127.0.0.1:" + adminPort);
    this.management = new ApiClient("http://127.0.0.1:" + managementPort);
    Path dir = Path.of("target", builder.dir).toAbsolutePath();
    Files.createDirectories(dir);
    this.log = dir.resolve(name + ".log");
    Path conf = Files.writeString(dir.resolve(name + ".conf"), TEST_SETTINGS + builder.settings);

    // Three of these and the test share two cores: a small heap, the serial collector and the
    // quick compiler only keep their start and their JIT work from starving the others.
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dconfig.file=" + conf));
    command.addAll(builder.jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.streamstack.cluster.Main", "cluster-node"));
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = process.environment();
    env.keySet().removeIf(key -> key.startsWith("STREAMSTACK_") || key.startsWith("KUBERNETES_"));
    env.put("STREAMSTACK_ROLES", "gateway");
    env.put("STREAMSTACK_GATEWAY_INTERFACE", "127.0.0.1");
    env.put("STREAMSTACK_GATEWAY_PORT", String.valueOf(gatewayPort));
    env.put("STREAMSTACK_ADMIN_PORT", String.valueOf(adminPort));
    env.put("STREAMSTACK_ARTERY_HOST", "127.0.0.1");
    env.put("STREAMSTACK_ARTERY_PORT", String.valueOf(arteryPort));
    env.put("STREAMSTACK_MANAGEMENT_PORT", String.valueOf(managementPort));
    env.putAll(builder.env);
    this.process = process.start();
    // A test JVM that ends without closing it (a crash, an abort) does not leave it running.
    Process started = this.process;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, name + "-kill"));
  }

  public static Builder builder(String dir) {
    return new Builder(dir);
  }

  /** How to start one: the directory under target/ for its log, its journal, how it finds the others. */
  public static final class Builder {
    private final String dir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private String settings = "";
    private int arteryPort = FreePorts.next();
    private int managementPort = FreePorts.next();

    private Builder(String dir) {
      this.dir = dir;
    }

    /** The journal: a PostgreSQL database the test started. */
    public Builder journal(Postgres postgres) {
      env.put("STREAMSTACK_JOURNAL", postgres.jdbcUrl());
      env.put("STREAMSTACK_JOURNAL_USER", Postgres.USER);
      env.put("STREAMSTACK_JOURNAL_PASSWORD", "");
      return this;
    }

    /** Joins the members at these cluster ports (a member naming itself forms the cluster). */
    public Builder seedNodes(int... arteryPorts) {
      List<String> seeds = new ArrayList<>();
      for (int port : arteryPorts) seeds.add("127.0.0.1:" + port);
      env.put("STREAMSTACK_DISCOVERY", "seed-nodes");
      env.put("STREAMSTACK_SEED_NODES", String.join(",", seeds));
      return this;
    }

    /**
     * Finds the others as in Kubernetes: cluster bootstrap lists the pods of {@code api} (a pod's
     * management port is its contact point) and forms or joins the cluster.
     */
    public Builder kubernetesDiscovery(KubernetesApiStandIn api, String labelSelector, int requiredContactPoints) {
      env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
      env.put("KUBERNETES_SERVICE_PORT", String.valueOf(api.port()));
      env.put("STREAMSTACK_DISCOVERY", "kubernetes-api");
      env.put("STREAMSTACK_POD_LABEL_SELECTOR", labelSelector);
      env.put("STREAMSTACK_REQUIRED_CONTACT_POINTS", String.valueOf(requiredContactPoints));
      jvmOptions.addAll(List.of(
          "-Dpekko.discovery.kubernetes-api.api-ca-path=" + api.caCertificate,
          "-Dpekko.discovery.kubernetes-api.api-token-path=" + api.tokenFile,
          "-Dpekko.discovery.kubernetes-api.pod-namespace-path=" + api.namespaceFile));
      return this;
    }

    /** Further HOCON settings, laid over {@link #TEST_SETTINGS}. */
    public Builder settings(String hocon) {
      settings = settings + "\n" + hocon + "\n";
      return this;
    }

    public Builder arteryPort(int port) {
      arteryPort = port;
      return this;
    }

    public Builder managementPort(int port) {
      managementPort = port;
      return this;
    }

    public NodeProcess start(String name) {
      try {
        return new NodeProcess(name, this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start cluster-node " + name, e);
      }
    }
  }

  /** Waits until the member says it is ready (member Up, gateway bound); fails at once if it exited. */
  public NodeProcess awaitReady(Duration timeout) {
    Await.until(name + " ready (log: " + log + ")", timeout, () -> {
      if (!process.isAlive()) throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      return management.get("/ready", null).status() == 200;
    });
    return this;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The cluster's members this one sees, by address, with their status ("Up", "Leaving", ...). */
  public Map<String, String> members() {
    JsonNode view = management.get("/cluster/members", null).json();
    Map<String, String> members = new LinkedHashMap<>();
    view.path("members").forEach(m -> members.put(m.path("node").asText(), m.path("status").asText()));
    return members;
  }

  /** Addresses this member sees as unreachable. */
  public List<String> unreachable() {
    List<String> nodes = new ArrayList<>();
    management.get("/cluster/members", null).json().path("unreachable")
        .forEach(u -> nodes.add(u.path("node").asText()));
    return nodes;
  }

  /**
   * The shards of entity type {@code typeName} this member hosts, with their number of running
   * entities (Pekko Management's {@code GET /cluster/shards/{name}}).
   */
  public Map<String, Integer> shards(String typeName) {
    ApiClient.Reply reply = management.get("/cluster/shards/" + typeName, null);
    if (reply.status() != 200) throw new IllegalStateException(name + " /cluster/shards: " + reply.status() + " " + reply.body());
    Map<String, Integer> shards = new HashMap<>();
    reply.json().path("regions").forEach(r -> shards.put(r.path("shardId").asText(), r.path("numEntities").asInt()));
    return shards;
  }

  /** Creates an account through this member's admin interface and returns its token. */
  public String createAccount(String accountName) {
    ApiClient.Reply reply = admin.post("/admin/v1/accounts", Map.of("name", accountName), null);
    if (reply.status() != 201) throw new IllegalStateException("account create failed: " + reply.body());
    return reply.json().path("metadata").path("token").asText();
  }

  /** The address other members know this one by. */
  public String address() {
    return "pekko://streamstack@127.0.0.1:" + arteryPort;
  }

  /** {@code kill -9}: the process ends at once, without leaving the cluster. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM (coordinated shutdown), then kill -9 if it has not ended within 20 s. */
  @Override
  public void close() {
    if (!process.isAlive()) return;
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
