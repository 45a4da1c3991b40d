package org.streamstack.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import org.streamstack.cluster.journal.JournalLocation;

/**
 * The flags of {@code streamstack cluster-node}, turned into configuration laid over the
 * environment, application.conf and the defaults. A flag left out keeps what the configuration
 * says (and that reads the STREAMSTACK_* environment variables).
 */
public final class NodeOptions {

  public static final List<String> ALL_ROLES = List.of("gateway", "agent", "ams");
  public static final String SYSTEM_NAME = "streamstack";
  public static final String SEED_NODES = "seed-nodes";
  public static final String KUBERNETES_API = "kubernetes-api";

  private Integer gatewayPort;
  private Integer adminPort;
  private List<String> roles;
  private String journal;
  private List<String> seedNodes;
  private String nats;
  private String region;
  private String arteryHost;
  private Integer arteryPort;
  private Integer managementPort;
  private String discovery;
  private List<String> stunUrls;
  private List<String> turnUrls;
  private Config extra = ConfigFactory.empty();
  /** Region routing settings from their flags: setting under streamstack.gateway.routing → value. */
  private final java.util.Map<String, String> routing = new java.util.TreeMap<>();

  /** Region routing flags (README "Regions") and the setting under streamstack.gateway.routing each sets. */
  static final java.util.Map<String, String> ROUTING_FLAGS = java.util.Map.of(
      "--region-cidrs", "cidr-regions",
      "--geoip-database", "geoip-database",
      "--geoip-countries", "geoip-countries",
      "--geoip-continents", "geoip-continents",
      "--trusted-proxies", "trusted-proxies");

  public static NodeOptions defaults() {
    return new NodeOptions();
  }

  public NodeOptions gatewayPort(int port) { this.gatewayPort = port; return this; }

  public NodeOptions adminPort(int port) { this.adminPort = port; return this; }

  public NodeOptions roles(List<String> roles) {
    for (String role : roles) {
      if (!ALL_ROLES.contains(role)) throw new IllegalArgumentException("unknown role '" + role + "'; roles are " + ALL_ROLES);
    }
    if (roles.isEmpty()) throw new IllegalArgumentException("--roles needs at least one role");
    this.roles = List.copyOf(roles);
    return this;
  }

  public NodeOptions journal(String location) {
    JournalLocation.parse(location);
    this.journal = location;
    return this;
  }

  /** Seed nodes as host:port of their cluster (artery) ports. */
  public NodeOptions seedNodes(List<String> hostPorts) {
    for (String hostPort : hostPorts) {
      if (!hostPort.matches("[^:\\s]+:\\d{1,5}")) {
        throw new IllegalArgumentException("seed nodes are host:port, not '" + hostPort + "'");
      }
    }
    this.seedNodes = List.copyOf(hostPorts);
    return this;
  }

  public NodeOptions nats(String url) { this.nats = url; return this; }

  /** STUN URLs every session's stun_servers carry, such as {@code stun:turn.example.com:3478}. */
  public NodeOptions stunUrls(List<String> urls) {
    this.stunUrls = iceUrls("--stun-urls", urls, "stun:", "stuns:");
    return this;
  }

  /** TURN URLs every session's stun_servers carry, with time-limited credentials (STREAMSTACK_TURN_SECRET). */
  public NodeOptions turnUrls(List<String> urls) {
    this.turnUrls = iceUrls("--turn-urls", urls, "turn:", "turns:");
    return this;
  }

  private static List<String> iceUrls(String flag, List<String> urls, String... schemes) {
    for (String url : urls) {
      boolean known = false;
      for (String scheme : schemes) known |= url.startsWith(scheme);
      if (!known) {
        throw new IllegalArgumentException(flag + " takes URLs starting with " + String.join(" or ", schemes)
            + ", not '" + url + "'");
      }
    }
    return List.copyOf(urls);
  }

