package org.streamstack.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.streamstack.cluster.ams.cli.AmsCli;
import org.streamstack.cluster.bench.Benchmarks;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * The Java side of the {@code streamstack} launcher: {@code cluster-node}, {@code account},
 * {@code app}, {@code instance}, {@code bench}.
 */
public final class Main {

  static final String USAGE = """
      usage: streamstack <command> [flags]

        cluster-node   run one member of the cluster (see: cluster-node --help)
        account        create, delete and list client accounts (see: account --help)
        app            applications of the management service, AMS (see: app --help)
        instance       instances of the management service, AMS (see: instance --help)
        bench          measure the gateway (see: bench --help)
      """;

  static final String CLUSTER_NODE_USAGE = """
      usage: streamstack cluster-node [flags]

        --gateway-port N     public API and signalling port (default 4000; STREAMSTACK_GATEWAY_PORT)
        --admin-port N       admin interface port, loopback only (default 4001; STREAMSTACK_ADMIN_PORT)
        --roles LIST         comma-separated of gateway,agent,ams (default all; STREAMSTACK_ROLES)
        --journal WHERE      h2:mem | h2:file:PATH | jdbc:postgresql://HOST:PORT/DB
                             (default h2:mem; STREAMSTACK_JOURNAL; user and password:
                             STREAMSTACK_JOURNAL_USER, STREAMSTACK_JOURNAL_PASSWORD)
        --seed-nodes LIST    comma-separated host:port of members to join (default: this member
                             alone; STREAMSTACK_SEED_NODES)
        --nats URL           NATS server (default nats://127.0.0.1:4222; STREAMSTACK_NATS_URL);
                             its token: STREAMSTACK_NATS_TOKEN, or STREAMSTACK_NATS_USER and
                             STREAMSTACK_NATS_PASSWORD
        --region NAME        region this member's agent and AMS serve (default local; STREAMSTACK_REGION)
        --artery-host HOST   address other members reach this one at (default 127.0.0.1)
        --artery-port N      cluster port (default 2551; STREAMSTACK_ARTERY_PORT; its host:
                             STREAMSTACK_ARTERY_HOST, default 127.0.0.1)
        --management-port N  Pekko Management: GET /alive, GET /ready, cluster bootstrap (default
                             8558; STREAMSTACK_MANAGEMENT_PORT)
        --discovery METHOD   seed-nodes (default) or kubernetes-api: cluster bootstrap lists the
                             pods matching STREAMSTACK_POD_LABEL_SELECTOR (STREAMSTACK_DISCOVERY)
        --stun-urls LIST     STUN URLs for every session's stun_servers, comma-separated (STREAMSTACK_STUN_URLS)
        --turn-urls LIST     TURN URLs for every session's stun_servers, with time-limited credentials from
                             coturn's static-auth-secret STREAMSTACK_TURN_SECRET (STREAMSTACK_TURN_URLS)

        Region of a session that names none (README "Regions"):
        --region-cidrs LIST  client networks and their regions, longest prefix wins:
                             "10.0.0.0/8=eu,2001:db8::/32=us" (STREAMSTACK_REGION_CIDRS)
        --geoip-database F   a MaxMind DB file, GeoLite2/GeoIP2 Country or City (STREAMSTACK_GEOIP_DATABASE)
        --geoip-countries L  its country codes to regions: "DE=eu,US=us" (STREAMSTACK_GEOIP_COUNTRIES)
        --geoip-continents L its continent codes to regions: "EU=eu,NA=us" (STREAMSTACK_GEOIP_CONTINENTS)
        --trusted-proxies L  proxies whose X-Forwarded-For names the client (default none;
                             STREAMSTACK_TRUSTED_PROXIES)

        The role ams serves its API on port 8444 (STREAMSTACK_AMS_PORT) and needs a token
        (STREAMSTACK_AMS_TOKEN); it will not start without one.
      """;

  static final String ACCOUNT_USAGE = """
      usage: streamstack account create NAME [--token-ttl-days N]
             streamstack account delete NAME
             streamstack account list

        Talks to the admin interface of a local cluster member: --admin-url URL
        (default http://127.0.0.1:4001; STREAMSTACK_ADMIN_URL). create prints the token.
      """;

  private Main() {}

