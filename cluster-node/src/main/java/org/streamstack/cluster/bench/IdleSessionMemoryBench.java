package org.streamstack.cluster.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.journal.JournalLocation;

/**
 * {@code bench memory}: the heap one idle session holds on the member that hosts it. Measured as
 * the growth of the used heap, after full collections, while N sessions are created; so it takes
 * in everything a session brings along: the entity and its state, the session index entry, the
 * sharding bookkeeping (entity maps, remembered-entities set) and, with an in-memory H2 journal,
 * the journal rows, which live in this heap too. The journal's share is measured apart by
 * stopping the member and dropping the database at the end.
 */
final class IdleSessionMemoryBench {

  static final String USAGE = """
      usage: streamstack bench memory [flags]

        Starts a cluster member in this JVM, creates idle sessions through the API, forces full
        collections and prints the used heap before and after: bytes per idle session, with the
        classes that grew most (a class histogram difference). With an in-memory H2 journal the
        journal's rows are in this heap too; their share is measured apart at the end.

        --sessions N         idle sessions measured (default 20000)
        --warmup N           sessions created before the first measurement (default 1000): they
                             start the shards and the index buckets, which are not per session
        --journal WHERE      journal of the member (default h2:mem:bench-memory)
        --concurrency N      create requests in flight (default 64)
        --settle SECONDS     wait after the creates before measuring (default 8): the timeouts of
                             the create requests' asks stay scheduled until they would expire
        --top N              classes shown from the histogram difference (default 20; 0: none)
        --conf HOCON         settings laid over the member's configuration
      """;

  private IdleSessionMemoryBench() {}

  static int run(String[] args) throws Exception {
    if (args.length > 0 && Benchmarks.isHelp(args[0])) {
      System.out.print(USAGE);
      return 0;
    }
    BenchArgs flags = BenchArgs.parse(args, Set.of("--sessions", "--warmup", "--journal", "--concurrency", "--top", "--conf", "--settle"),
        Set.of());
    int sessions = Math.max(1, flags.integer("--sessions", 20_000));
    int warmup = flags.integer("--warmup", 1_000);
    int concurrency = Math.max(1, flags.integer("--concurrency", 64));
    int top = flags.integer("--top", 20);
    int settleSeconds = flags.integer("--settle", 8);
    String journal = flags.string("--journal", "h2:mem:bench-memory");
    JournalLocation location = JournalLocation.parse(journal);
    PrintStream out = System.out;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    InProcessMember member = InProcessMember.start(journal, List.of(), flags.string("--conf", ""));
    long before;
    long after;
    int alive;
    try {
      String token = InProcessMember.createAccount(member.adminUrl(), "bench");
      SessionCreateBench.Load load = new SessionCreateBench.Load(member.apiUrl(), token, concurrency);
      if (warmup > 0) requireAll(load.create(warmup, null), warmup);
      Thread.sleep(settleSeconds * 1000L);
      before = usedAfterGc(memory);
      Map<String, long[]> histogramBefore = top > 0 ? histogram() : Map.of();
      SessionCreateBench.Result created = load.create(sessions, null);
      requireAll(created, sessions);
      out.printf(Locale.ROOT, "created %d idle sessions (after %d warmup) at %.0f sessions/s; journal %s%n",
          sessions, warmup, created.perSecond(), journal);
      Thread.sleep(settleSeconds * 1000L);
      after = usedAfterGc(memory);
      Map<String, long[]> histogramAfter = top > 0 ? histogram() : Map.of();
      alive = liveSessionEntities(member);
      out.printf(Locale.ROOT, "session entities alive on the member: %d%n", alive);
      out.printf(Locale.ROOT, "used heap after full GC: before %.1f MB, after %.1f MB%n", before / 1e6, after / 1e6);
      out.printf(Locale.ROOT, "per idle session: %.0f bytes (entity, its state and timers, index entry, sharding"
          + " bookkeeping%s)%n", (after - before) / (double) sessions,
          location.inMemory() ? ", and its journal rows in the in-memory H2 database" : "");
      if (top > 0) printGrowth(histogramBefore, histogramAfter, sessions, top, out);
    } finally {
      member.close();
    }

    if (location.inMemory()) {
      // The in-memory database outlives the member (DB_CLOSE_DELAY=-1): its size is what goes when it is dropped.
      long withDatabase = usedAfterGc(memory);
      try (Connection connection = DriverManager.getConnection(location.url(), "", "");
          Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      }
      long withoutDatabase = usedAfterGc(memory);
      double journalPerSession = (withDatabase - withoutDatabase) / (double) (sessions + warmup);
      double total = (after - before) / (double) sessions;
      out.printf(Locale.ROOT, "in-memory journal: %.1f MB for %d sessions = %.0f bytes per session%n",
          (withDatabase - withoutDatabase) / 1e6, sessions + warmup, journalPerSession);
      out.printf(Locale.ROOT, "per idle session without the journal rows: %.0f bytes%n", total - journalPerSession);
    }
    return alive >= sessions ? 0 : 1;
  }

  private static void requireAll(SessionCreateBench.Result result, int expected) {
    if (result.created() != expected) {
      throw new IllegalStateException("only " + result.created() + " of " + expected + " sessions were created: "
          + result.errors());
    }
  }

  /** Used heap after several full collections, the smallest of the readings. */
  static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(300);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  private static int liveSessionEntities(InProcessMember member) throws Exception {
    var system = member.node.system();
    CompletionStage<ShardRegion.CurrentShardRegionState> state = AskPattern.ask(
        ClusterSharding.get(system).shardState(),
        replyTo -> new GetShardRegionState(SessionEntity.TYPE_KEY, replyTo),
        Duration.ofSeconds(10), system.scheduler());
    int entities = 0;
    for (ShardRegion.ShardState shard : state.toCompletableFuture().get(15, TimeUnit.SECONDS).getShards()) {
      entities += shard.getEntityIds().size();
    }
    return entities;
  }

  /** Class name to {instances, bytes}, from the JVM's own class histogram (it collects first). */
  static Map<String, long[]> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> classes = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length < 4 || !parts[0].endsWith(":")) continue;
      try {
        classes.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
      } catch (NumberFormatException e) {
        // the header and total lines
      }
    }
    return classes;
  }

  private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int sessions, int top,
      PrintStream out) {
    List<Map.Entry<String, long[]>> growth = new ArrayList<>();
    for (Map.Entry<String, long[]> entry : after.entrySet()) {
      long[] was = before.getOrDefault(entry.getKey(), new long[2]);
      growth.add(Map.entry(entry.getKey(), new long[] {entry.getValue()[0] - was[0], entry.getValue()[1] - was[1]}));
    }
    growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    out.printf("classes that grew most (histogram after minus before, per session):%n");
    out.printf("  %10s %12s %10s  %s%n", "instances", "bytes", "bytes/sess", "class");
    for (int i = 0; i < Math.min(top, growth.size()); i++) {
      long[] delta = growth.get(i).getValue();
      out.printf(Locale.ROOT, "  %10d %12d %10.1f  %s%n", delta[0], delta[1], delta[1] / (double) sessions,
          growth.get(i).getKey());
    }
  }
}