  public NodeOptions region(String name) {
    org.streamstack.protocol.nats.Subjects.token(name);
    this.region = name;
    return this;
  }

  public NodeOptions arteryHost(String host) { this.arteryHost = host; return this; }

  public NodeOptions arteryPort(int port) { this.arteryPort = port; return this; }

  /** The Pekko Management port (health checks, cluster bootstrap); 0 picks a free one. */
  public NodeOptions managementPort(int port) { this.managementPort = port; return this; }

  /** How the member finds the others: {@value #SEED_NODES} or {@value #KUBERNETES_API}. */
  public NodeOptions discovery(String method) {
    this.discovery = checkedDiscovery(method);
    return this;
  }

  private static String checkedDiscovery(String method) {
    if (!SEED_NODES.equals(method) && !KUBERNETES_API.equals(method)) {
      throw new IllegalArgumentException("discovery (--discovery, STREAMSTACK_DISCOVERY) is " + SEED_NODES + " or "
          + KUBERNETES_API + ", not '" + method + "'");
    }
    return method;
  }

  /** Any further settings (tests use it for short timeouts). */
  public NodeOptions with(Config config) { this.extra = config.withFallback(extra); return this; }

  public NodeOptions with(String hocon) { return with(ConfigFactory.parseString(hocon)); }

