package org.streamstack.cluster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench relay}: signalling frames relayed by the gateway between the client socket and the
 * instance socket of sessions, the two sockets on different cluster members. Frames carry their
 * send time ({@link System#nanoTime()}); both ends live in this JVM, so the receiver computes the
 * relay latency directly.
 */
final class SignalingRelayBench {

  static final String USAGE = """
      usage: streamstack bench relay (--self | --client-url URL --instance-url URL --admin-url URL --token TOKEN)
                                     [flags]

        Connects the client socket of each session to one gateway and its instance socket to
        another, sends {"type":"bench","seq":N,"t":<nanoTime>} frames from the clients and
        measures their arrival at the instances: frames/s and latency (p50, p99, max). Then the
        other direction, instance to client, more briefly.

        --self               start two cluster members in this JVM (member A forms the cluster,
                             member B joins it; one shared in-memory journal); clients connect to
                             A, instances to B
        --members N          --self with 1: one member holds both sockets of every session, so
                             no frame crosses the cluster (a baseline for the cost of remoting)
        --journal WHERE      journal of the --self members (default h2:mem:bench-relay)
        --client-url URL     gateway API base the sessions are created at and clients connect to
        --instance-url URL   gateway API base the instance sockets connect to
        --admin-url URL      admin interface that issues instance credentials
        --token TOKEN        a client token
        --frames N           frames measured client to instance (default 200000)
        --reverse-frames N   frames measured instance to client (default frames/4)
        --warmup N           frames sent first, not measured (default 500000: the JIT needs
                             them; with fewer the figures vary by half between runs)
        --sessions N         sessions, each with a client and an instance socket (default 50)
        --window N           frames in flight per socket, sent but not yet received (default 64;
                             the gateway holds at most 1024 outgoing frames per socket)
        --rate N             frames per second in total, paced; 0 sends as fast as the window
                             allows (default 0). Unpaced, the latency is mostly the time frames
                             wait in the full window; pace below the unpaced rate to measure the
                             relay latency at that load
        --conf HOCON         settings laid over the --self members' configuration
        --progress           print throughput and latency of every second while measuring
      """;

  private SignalingRelayBench() {}

  static int run(String[] args) throws Exception {
    if (args.length > 0 && Benchmarks.isHelp(args[0])) {
      System.out.print(USAGE);
      return 0;
    }
    BenchArgs flags = BenchArgs.parse(args,
        Set.of("--journal", "--client-url", "--instance-url", "--admin-url", "--token", "--frames", "--reverse-frames",
            "--warmup", "--sessions", "--window", "--rate", "--conf", "--members"),
        Set.of("--self", "--progress"));
    Settings settings = new Settings(
        flags.integer("--frames", 200_000),
        flags.has("--reverse-frames") ? flags.integer("--reverse-frames", 0) : flags.integer("--frames", 200_000) / 4,
        flags.integer("--warmup", 500_000),
        Math.max(1, flags.integer("--sessions", 50)),
        Math.max(1, flags.integer("--window", 64)),
        flags.integer("--rate", 0),
        flags.has("--progress"),
        "");
    PrintStream out = System.out;
    if (!flags.has("--self")) {
      return measure(trim(flags.required("--client-url")), trim(flags.required("--instance-url")),
          trim(flags.required("--admin-url")), flags.required("--token"), settings.inThisJvm("this client only"), out);
    }
    String journal = flags.string("--journal", "h2:mem:bench-relay");
    String conf = flags.string("--conf", "");
    int members = flags.integer("--members", 2);
    if (members != 1 && members != 2) throw new IllegalArgumentException("--members must be 1 or 2");
    try (InProcessMember a = InProcessMember.start(journal, List.of(), conf)) {
      if (members == 1) {
        String token = InProcessMember.createAccount(a.adminUrl(), "bench");
        out.printf("self: one cluster member in this JVM (no remoting between the sockets), journal %s, at %s%n",
            journal, a.apiUrl());
        return measure(a.apiUrl(), a.apiUrl(), a.adminUrl(), token, settings.inThisJvm("the gateway and this client"), out);
      }
      try (InProcessMember b = InProcessMember.start(journal, List.of(a.arteryHostPort()), conf)) {
        a.awaitMembersUp(2, Duration.ofSeconds(30));
        b.awaitMembersUp(2, Duration.ofSeconds(30));
        String token = InProcessMember.createAccount(a.adminUrl(), "bench");
        out.printf("self: two cluster members in this JVM sharing journal %s; clients on A %s, instances on B %s%n",
            journal, a.apiUrl(), b.apiUrl());
        return measure(a.apiUrl(), b.apiUrl(), a.adminUrl(), token, settings.inThisJvm("both gateways and this client"),
            out);
      }
    }
  }

  private static String trim(String url) {
    return url.replaceAll("/+$", "");
  }

  record Settings(int frames, int reverseFrames, int warmup, int sessions, int window, int rate, boolean progress,
      String inThisJvm) {
    Settings inThisJvm(String what) {
      return new Settings(frames, reverseFrames, warmup, sessions, window, rate, progress, what);
    }
  }

  private static int measure(String clientApi, String instanceApi, String adminUrl, String token, Settings settings,
      PrintStream out) throws Exception {
    // Two HTTP clients, so that each side of the relay has its own selector thread.
    HttpClient clientSide = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpClient instanceSide = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<SessionSockets> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < settings.sessions(); i++) {
        JsonNode session = InProcessMember.createSession(clientApi, token);
        String id = session.path("id").asText();
        String clientUrl = rebase(session.path("url").asText(), clientApi);
        String instanceUrl = rebase(InProcessMember.instanceSocketUrl(adminUrl, id), instanceApi);
        SessionSockets sockets = new SessionSockets(id);
        sockets.instance = connect(instanceSide, instanceUrl, sockets.instanceEnd);
        sockets.client = connect(clientSide, clientUrl, sockets.clientEnd);
        sessions.add(sockets);
      }
      out.printf("%d sessions, client sockets on %s, instance sockets on %s, window %d per socket%s%n",
          sessions.size(), clientApi, instanceApi, settings.window(),
          settings.rate() > 0 ? ", paced at " + settings.rate() + " frames/s"
              : ", unpaced (latency includes waiting in the full window; see --rate)");

      boolean ok = true;
      if (settings.warmup() > 0) {
        Phase warm = Phase.run(sessions, true, settings.warmup(), settings, out);
        out.printf(Locale.ROOT, "warmup:            %s%n", warm.figures());
        ok &= warm.complete;
      }
      Phase forward = Phase.run(sessions, true, settings.frames(), settings, out);
      out.printf(Locale.ROOT, "client -> instance: %s%n", forward.figures());
      out.println("  latency: " + forward.latencies.summary().line());
      out.println("  cpu:     " + forward.cpu);
      ok &= forward.complete;
      if (settings.reverseFrames() > 0) {
        Phase reverse = Phase.run(sessions, false, settings.reverseFrames(), settings, out);
        out.printf(Locale.ROOT, "instance -> client: %s%n", reverse.figures());
        out.println("  latency: " + reverse.latencies.summary().line());
        out.println("  cpu:     " + reverse.cpu);
        ok &= reverse.complete;
      }
      for (SessionSockets sockets : sessions) {
        for (String problem : sockets.problems) {
          out.println("problem: session " + sockets.id + ": " + problem);
          ok = false;
        }
      }
      return ok ? 0 : 1;
    } finally {
      for (SessionSockets sockets : sessions) sockets.close();
    }
  }

  /** {@code url} with its scheme, host and port replaced by those of {@code apiBase} (as ws). */
  static String rebase(String url, String apiBase) {
    URI socket = URI.create(url);
    URI base = URI.create(apiBase);
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    return scheme + "://" + base.getRawAuthority() + socket.getRawPath()
        + (socket.getRawQuery() == null ? "" : "?" + socket.getRawQuery());
  }

  private static WebSocket connect(HttpClient http, String url, End end) {
    return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(url), end).join();
  }

  /** One session's two sockets and what arrives at each. */
  static final class SessionSockets {
    final String id;
    final End clientEnd;
    final End instanceEnd;
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    WebSocket client;
    WebSocket instance;

    SessionSockets(String id) {
      this.id = id;
      this.clientEnd = new End("client", problems);
      this.instanceEnd = new End("instance", problems);
    }

    void close() {
      for (WebSocket socket : new WebSocket[] {client, instance}) {
        if (socket == null) continue;
        if (!socket.isOutputClosed()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").exceptionally(e -> null);
        socket.abort();
      }
    }
  }

  /** The receiving side of a socket: hands each bench frame's send time to the stream it belongs to. */
  static final class End implements WebSocket.Listener {
    private final String name;
    private final ConcurrentLinkedQueue<String> problems;
    private final StringBuilder partial = new StringBuilder();
    volatile Stream receiving;

    End(String name, ConcurrentLinkedQueue<String> problems) {
      this.name = name;
      this.problems = problems;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      CharSequence frame = data;
      if (!last || partial.length() > 0) {
        partial.append(data);
        if (!last) return null;
        frame = partial.toString();
        partial.setLength(0);
      }
      long sentAt = sendTime(frame);
      Stream stream = receiving;
      if (sentAt < 0 || stream == null) {
        problems.add("the " + name + " socket got an unexpected frame: " + frame);
      } else {
        stream.received(sentAt);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      problems.add("the gateway closed the " + name + " socket: " + statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      problems.add("the " + name + " socket failed: " + error);
    }

    /** The {@code t} of a bench frame, read without a JSON parser; -1 when there is none. */
    static long sendTime(CharSequence frame) {
      int at = indexOf(frame, "\"t\":");
      if (at < 0) return -1;
      long value = 0;
      int digits = 0;
      for (int i = at + 4; i < frame.length(); i++) {
        char c = frame.charAt(i);
        if (c < '0' || c > '9') {
          if (c == '-' && digits == 0) return -1;
          break;
        }
        value = value * 10 + (c - '0');
        digits++;
      }
      return digits == 0 ? -1 : value;
    }

    private static int indexOf(CharSequence text, String needle) {
      outer:
      for (int i = text.length() - needle.length(); i >= 0; i--) {
        for (int j = 0; j < needle.length(); j++) {
          if (text.charAt(i + j) != needle.charAt(j)) continue outer;
        }
        return i;
      }
      return -1;
    }
  }

  /**
   * Frames of one direction of one session. At most one send is outstanding on a JDK websocket,
   * so each completed send starts the next, while fewer than {@code window} frames are in flight
   * and the pacer allows it.
   */
  static final class Stream {
    private final WebSocket sender;
    private final int target;
    private final int window;
    private final Latencies latencies;
    private final CountDownLatch arrived;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger allowed;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> problems;

    Stream(WebSocket sender, int target, int window, int allowed, Latencies latencies, CountDownLatch arrived,
        ConcurrentLinkedQueue<String> problems) {
      this.sender = sender;
      this.target = target;
      this.window = window;
      this.allowed = new AtomicInteger(allowed);
      this.latencies = latencies;
      this.arrived = arrived;
      this.problems = problems;
    }

    void allow(int upTo) {
      allowed.set(Math.min(target, upTo));
      pump();
    }

    private boolean maySend() {
      int s = sent.get();
      return s < allowed.get() && s - received.get() < window;
    }

    void pump() {
      while (maySend()) {
        if (!sending.compareAndSet(false, true)) return;
        if (!maySend()) {
          sending.set(false);
          continue;
        }
        int seq = sent.getAndIncrement();
        String frame = "{\"type\":\"bench\",\"seq\":" + seq + ",\"t\":" + System.nanoTime() + "}";
        try {
          sender.sendText(frame, true).whenComplete((socket, failure) -> {
            if (failure != null) problems.add("send failed: " + failure);
            sending.set(false);
            if (failure == null) pump();
          });
        } catch (RuntimeException e) {
          problems.add("send failed: " + e);
        }
        return;
      }
    }

    void received(long sentAt) {
      latencies.record(System.nanoTime() - sentAt);
      received.incrementAndGet();
      arrived.countDown();
      pump();
    }
  }

  /** One measured run in one direction over every session. */
  static final class Phase {
    final Latencies latencies;
    final int frames;
    long nanos;
    boolean complete;
    String cpu;

    private Phase(int frames) {
      this.frames = frames;
      this.latencies = new Latencies(frames);
    }

    static Phase run(List<SessionSockets> sessions, boolean clientToInstance, int frames, Settings settings,
        PrintStream out) throws InterruptedException {
      int perSession = Math.max(1, frames / sessions.size());
      Phase phase = new Phase(perSession * sessions.size());
      CountDownLatch arrived = new CountDownLatch(phase.frames);
      List<Stream> streams = new ArrayList<>();
      boolean paced = settings.rate() > 0;
      for (SessionSockets session : sessions) {
        WebSocket sender = clientToInstance ? session.client : session.instance;
        End receiver = clientToInstance ? session.instanceEnd : session.clientEnd;
        Stream stream = new Stream(sender, perSession, settings.window(), paced ? 0 : perSession, phase.latencies,
            arrived, session.problems);
        receiver.receiving = stream;
        streams.add(stream);
      }
      CpuUse cpu = CpuUse.start();
      Thread reporter = settings.progress() ? Progress.start(phase.latencies, out) : null;
      long start = System.nanoTime();
      if (!paced) {
        for (Stream stream : streams) stream.pump();
      }
      // Generous: a run that stalls (a lost frame, a closed socket) ends with what arrived.
      long deadline = start + TimeUnit.SECONDS.toNanos(60)
          + (paced ? (long) (phase.frames * 1e9 / settings.rate()) : 0);
      double perSessionRate = paced ? (double) settings.rate() / sessions.size() : 0;
      while (!arrived.await(paced ? 1 : 100, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        if (paced) {
          int upTo = (int) Math.min(perSession, (now - start) / 1e9 * perSessionRate + 1);
          for (Stream stream : streams) stream.allow(upTo);
        }
        if (now > deadline) {
          out.printf("  stalled: %d of %d frames arrived%n", phase.frames - arrived.getCount(), phase.frames);
          break;
        }
        if (sessions.stream().anyMatch(s -> !s.problems.isEmpty())) {
          out.printf("  stopped by a socket problem: %d of %d frames arrived%n", phase.frames - arrived.getCount(),
              phase.frames);
          break;
        }
      }
      phase.nanos = System.nanoTime() - start;
      if (reporter != null) reporter.interrupt();
      phase.cpu = cpu.line() + String.format(Locale.ROOT, "; %.1f us of CPU per frame in this JVM (%s)",
          cpu.processNanos() / 1e3 / Math.max(1, phase.latencies.count()), settings.inThisJvm());
      phase.complete = arrived.getCount() == 0;
      return phase;
    }

    String figures() {
      int count = latencies.count();
      double seconds = nanos / 1e9;
      return String.format(Locale.ROOT, "%d frames in %.2f s: %.0f frames/s", count, seconds, count / seconds);
    }
  }
}
