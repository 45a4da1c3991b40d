package org.streamstack.media.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.bench.TestBrowser;
import org.streamstack.media.browser.HeadlessChromium;
import org.streamstack.media.video.VideoCodec;

/**
 * The whole stack's figures (issue 5), on this machine, with everything started here as the
 * end-to-end tests do (nats-server, a cluster-node with every role, a media node in this JVM):
 *
 * <ul>
 *   <li>{@code first-frame [--sessions 20] [--warmup 2]}: a person's wait, POST /1.0/sessions to the
 *       first decoded frame in Chromium, read from the gateway's page ({@code performance.now()}
 *       around its POST and its first video frame callback); and glass to glass, read by the page
 *       from the synthetic application's latency probe (capture time drawn into the frame, compared
 *       with the page's clock when the frame is shown; same machine, same clock).</li>
 *   <li>{@code streams [--count 12] [--seconds 20]}: how many 1280x720 30 fps H.264 streams one
 *       media node sustains: that many sessions, each its own instance and encoder, each received by
 *       a {@link TestBrowser} (ICE, DTLS, SRTP and NACKs as Chromium does, without decoding, so that
 *       the receivers leave the CPUs to the media node); frames received per second per stream.</li>
 *   <li>{@code viewers [--viewers N] [--max 64] [--seconds 10]}: how many people one media node
 *       serves one instance to (issue 6, shares): one 1280x720 30 fps H.264 session of {@code
 *       demo}, received by its owner's client, plus the peers of a view share joined through the
 *       real signalling path (POST /1.0/shares/{id}/join, then the peer's socket), each a {@link
 *       TestBrowser}; all fed from the instance's one encoder. Viewers 1, 2, 4, 8, ... until one
 *       falls below 29 fps (or exactly {@code --viewers}); per step the viewers' received fps (min,
 *       p50), the encoder's encoded fps (from the node's metrics: it runs once whatever the number
 *       of viewers), and the CPU this process used.</li>
 * </ul>
 *
 * Run through {@code ./streamstack bench first-frame|streams|viewers}.
 */
public final class StackBenchmark {