  /** Parses the command line flags of {@code cluster-node}. */
  public static NodeOptions fromArgs(String[] args) {
    NodeOptions options = new NodeOptions();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value;
      int eq = flag.indexOf('=');
      if (eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        value = args[++i];
      }
      switch (flag) {
        case "--gateway-port" -> options.gatewayPort(port(flag, value));
        case "--admin-port" -> options.adminPort(port(flag, value));
        case "--roles" -> options.roles(list(value));
        case "--journal" -> options.journal(value);
        case "--seed-nodes" -> options.seedNodes(list(value));
        case "--nats" -> options.nats(value);
        case "--region" -> options.region(value);
        case "--artery-host" -> options.arteryHost(value);
        case "--artery-port" -> options.arteryPort(port(flag, value));
        case "--management-port" -> options.managementPort(port(flag, value));
        case "--discovery" -> options.discovery(value);
        case "--stun-urls" -> options.stunUrls(list(value));
        case "--turn-urls" -> options.turnUrls(list(value));
        case "--region-cidrs", "--geoip-database", "--geoip-countries", "--geoip-continents", "--trusted-proxies" ->
            options.routing.put(ROUTING_FLAGS.get(flag), value);
        default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
      }
    }
    return options;
  }

  private static int port(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) throw new NumberFormatException();
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a port number (0-65535), not '" + value + "'");
    }
  }

  private static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) items.add(item.trim());
    }
    return items;
  }

  /** The whole configuration of the node. */
  public Config toConfig() {
    Config base = ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.parseResources("cluster-node.conf"))
        .withFallback(ConfigFactory.defaultReference());
    Config flags = extra;
    if (gatewayPort != null) flags = set(flags, "streamstack.gateway.port", gatewayPort);
    if (adminPort != null) flags = set(flags, "streamstack.gateway.admin-port", adminPort);
    if (roles != null) flags = set(flags, "streamstack.node.roles", roles);
    if (journal != null) flags = set(flags, "streamstack.journal.location", journal);
    if (nats != null) flags = set(flags, "streamstack.node.nats-url", nats);
    if (region != null) flags = set(flags, "streamstack.node.region", region);
    if (arteryHost != null) flags = set(flags, "pekko.remote.artery.canonical.hostname", arteryHost);
    if (arteryPort != null) flags = set(flags, "pekko.remote.artery.canonical.port", arteryPort);
    if (managementPort != null) flags = set(flags, "streamstack.management.port", managementPort);
    if (discovery != null) flags = set(flags, "streamstack.node.discovery", discovery);
    for (var setting : routing.entrySet()) flags = set(flags, "streamstack.gateway.routing." + setting.getKey(), setting.getValue());
    // Lists cannot come from an environment variable in HOCON: these two are read here, comma-separated.
    List<String> stun = stunUrls;
    if (stun == null && System.getenv("STREAMSTACK_STUN_URLS") != null) {
      stun = iceUrls("STREAMSTACK_STUN_URLS", list(System.getenv("STREAMSTACK_STUN_URLS")), "stun:", "stuns:");
    }
    List<String> turn = turnUrls;
    if (turn == null && System.getenv("STREAMSTACK_TURN_URLS") != null) {
      turn = iceUrls("STREAMSTACK_TURN_URLS", list(System.getenv("STREAMSTACK_TURN_URLS")), "turn:", "turns:");
    }
    if (stun != null) flags = flags.withValue("streamstack.gateway.ice.stun-urls", ConfigValueFactory.fromIterable(stun));
    if (turn != null) flags = flags.withValue("streamstack.gateway.ice.turn-urls", ConfigValueFactory.fromIterable(turn));
    Config merged = flags.withFallback(base);
    // Resolved only to read from (environment variables in cluster-node.conf); the chain below is
    // resolved once at the end, so that substitutions see the derived settings.
    Config settings = merged.resolve();

    String envRoles = System.getenv("STREAMSTACK_ROLES");
    List<String> nodeRoles = roles != null || envRoles == null ? settings.getStringList("streamstack.node.roles") : list(envRoles);
    String host = settings.getString("pekko.remote.artery.canonical.hostname");
    int port = settings.getInt("pekko.remote.artery.canonical.port");
    String discoveryMethod = checkedDiscovery(settings.getString("streamstack.node.discovery"));
    List<String> seeds = new ArrayList<>();
    List<String> seedHostPorts = seedNodes;
    if (seedHostPorts == null && System.getenv("STREAMSTACK_SEED_NODES") != null) {
      seedHostPorts = list(System.getenv("STREAMSTACK_SEED_NODES"));
    }
    if (KUBERNETES_API.equals(discoveryMethod)) {
      // No seed nodes: cluster bootstrap decides whether this member forms the cluster or joins it.
    } else if (seedHostPorts == null || seedHostPorts.isEmpty()) {
      seeds.add("pekko://" + SYSTEM_NAME + "@" + host + ":" + port);
    } else {
      for (String seed : seedHostPorts) seeds.add("pekko://" + SYSTEM_NAME + "@" + seed);
    }
    JournalLocation location = JournalLocation.parse(settings.getString("streamstack.journal.location"));
    Config derived = ConfigFactory.empty()
        .withValue("streamstack.node.roles", ConfigValueFactory.fromIterable(nodeRoles))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(nodeRoles))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(host))
        .withValue("pekko.management.http.port",
            ConfigValueFactory.fromAnyRef(settings.getInt("streamstack.management.port")));
    if (KUBERNETES_API.equals(discoveryMethod)) {
      Config kubernetes = settings.getConfig("streamstack.node.kubernetes");
      derived = derived
          .withValue("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method",
              ConfigValueFactory.fromAnyRef(KUBERNETES_API))
          .withValue("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr",
              ConfigValueFactory.fromAnyRef(kubernetes.getInt("required-contact-points")))
          // Each pod's management endpoint is the container port of this name (deploy/k8s names it so).
          .withValue("pekko.management.cluster.bootstrap.contact-point-discovery.port-name",
              ConfigValueFactory.fromAnyRef("management"))
          .withValue("pekko.discovery.kubernetes-api.pod-label-selector",
              ConfigValueFactory.fromAnyRef(kubernetes.getString("pod-label-selector")));
    }
    return derived
        .withFallback(location.toConfig(settings.getString("streamstack.journal.user"),
            settings.getString("streamstack.journal.password")))
        .withFallback(merged)
        .resolve();
  }

  private static Config set(Config config, String path, Object value) {
    return config.withValue(path, ConfigValueFactory.fromAnyRef(value));
  }
}
