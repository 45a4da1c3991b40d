package org.streamstack.cluster.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bench sessions}: how fast one gateway creates sessions (POST /1.0/sessions), with a
 * fixed number of requests in flight over as many keep-alive HTTP/1.1 connections.
 */
final class SessionCreateBench {

  static final String USAGE = """
      usage: streamstack bench sessions (--url URL --token TOKEN | --self) [flags]

        Creates sessions with POST /1.0/sessions {"app":"demo"} and prints sessions/s, the
        latency of one create (p50, p90, p99, max) and errors by HTTP status.

        --url URL            gateway API base, e.g. http://127.0.0.1:4000
        --token TOKEN        a client token (streamstack account create NAME)
        --self               start a cluster member in this JVM (rate limits raised), create an
                             account on it, measure, stop it
        --journal WHERE      journal of the --self member (default h2:mem:bench)
        --count N            sessions created and measured (default 20000)
        --concurrency N      requests in flight, and HTTP connections (default 64)
        --warmup N           sessions created first and not measured (default 2000)
        --conf HOCON         settings laid over the --self member's configuration
        --progress           print throughput and latency of every second while measuring
      """;

  private SessionCreateBench() {}

  static int run(String[] args) throws Exception {
    if (args.length > 0 && Benchmarks.isHelp(args[0])) {
      System.out.print(USAGE);
      return 0;
    }
    BenchArgs flags = BenchArgs.parse(args, Set.of("--url", "--token", "--journal", "--count", "--concurrency", "--warmup", "--conf"),
        Set.of("--self", "--progress"));
    int count = flags.integer("--count", 20_000);
    int concurrency = Math.max(1, flags.integer("--concurrency", 64));
    int warmup = flags.integer("--warmup", 2_000);
    boolean progress = flags.has("--progress");
    PrintStream out = System.out;
    if (flags.has("--self")) {
      String journal = flags.string("--journal", "h2:mem:bench");
      try (InProcessMember member = InProcessMember.start(journal, List.of(), flags.string("--conf", ""))) {
        String token = InProcessMember.createAccount(member.adminUrl(), "bench");
        out.printf("self: one cluster member in this JVM, journal %s, gateway %s%n", journal, member.apiUrl());
        return measure(member.apiUrl(), token, count, concurrency, warmup, progress, "the gateway and this client", out);
      }
    }
    return measure(flags.required("--url").replaceAll("/+$", ""), flags.required("--token"), count, concurrency, warmup,
        progress, "this client only", out);
  }

  private static int measure(String apiUrl, String token, int count, int concurrency, int warmup, boolean progress,
      String inThisJvm, PrintStream out) throws InterruptedException {
    Load load = new Load(apiUrl, token, concurrency);
    if (warmup > 0) {
      Result warm = load.create(warmup, null);
      out.printf(Locale.ROOT, "warmup: %d creates, %.0f sessions/s%s%n", warmup, warm.perSecond(), warm.errorText());
    }
    Latencies latencies = new Latencies(count);
    CpuUse cpu = CpuUse.start();
    Thread reporter = progress ? Progress.start(latencies, out) : null;
    Result result = load.create(count, latencies);
    if (reporter != null) reporter.interrupt();
    String cpuLine = cpu.line() + String.format(Locale.ROOT, "; %.0f us of CPU per create in this JVM (%s)",
        cpu.processNanos() / 1e3 / Math.max(1, result.created()), inThisJvm);
    out.printf(Locale.ROOT, "sessions: %d created of %d in %.2f s: %.0f sessions/s (concurrency %d)%n",
        result.created(), count, result.seconds(), result.perSecond(), concurrency);
    out.println("latency:  " + latencies.summary().line());
    out.println("errors:   " + (result.errors().isEmpty() ? "none" : result.errors().toString()));
    out.println("cpu:      " + cpuLine);
    return result.errors().isEmpty() ? 0 : 1;
  }

  record Result(long created, double seconds, Map<String, Long> errors) {
    double perSecond() {
      return seconds == 0 ? 0 : created / seconds;
    }

    String errorText() {
      return errors.isEmpty() ? "" : ", errors " + errors;
    }
  }

  /**
   * The load generator: JDK HttpClient over HTTP/1.1; a semaphore keeps {@code concurrency}
   * requests in flight, so the client's pool never holds more connections than that.
   */
  static final class Load {
    private final HttpClient client;
    private final HttpRequest request;
    private final int concurrency;

    Load(String apiUrl, String token, int concurrency) {
      this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      this.request = HttpRequest.newBuilder(URI.create(apiUrl + "/1.0/sessions"))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"demo\"}"))
          .build();
      this.concurrency = concurrency;
    }

    /** Creates {@code count} sessions; records each create's latency when {@code latencies} is given. */
    Result create(int count, Latencies latencies) throws InterruptedException {
      Semaphore inFlight = new Semaphore(concurrency);
      LongAdder created = new LongAdder();
      ConcurrentHashMap<String, AtomicLong> errors = new ConcurrentHashMap<>();
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        inFlight.acquire();
        long sent = System.nanoTime();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
          long took = System.nanoTime() - sent;
          if (failure == null && response.statusCode() == 201) {
            created.increment();
            if (latencies != null) latencies.record(took);
          } else {
            String key = failure != null ? rootCause(failure).getClass().getSimpleName() : "HTTP " + response.statusCode();
            errors.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
          }
          inFlight.release();
        });
      }
      inFlight.acquire(concurrency);
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> errorCounts = new TreeMap<>();
      errors.forEach((key, value) -> errorCounts.put(key, value.get()));
      return new Result(created.sum(), seconds, errorCounts);
    }
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
    return cause;
  }
}