  public static void main(String[] args) throws Exception {
    widenCommonPool();
    if (args.length == 0 || isHelp(args[0])) {
      System.out.print(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int exit;
    try {
      exit = switch (args[0]) {
        case "cluster-node" -> clusterNode(rest);
        case "account" -> account(rest);
        case "app", "instance" -> AmsCli.run(args[0], rest, System.getenv(), System.out, System.err);
        case "bench" -> Benchmarks.run(rest);
        default -> {
          System.err.println("unknown command '" + args[0] + "'");
          System.err.print(USAGE);
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      System.err.println("streamstack: " + e.getMessage());
      exit = 2;
    } catch (IllegalStateException e) {
      // A member that cannot start (journal unreachable, port taken) says why and exits.
      System.err.println("streamstack: " + e.getMessage());
      exit = 1;
    }
    System.exit(exit);
  }

  /**
   * With fewer than two threads in the common pool (any machine with two cores or fewer),
   * CompletableFuture runs every async stage on a thread of its own, started for it. Scala's
   * CompletionStage wrappers (what Pekko's ask and pekko-http's toStrict return) turn even
   * thenApply into an async stage, and the JDK HttpClient completes on that pool too: on a
   * two-core machine that is several thread starts per API request. Must run before
   * CompletableFuture is first used; an explicit -D setting wins.
   */
  static void widenCommonPool() {
    String property = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(property) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(property, "2");
    }
  }

  static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  private static int clusterNode(String[] args) throws InterruptedException {
    if (args.length > 0 && isHelp(args[0])) {
      System.out.print(CLUSTER_NODE_USAGE);
      return 0;
    }
    ClusterNode node = ClusterNode.start(NodeOptions.fromArgs(args));
    CountDownLatch stopped = new CountDownLatch(1);
    node.system().getWhenTerminated().thenRun(stopped::countDown);
    stopped.await();
    return 0;
  }

  private static int account(String[] args) throws Exception {
    if (args.length == 0 || isHelp(args[0])) {
      System.out.print(ACCOUNT_USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String adminUrl = System.getenv().getOrDefault("STREAMSTACK_ADMIN_URL", "http://127.0.0.1:4001");
    String name = null;
    Integer ttlDays = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--admin-url" -> adminUrl = value(args, ++i, "--admin-url");
        case "--token-ttl-days" -> ttlDays = Integer.valueOf(value(args, ++i, "--token-ttl-days"));
        default -> {
          if (args[i].startsWith("--") || name != null) throw new IllegalArgumentException("unexpected '" + args[i] + "'");
          name = args[i];
        }
      }
    }
    String base = adminUrl.replaceAll("/+$", "") + "/admin/v1/accounts";
    HttpRequest request = switch (args[0]) {
      case "create" -> HttpRequest.newBuilder(URI.create(base))
          .POST(HttpRequest.BodyPublishers.ofByteArray(ApiJson.write(ttlDays == null
              ? java.util.Map.of("name", required(name))
              : java.util.Map.of("name", required(name), "token_ttl_days", ttlDays))))
          .header("Content-Type", "application/json").build();
      case "delete" -> HttpRequest.newBuilder(URI.create(base + "/" + required(name))).DELETE().build();
      case "list" -> HttpRequest.newBuilder(URI.create(base)).GET().build();
      default -> throw new IllegalArgumentException("account takes create, delete or list, not '" + args[0] + "'");
    };
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      System.err.println("streamstack: no cluster member answers at " + adminUrl + " (is one running on this machine?)");
      return 1;
    }
    JsonNode body = ApiJson.MAPPER.readTree(response.body());
    PrintStream out = System.out;
    if (response.statusCode() >= 300) {
      System.err.println("streamstack: " + body.path("error").asText(response.body()));
      return 1;
    }
    JsonNode metadata = body.path("metadata");
    switch (args[0]) {
      case "create" -> out.println(metadata.path("token").asText());
      case "delete" -> out.println("deleted account " + metadata.path("name").asText());
      default -> {
        out.printf("%-32s %-28s %s%n", "NAME", "CREATED", "TOKEN EXPIRES");
        for (JsonNode account : metadata) {
          out.printf("%-32s %-28s %s%n", account.path("name").asText(), account.path("created_at").asText(),
              account.path("token_expires_at").isNull() ? "never" : account.path("token_expires_at").asText());
        }
      }
    }
    return 0;
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
    return args[i];
  }

  private static String required(String name) {
    if (name == null) throw new IllegalArgumentException("an account NAME is required");
    return name;
  }
}
