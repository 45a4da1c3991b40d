package org.streamstack.media.bench;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.streamstack.media.bench.TestBrowser.Milestone;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.peer.AudioSource;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerStats;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * How long a browser waits for its first picture, setup after setup: starts a {@link MediaNode}
 * in this process (its one UDP port, certificate, encoders; loopback only) and a synthetic video
 * source, then runs sequential peers against it, each answered at once by a {@link TestBrowser},
 * and prints p50/p95/max of the milestones of a setup, in milliseconds since the peer's offer:
 *
 * <ol>
 *   <li>answer applied: the peer's reply to a stats query sent right after the answer (its
 *       mailbox is in order);</li>
 *   <li>DTLS connected: the peer's {@link Peer.Connected} event (its transport's handshake done);</li>
 *   <li>first RTP packet sent: read from the packet's abs-send-time, which the peer stamps from
 *       the same {@code System.nanoTime()} this process reads;</li>
 *   <li>first keyframe complete at the browser.</li>
 * </ol>
 *
 * and the figure of the issue: from the answer reaching the peer (handed to its mailbox) to the
 * first RTP packet sent. The browser NACKs gaps, as Chromium does. It answers instantly, so nothing of a real browser's own time
 * (answer creation, ICE gathering, decoding) is in these figures. The first setups run as a
 * warm-up, reported apart.
 *
 * <p>{@code [--setups 20] [--warmup 1] [--codec vp8|h264] [--size 1280x720] [--fps 30]}; after
 * {@code mvn -B -ntp -q install -DskipTests}, from {@code media-node/}:
 * {@code java -cp target/classes:$(cat target/runtime-classpath.txt) org.streamstack.media.bench.PeerSetupBenchmark}
 */
public final class PeerSetupBenchmark {

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