  private StackBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
      System.out.println("usage: streamstack bench first-frame [--sessions 20] [--warmup 2]\n"
          + "       streamstack bench streams [--count 12] [--seconds 20]\n"
          + "       streamstack bench viewers [--viewers N] [--max 64] [--seconds 10]");
      return;
    }
    Map<String, Integer> options = new java.util.HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length || !args[i + 1].matches("\\d+")) {
        System.err.println("streamstack bench " + args[0] + ": " + args[i] + " needs a number (see --help)");
        System.exit(2);
      }
      options.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
    }
    java.util.Set<String> known = switch (args[0]) {
      case "streams" -> java.util.Set.of("count", "seconds");
      case "viewers" -> java.util.Set.of("viewers", "max", "seconds");
      default -> java.util.Set.of("sessions", "warmup");
    };
    for (String option : options.keySet()) {
      if (!known.contains(option)) {
        System.err.println("streamstack bench " + args[0] + ": unknown flag --" + option + " (see --help)");
        System.exit(2);
      }
    }
    org.streamstack.media.bench.BenchLogging.quietJavaUtilLogging();
    int code;
    switch (args[0]) {
      case "first-frame" -> code = firstFrame(options.getOrDefault("sessions", 20), options.getOrDefault("warmup", 2));
      case "streams" -> code = streams(options.getOrDefault("count", 12), options.getOrDefault("seconds", 20));
      case "viewers" -> code = viewers(options.getOrDefault("viewers", 0), options.getOrDefault("max", 64),
          options.getOrDefault("seconds", 10));
      default -> throw new IllegalArgumentException("unknown benchmark " + args[0] + " (first-frame, streams or viewers)");
    }
    System.exit(code);
  }

  private static int firstFrame(int sessions, int warmup) throws Exception {
    System.out.printf("starting nats-server, a cluster-node (gateway, agent, ams) and a media node ...%n");
    try (WholeStack stack = WholeStack.withMediaNodeInProcess(); HeadlessChromium browser = new HeadlessChromium()) {
      // The page asks for a screen the size of its window: this one makes the sessions 1280x720.
      browser.open(stack.gateway.base + "/#token=" + stack.clientToken);
      long chrome = ((Number) browser.script("return window.outerHeight - window.innerHeight;")).longValue();
      browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720 + (int) chrome));
      List<Double> firstFrames = new ArrayList<>();
      List<Double> creates = new ArrayList<>();
      List<Double> glassToGlass = new ArrayList<>();
      for (int i = 0; i < warmup + sessions; i++) {
        Await.until("the page to be ready", Duration.ofSeconds(20), () -> "ready".equals(page(browser, "state")));
        new Select(browser.driver().findElement(By.id("app"))).selectByValue("demo");
        new Select(browser.driver().findElement(By.id("codec"))).selectByValue("H264");
        new Select(browser.driver().findElement(By.id("fps"))).selectByValue("30");
        browser.driver().findElement(By.id("start")).click();
        Await.until("the first frame", Duration.ofSeconds(20), () -> {
          Object t = page(browser, "timings.firstFrame");
          return t != null;
        });
        // Two seconds of streaming for the probe's figures.
        Thread.sleep(2000);
        double requested = number(page(browser, "timings.requested"));
        double created = number(page(browser, "timings.created"));
        double first = number(page(browser, "timings.firstFrame"));
        boolean measured = i >= warmup;
        if (measured) {
          firstFrames.add(first - requested);
          creates.add(created - requested);
          for (Object latency : (List<?>) browser.script("return window.streamstack.latencies;")) {
            glassToGlass.add(number(latency));
          }
        }
        System.out.printf("%s %2d: POST -> 201 %5.0f ms, POST -> first frame %5.0f ms (%dx%d)%n",
            measured ? "session" : "warm-up", measured ? i - warmup + 1 : i + 1, created - requested, first - requested,
            (long) number(page(browser, "stats.width")), (long) number(page(browser, "stats.height")));
        browser.driver().findElement(By.id("stop")).click();
      }
      System.out.printf(Locale.ROOT, "%ntime to first frame over %d sessions (POST /1.0/sessions to the first decoded frame):"
          + " p50 %.0f ms, p95 %.0f ms, max %.0f ms  (targets: p50 <= 600 ms, p95 <= 1000 ms)%n",
          firstFrames.size(), percentile(firstFrames, 50), percentile(firstFrames, 95), percentile(firstFrames, 100));
      System.out.printf(Locale.ROOT, "  of which POST -> 201: p50 %.0f ms, p95 %.0f ms%n",
          percentile(creates, 50), percentile(creates, 95));
      System.out.printf(Locale.ROOT, "glass to glass over %d frames (probe capture time to the page's frame callback):"
          + " p50 %.0f ms, p95 %.0f ms  (target: p50 <= 50 ms)%n",
          glassToGlass.size(), percentile(glassToGlass, 50), percentile(glassToGlass, 95));
      return 0;
    }
  }

  private static int streams(int count, int seconds) throws Exception {
    System.out.printf("starting nats-server, a cluster-node (gateway, agent, ams) and a media node ...%n");
    try (WholeStack stack = WholeStack.withMediaNodeInProcess()) {
      List<Receiver> receivers = new ArrayList<>();
      try {
        for (int i = 0; i < count; i++) {
          String url = stack.createSession(Map.of("app", "demo",
              "screen", Map.of("width", 1280, "height", 720, "fps", 30))).path("url").asText();
          receivers.add(new Receiver(url));
        }
        for (Receiver receiver : receivers) {
          Await.until("frames on every stream", Duration.ofSeconds(30), () -> receiver.browser.frameCount() > 0);
        }
        System.out.printf("%d streams flowing; 5 s to settle, then %d s measured%n", count, seconds);
        Thread.sleep(5000);
        long[] before = new long[count];
        for (int i = 0; i < count; i++) before[i] = receivers.get(i).browser.frameCount();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> fps = new ArrayList<>();
        for (int i = 0; i < count; i++) fps.add((receivers.get(i).browser.frameCount() - before[i]) / elapsed);
        long atTarget = fps.stream().filter(f -> f >= 29).count();
        System.out.printf(Locale.ROOT, "%n%d concurrent 1280x720 30 fps H.264 streams on one media node (%d CPUs here):"
            + " fps min %.1f, p50 %.1f, max %.1f; %d of %d at >= 29 fps  (target: >= 12 on a 2-core node)%n",
            count, Runtime.getRuntime().availableProcessors(), percentile(fps, 0), percentile(fps, 50),
            percentile(fps, 100), atTarget, count);
        long dropped = 0;
        for (Receiver receiver : receivers) dropped += receiver.browser.framesDropped();
        System.out.printf("frames the receivers could not complete: %d%n", dropped);
        return atTarget == count ? 0 : 1;
      } finally {
        for (Receiver receiver : receivers) receiver.close();
      }
    }
  }

  private static int viewers(int fixed, int max, int seconds) throws Exception {
    if (fixed < 0 || max < 1 || seconds < 1) {
      System.err.println("streamstack bench viewers: --viewers >= 1 (or 0: ramp), --max >= 1, --seconds >= 1");
      return 2;
    }
    int limit = fixed > 0 ? fixed : max;
    System.out.printf("starting nats-server, a cluster-node (gateway, agent, ams) and a media node ...%n");
    // The bounds on share peers are the deployment's to set; here they must not be what stops the ramp.
    String bound = String.valueOf(limit + 1);
    try (WholeStack stack = WholeStack.withMediaNodeInProcess(
        "streamstack.gateway.shares.max-peers-per-share = " + bound + "\n",
        "streamstack.media.peer.max-share-peers = " + bound + "\n")) {
      org.streamstack.media.node.MediaNode media = stack.mediaNodesInProcess().get(0);
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      int cpus = Runtime.getRuntime().availableProcessors();
      List<Receiver> receivers = new ArrayList<>();
      try {
        com.fasterxml.jackson.databind.JsonNode session = stack.createSession(Map.of("app", "demo",
            "screen", Map.of("width", 1280, "height", 720, "fps", 30)));
        receivers.add(new Receiver(session.path("url").asText()));
        String link = stack.createShare(session.path("id").asText(), "view").path("url").asText();
        List<Integer> steps = new ArrayList<>();
        if (fixed > 0) {
          steps.add(fixed);
        } else {
          for (int n = 1; n < max; n *= 2) steps.add(n);
          steps.add(max);
        }
        System.out.printf(Locale.ROOT, "one 1280x720 30 fps H.264 instance; viewers = its owner's client + peers of one"
            + " view share, joined through the gateway; %d s measured per step (%d CPUs here)%n", seconds, cpus);
        int lastAtTarget = 0;
        for (int viewers : steps) {
          while (receivers.size() < viewers) {
            receivers.add(new Receiver(stack.joinShare(link).path("url").asText()));
          }
          for (Receiver receiver : receivers) {
            Await.until("frames on every viewer", Duration.ofSeconds(60), () -> receiver.browser.frameCount() > 0);
          }
          Thread.sleep(3000);
          long[] before = new long[viewers];
          for (int i = 0; i < viewers; i++) before[i] = receivers.get(i).browser.frameCount();
          double encodedBefore = encodedFrames(media);
          long cpuBefore = os.getProcessCpuTime();
          long start = System.nanoTime();
          Thread.sleep(seconds * 1000L);
          double elapsed = (System.nanoTime() - start) / 1e9;
          double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9 / elapsed / cpus * 100;
          double encodedFps = (encodedFrames(media) - encodedBefore) / elapsed;
          List<Double> fps = new ArrayList<>();
          for (int i = 0; i < viewers; i++) fps.add((receivers.get(i).browser.frameCount() - before[i]) / elapsed);
          double min = percentile(fps, 0);
          // Other processes on this machine take CPU from the stack: the load average says how much.
          System.out.printf(Locale.ROOT, "viewers %3d: received fps min %5.1f, p50 %5.1f; encoder %5.1f fps encoded"
              + " (the slowest viewer got %3.0f %% of its frames); CPU %3.0f %% of %d cores (this whole process),"
              + " load average %.1f%n", viewers, min, percentile(fps, 50), encodedFps,
              encodedFps > 0 ? min / encodedFps * 100 : 0, cpu, cpus, os.getSystemLoadAverage());
          for (int i = 0; i < viewers; i++) {
            if (fps.get(i) < 29) {
              System.out.printf(Locale.ROOT, "  viewer %d (%s) at %.1f fps: %s%n", i + 1, i == 0 ? "the owner" : "share peer",
                  fps.get(i), receivers.get(i).browser);
            }
          }
          if (min >= 29) {
            lastAtTarget = viewers;
          } else if (fixed == 0) {
            break;
          }
        }
        System.out.printf(Locale.ROOT, "%nviewers of one 720p30 encode, each at >= 29 fps: %d%s%n", lastAtTarget,
            fixed > 0 ? "" : lastAtTarget == steps.get(steps.size() - 1) ? " (every step held; --max for more)" : "");
        return lastAtTarget > 0 ? 0 : 1;
      } finally {
        for (Receiver receiver : receivers) receiver.close();
      }
    }
  }

  /** Frames the node's encoders have encoded so far (its streamstack_encode_seconds histogram's count). */
  private static double encodedFrames(org.streamstack.media.node.MediaNode media) {
    return org.streamstack.cluster.testing.PrometheusText.parse(
        org.streamstack.media.metrics.MediaMetrics.get(media.system()).scrape()).value("streamstack_encode_seconds_count");
  }

  /** One client of one session: the signalling websocket and a {@link TestBrowser} answering on it. */
  private static final class Receiver implements WebSocket.Listener, AutoCloseable {
    final TestBrowser browser;
    final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private boolean answered;

    Receiver(String url) throws Exception {
      browser = new TestBrowser(VideoCodec.H264, TestBrowser.chromiumAnswer(VideoCodec.H264),
          org.streamstack.media.dtls.DtlsSettings.defaults());
      browser.nackGenerator(true);
      socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), this).join();
      send("{\"type\":\"settings\",\"api_version\":2,\"data_channels\":[],\"enable_speaker\":false,"
          + "\"enable_microphone\":false,\"enable_video\":true,\"enable_camera\":false,"
          + "\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}");
    }

    private synchronized void send(String frame) {
      socket.sendText(frame, true).join();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        browser.onSignaling(frame);
        if (!answered && frame.contains("\"offer\"")) {
          answered = true;
          // Not on the websocket's thread: the answer sends on this same socket.
          Thread answering = new Thread(() -> browser.answer(this::send), "answer");
          answering.setDaemon(true);
          answering.start();
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.abort();
      browser.close();
    }
  }

  private static Object page(HeadlessChromium browser, String expression) {
    return browser.script("return window.streamstack." + expression + ";");
  }

  private static double number(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  private static double percentile(List<Double> values, int percentile) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
