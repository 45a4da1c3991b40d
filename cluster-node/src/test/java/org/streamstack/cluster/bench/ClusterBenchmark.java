package org.streamstack.cluster.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.streamstack.cluster.testing.Postgres;

/**
 * {@code bench cluster}: session creates per second and their latency on clusters of one, two and
 * three members sharing a PostgreSQL journal, the client spreading its requests evenly over the
 * members' gateways. It lives on the test class path because it starts PostgreSQL as the tests do
 * ({@link Postgres}), unless it is given one.
 */
public final class ClusterBenchmark {

  static final String USAGE = """
      usage: streamstack bench cluster [flags]

        For each cluster size: starts that many cluster members in this JVM (one cluster, on
        loopback), each run with an empty journal database, creates sessions with POST
        /1.0/sessions {"app":"demo"} spread evenly over the members, and prints sessions/s,
        create latency p50/p90/p99/max, errors and CPU, then a table of all sizes.

        --nodes LIST         cluster sizes measured, in order (default 1,2,3)
        --count N            sessions created and measured per size (default 10000)
        --warmup N           sessions created first and not measured, per size (default 5000)
        --concurrency N      requests in flight over all members (default 64)
        --jdbc-url URL       a PostgreSQL database to use (jdbc:postgresql://HOST:PORT/DB; every size
                             writes into it). Default: start PostgreSQL 15 (Debian package
                             postgresql) in a temporary directory, fsync on, one database per size.
        --user NAME          its user (default STREAMSTACK_JOURNAL_USER, or streamstack)
        --password SECRET    its password (default STREAMSTACK_JOURNAL_PASSWORD, or none)
        --conf HOCON         settings laid over every member's configuration
      """;

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    if (args.length > 0 && Benchmarks.isHelp(args[0])) {
      System.out.print(USAGE);
      return 0;
    }
    BenchArgs flags;
    List<Integer> sizes = new ArrayList<>();
    try {
      flags = BenchArgs.parse(args, Set.of("--nodes", "--count", "--warmup", "--concurrency", "--jdbc-url", "--user",
          "--password", "--conf"), Set.of());
      for (String size : flags.string("--nodes", "1,2,3").split(",")) {
        int nodes = Integer.parseInt(size.trim());
        if (nodes < 1 || nodes > 9) throw new NumberFormatException();
        sizes.add(nodes);
      }
      String url = flags.string("--jdbc-url", null);
      if (url != null && !url.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException("--jdbc-url must be jdbc:postgresql://HOST:PORT/DB, not '" + url + "'");
      }
    } catch (NumberFormatException e) {
      System.err.println("--nodes takes cluster sizes from 1 to 9, such as 1,2,3");
      return 2;
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    int count = flags.integer("--count", 10_000);
    int warmup = flags.integer("--warmup", 5_000);
    int concurrency = Math.max(1, flags.integer("--concurrency", 64));
    PrintStream out = System.out;

    String givenUrl = flags.string("--jdbc-url", null);
    Postgres postgres = null;
    String user;
    String password;
    if (givenUrl == null) {
      postgres = Postgres.startDurable();
      user = Postgres.USER;
      password = "";
      out.printf("PostgreSQL 15 started on 127.0.0.1:%d (temporary, fsync on)%n", postgres.port());
    } else {
      user = flags.string("--user", envOr("STREAMSTACK_JOURNAL_USER", "streamstack"));
      password = flags.string("--password", envOr("STREAMSTACK_JOURNAL_PASSWORD", ""));
      out.printf("PostgreSQL at %s as %s%n", givenUrl, user);
    }
    List<String> table = new ArrayList<>();
    boolean clean = true;
    try {
      for (int nodes : sizes) {
        String journal = postgres != null ? postgres.createDatabase("bench_" + nodes + "_nodes_" + table.size()) : givenUrl;
        String settings = "streamstack.journal.user = \"" + user + "\"\nstreamstack.journal.password = \""
            + password.replace("\"", "\\\"") + "\"\n" + flags.string("--conf", "");
        Run run = measure(nodes, journal, settings, count, warmup, concurrency, postgres, out);
        clean &= run.errors.isEmpty();
        table.add(String.format(Locale.ROOT, "%5d   %10.0f   %8.2f   %8.2f   %s", nodes, run.perSecond,
            run.latency.p50(), run.latency.p99(), run.errors.isEmpty() ? "none" : run.errors.toString()));
      }
    } finally {
      if (postgres != null) postgres.close();
    }
    out.println();
    out.printf("members  sessions/s   p50 (ms)   p99 (ms)   errors   (%d creates each, concurrency %d, PostgreSQL journal)%n",
        count, concurrency);
    table.forEach(out::println);
    return clean ? 0 : 1;
  }