  private record Options(int setups, int warmup, VideoCodec codec, int width, int height, int fps) {
    static Options parse(String[] args) {
      int setups = 20;
      int warmup = 1;
      VideoCodec codec = VideoCodec.VP8;
      int width = 1280;
      int height = 720;
      int fps = 30;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
        switch (args[i]) {
          case "--setups" -> setups = Integer.parseInt(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--codec" -> codec = VideoCodec.valueOf(value.toUpperCase(Locale.ROOT));
          case "--size" -> {
            String[] wh = value.split("x");
            width = Integer.parseInt(wh[0]);
            height = Integer.parseInt(wh[1]);
          }
          case "--fps" -> fps = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (setups < 1 || warmup < 0) throw new IllegalArgumentException("--setups >= 1, --warmup >= 0");
      return new Options(setups, warmup, codec, width, height, fps);
    }
  }

  /** One setup's moments, System.nanoTime(). */
  private record Timeline(long spawned, long offer, long answerSent, long answerApplied, long iceConnected,
      long peerConnected, long browserDtls, long firstRtpSent, long firstRtpReceived, long firstKeyframe,
      int keyframeBytes, long nacks) {

    double sinceOffer(long at) {
      return (at - offer) / 1e6;
    }
  }

  static final String USAGE = """
      usage: streamstack bench peer [--setups 20] [--warmup 1] [--codec vp8|h264] [--size 1280x720] [--fps 30]

        Sequential peer setups against a media node in this JVM and a Java stand-in for the
        browser; prints p50/p95/max of each step and of answer received -> first RTP packet sent.""";

  public static void main(String[] args) throws Exception {
    Options options = BenchCommandLine.parse(args, "peer-setup-benchmark", USAGE, Options::parse);
    if (options == null) return;
    BenchLogging.quietJavaUtilLogging();
    MediaNode node = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.node.nats-url = ""
        """));
    int w = options.width();
    int h = options.height();
    int fps = options.fps();
    BitrateLimits limits = BitrateLimits.forVideo(w, h, fps);
    SyntheticVideoSource video = SyntheticVideoSource.start(node.system(), "bench-video", w, h, fps,
        codec -> node.encoderSelection().open(codec,
            node.settings().encoder().config(w, h, fps, limits.minBitsPerSecond())));
    Map<String, CompletableFuture<Long>> connected = new ConcurrentHashMap<>();
    Map<String, CompletableFuture<Long>> ended = new ConcurrentHashMap<>();
    ActorRef<Peer.Event> events = node.system().systemActorOf(Behaviors.receiveMessage(event -> {
      long now = System.nanoTime();
      if (event instanceof Peer.Connected c) moment(connected, c.peerId()).complete(now);
      if (event instanceof Peer.Ended e) moment(ended, e.peerId()).complete(now);
      return Behaviors.same();
    }), "bench-peer-events", Props.empty());
    String answerTemplate = TestBrowser.chromiumAnswer(options.codec());

    System.out.printf(Locale.ROOT,
        "%d+%d sequential %s setups at %dx%d %d fps against a media node on 127.0.0.1:%d%n", options.warmup(),
        options.setups(), options.codec(), w, h, fps, node.udpPort());
    System.out.println("ms since the offer: answer applied, DTLS connected, first RTP sent, first keyframe at the"
        + " browser | answer -> first RTP sent");
    List<Timeline> measured = new ArrayList<>();
    try {
      for (int i = 0; i < options.warmup() + options.setups(); i++) {
        boolean warmup = i < options.warmup();
        String peerId = "bench-" + (i + 1);
        Timeline t = setup(node, video, options.codec(), answerTemplate, peerId, moment(connected, peerId),
            moment(ended, peerId), events);
        System.out.printf(Locale.ROOT,
            "%s %-8s offer %5.1f ms after spawn | %6.1f %6.1f %6.1f %6.1f | %6.1f  (keyframe %d bytes, %d NACKs)%n",
            warmup ? "warm-up" : "setup  ", peerId, (t.offer() - t.spawned()) / 1e6, t.sinceOffer(t.answerApplied()),
            t.sinceOffer(t.peerConnected()), t.sinceOffer(t.firstRtpSent()), t.sinceOffer(t.firstKeyframe()),
            (t.firstRtpSent() - t.answerSent()) / 1e6, t.keyframeBytes(), t.nacks());
        if (!warmup) measured.add(t);
      }
      System.out.printf(Locale.ROOT, "%n%d setups, ms                          p50      p95      max%n",
          measured.size());
      row("offer produced (since spawn)", measured, t -> (t.offer() - t.spawned()) / 1e6);
      row("answer applied (since offer)", measured, t -> t.sinceOffer(t.answerApplied()));
      row("ICE connected, browser (since offer)", measured, t -> t.sinceOffer(t.iceConnected()));
      row("DTLS connected, peer (since offer)", measured, t -> t.sinceOffer(t.peerConnected()));
      row("DTLS connected, browser (since offer)", measured, t -> t.sinceOffer(t.browserDtls()));
      row("first RTP sent (since offer)", measured, t -> t.sinceOffer(t.firstRtpSent()));
      row("first RTP received (since offer)", measured, t -> t.sinceOffer(t.firstRtpReceived()));
      row("first keyframe complete (since offer)", measured, t -> t.sinceOffer(t.firstKeyframe()));
      row("answer received -> first RTP sent", measured, t -> (t.firstRtpSent() - t.answerSent()) / 1e6);
      row("answer received -> DTLS connected", measured, t -> (t.peerConnected() - t.answerSent()) / 1e6);
      row("DTLS connected -> first RTP sent", measured, t -> (t.firstRtpSent() - t.peerConnected()) / 1e6);
      row("answer received -> first keyframe", measured, t -> (t.firstKeyframe() - t.answerSent()) / 1e6);
      System.out.printf(Locale.ROOT, "first keyframes: %.0f bytes on average; %d of %d setups needed NACKs to complete%n",
          measured.stream().mapToInt(Timeline::keyframeBytes).average().orElse(0),
          measured.stream().filter(t -> t.nacks() > 0).count(), measured.size());
    } finally {
      video.close();
      node.close();
    }
  }

  private static Timeline setup(MediaNode node, SyntheticVideoSource video, VideoCodec codec, String answerTemplate,
      String peerId, CompletableFuture<Long> connected, CompletableFuture<Long> ended, ActorRef<Peer.Event> events)
      throws Exception {
    SignalingMessage.Settings settings = new SignalingMessage.Settings(2, List.of(), false, false, true, false,
        "desktop", null, new SignalingMessage.VideoSettings(List.of(codec.name())));
    try (TestBrowser browser = new TestBrowser(codec, answerTemplate, node.peerResources().dtlsSettings())) {
      browser.nackGenerator(true); // as Chromium, which NACKs gaps within ~20 ms
      long spawned = System.nanoTime();
      ActorRef<Peer.Command> peer = node.system().systemActorOf(
          Peer.create(peerId, node.peerResources(), settings, video, AudioSource.none(), browser::onSignaling, events), peerId,
          Props.empty());
      try {
        long offer = browser.await(Milestone.OFFER, STEP_TIMEOUT);
        browser.answer(peer);
        long answerApplied = AskPattern.<Peer.Command, PeerStats>ask(peer, Peer.GetStats::new, STEP_TIMEOUT,
            node.system().scheduler()).thenApply(stats -> System.nanoTime()).toCompletableFuture()
            .get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long peerConnected = connected.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long keyframe = browser.await(Milestone.FIRST_KEYFRAME, STEP_TIMEOUT);
        long firstRtp = browser.await(Milestone.FIRST_RTP, STEP_TIMEOUT);
        long firstRtpSent = browser.firstRtpSentNanos().orElse(firstRtp);
        int keyframeBytes = browser.frames().stream().filter(TestBrowser.ReceivedFrame::keyframe).findFirst()
            .map(TestBrowser.ReceivedFrame::size).orElse(0);
        return new Timeline(spawned, offer, browser.milestone(Milestone.ANSWER_SENT).orElseThrow(), answerApplied,
            browser.milestone(Milestone.ICE_CONNECTED).orElseThrow(), peerConnected,
            browser.milestone(Milestone.DTLS_CONNECTED).orElseThrow(), firstRtpSent, firstRtp, keyframe, keyframeBytes,
            browser.nacksSent());
      } finally {
        peer.tell(new Peer.Stop("setup measured"));
        ended.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private static CompletableFuture<Long> moment(Map<String, CompletableFuture<Long>> moments, String peerId) {
    return moments.computeIfAbsent(peerId, id -> new CompletableFuture<>());
  }

  private static void row(String what, List<Timeline> timelines, ToDoubleFunction<Timeline> value) {
    double[] v = timelines.stream().mapToDouble(value).sorted().toArray();
    System.out.printf(Locale.ROOT, "%-40s %8.1f %8.1f %8.1f%n", what, percentile(v, 50), percentile(v, 95),
        v[v.length - 1]);
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(double[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private PeerSetupBenchmark() {}
}