  record Run(double perSecond, Latencies.Summary latency, Map<String, Long> errors) {}

  private static Run measure(int nodes, String journal, String settings, int count, int warmup, int concurrency,
      Postgres postgres, PrintStream out) throws Exception {
    List<InProcessMember> members = new ArrayList<>();
    try {
      InProcessMember first = InProcessMember.start(journal, List.of(), settings);
      members.add(first);
      for (int i = 1; i < nodes; i++) members.add(InProcessMember.start(journal, List.of(first.arteryHostPort()), settings));
      first.awaitMembersUp(nodes, Duration.ofSeconds(60));
      for (InProcessMember member : members) awaitShardingAnswers(member.apiUrl());
      // A database given with --jdbc-url keeps the accounts of earlier runs: each run has its own.
      String token = InProcessMember.createAccount(first.adminUrl(), "bench-" + nodes + "-" + System.currentTimeMillis());

      // One load generator per member, sharing the requests in flight and the creates evenly.
      List<SessionCreateBench.Load> loads = new ArrayList<>();
      for (InProcessMember member : members) {
        loads.add(new SessionCreateBench.Load(member.apiUrl(), token, Math.max(1, concurrency / nodes)));
      }
      if (warmup > 0) spread(loads, warmup, null);
      Latencies latencies = new Latencies(count);
      CpuUse cpu = CpuUse.start();
      long databaseCpu = postgres == null ? -1 : postgres.cpuNanos();
      SessionCreateBench.Result result = spread(loads, count, latencies);
      if (databaseCpu >= 0) databaseCpu = postgres.cpuNanos() - databaseCpu;
      Latencies.Summary latency = latencies.summary();
      out.printf(Locale.ROOT, "%d member%s: %d created of %d in %.2f s: %.0f sessions/s%n", nodes, nodes == 1 ? "" : "s",
          result.created(), count, result.seconds(), result.perSecond());
      out.println("  latency: " + latency.line());
      out.println("  errors:  " + (result.errors().isEmpty() ? "none" : result.errors().toString()));
      out.println("  cpu:     " + cpu.line() + " (this JVM: the members and this client)");
      if (databaseCpu >= 0) {
        out.printf(Locale.ROOT, "           PostgreSQL used %.2f cores, %.0f us per create%n",
            databaseCpu / 1e9 / result.seconds(), databaseCpu / 1e3 / Math.max(1, result.created()));
      }
      return new Run(result.perSecond(), latency, result.errors());
    } finally {
      for (int i = members.size() - 1; i >= 0; i--) members.get(i).close();
    }
  }

  /** Runs {@code count} creates split over the loads at once; the time is the longest one's. */
  private static SessionCreateBench.Result spread(List<SessionCreateBench.Load> loads, int count, Latencies latencies)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(loads.size());
    try {
      List<Future<SessionCreateBench.Result>> parts = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < loads.size(); i++) {
        int share = count / loads.size() + (i < count % loads.size() ? 1 : 0);
        SessionCreateBench.Load load = loads.get(i);
        parts.add(pool.submit(() -> load.create(share, latencies)));
      }
      long created = 0;
      Map<String, Long> errors = new TreeMap<>();
      for (Future<SessionCreateBench.Result> part : parts) {
        SessionCreateBench.Result result = part.get();
        created += result.created();
        result.errors().forEach((key, value) -> errors.merge(key, value, Long::sum));
      }
      return new SessionCreateBench.Result(created, (System.nanoTime() - start) / 1e9, errors);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits until a token check answers 401: it reaches the account registry through sharding, so
   * the shard coordinator has started (members being Up does not say that).
   */
  private static void awaitShardingAnswers(String apiUrl) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest check = HttpRequest.newBuilder(URI.create(apiUrl + "/1.0/sessions")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer no-such-token").GET().build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(check, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) return;
      } catch (java.io.IOException notYet) {
        // try again
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(apiUrl + " did not reach the account registry within 60 s");
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }
}
