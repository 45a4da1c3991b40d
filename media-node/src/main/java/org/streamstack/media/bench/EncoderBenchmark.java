package org.streamstack.media.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

/**
 * Measures the CPU encoders alone and inside the media pipeline, side by side in one run.
 *
 * <p>For each codec and size: (a) bare, {@link FfmpegVideoEncoder#encode} in a loop over
 * pre-rendered {@link SyntheticApplication} frames; (b) pipeline, the same frames through a
 * {@link VideoEncoderActor} to a subscribing actor, at most two frames in flight (one encoding, one
 * waiting) so the encoder never idles and nothing is dropped; for VP8 also (c) Debian's
 * {@code ffmpeg} command line with the same libvpx settings on a raw file of the same frames.
 * Prints frames per second, the pipeline/bare ratio, encode time p50/p99 and, for the pipeline,
 * hand-in to delivery time.
 *
 * <p>{@code --codec h264|vp8|all --size 1280x720|1920x1080|all --frames 600 [--fps 30]
 * [--threads 1] [--vp8-cpu-used -8[,-12,...]] [--kbps N] [--rounds 3] [--no-cli]}
 *
 * <p>Each case runs {@code --rounds} times, bare and pipeline alternating; the fastest round of
 * each is reported, since other processes on the machine can only slow a round down.
 */
public final class EncoderBenchmark {

  private static final int WARMUP_FRAMES = 30;
  /** Distinct pre-rendered pictures, replayed in a loop: 4 s of motion. */
  private static final int CYCLE_FRAMES = 120;

  private final Options options;

  private EncoderBenchmark(Options options) {
    this.options = options;
  }

  static final String USAGE = """
      usage: streamstack bench encoder [--codec h264|vp8|all] [--size 1280x720|1920x1080|all] [--frames 600]
                                       [--fps 30] [--threads 1] [--vp8-cpu-used -8[,-12]] [--kbps N]
                                       [--rounds 3] [--no-cli]

        For each CPU codec and size: the bare encoder over pre-rendered frames and the pipeline
        (synthetic application -> encoder actor -> subscriber) over the same frames, side by side:
        fps, their ratio, encode latency p50/p99; for VP8 also Debian's ffmpeg command line.""";

  public static void main(String[] args) throws Exception {
    Options options = BenchCommandLine.parse(args, "encoder-benchmark", USAGE, Options::parse);
    if (options == null) return;
    long start = System.nanoTime();
    FfmpegRuntime.load();
    System.out.printf(
        Locale.ROOT,
        "FFmpeg natives loaded in %d ms; %d CPUs; %d frames per run after %d warm-up frames%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        Runtime.getRuntime().availableProcessors(),
        options.frames,
        WARMUP_FRAMES);
    new EncoderBenchmark(options).run();
  }

  private void run() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int[] size : options.sizes) {
      int width = size[0];
      int height = size[1];
      Scene scene = Scene.render(width, height, options.fps);
      System.out.printf(
          Locale.ROOT,
          "%n%dx%d: synthetic application renders a frame in %.2f ms (p50), %.2f ms (p99)%n",
          width,
          height,
          scene.renderMillis.p50(),
          scene.renderMillis.p99());
      for (VideoCodec codec : options.codecs) {
        List<Integer> cpuUsedValues =
            codec == VideoCodec.VP8 ? options.vp8CpuUsed : List.of(options.vp8CpuUsed.get(0));
        for (int cpuUsed : cpuUsedValues) {
          EncoderImplementation impl = EncoderImplementation.cpu(codec);
          int kbps =
              options.kbps > 0
                  ? options.kbps
                  : BitrateLimits.forVideo(width, height, options.fps).maxKbps();
          EncoderConfig config =
              EncoderConfig.of(width, height, options.fps, kbps * 1000)
                  .withThreads(options.threads)
                  .withVp8CpuUsed(cpuUsed);
          String label =
              String.format(
                  Locale.ROOT,
                  "%-4s %dx%d %s%s, %d kbit/s, %d thread%s",
                  codec,
                  width,
                  height,
                  impl.ffmpegName(),
                  codec == VideoCodec.VP8 ? " cpu-used " + cpuUsed : "",
                  kbps,
                  options.threads,
                  options.threads == 1 ? "" : "s");
          System.out.println(label);
          // Rounds alternate bare and pipeline, so both see the same background load; the best
          // round of each counts (other processes only ever slow a run down).
          Run bare = null;
          Run pipeline = null;
          for (int round = 1; round <= options.rounds; round++) {
            Run b = bare(impl, config, scene);
            Run p = pipeline(impl, config, scene);
            System.out.printf(
                Locale.ROOT,
                "  round %d: bare %.1f fps, pipeline %.1f fps%n",
                round,
                b.fps(options.frames),
                p.fps(options.frames));
            if (bare == null || b.elapsedNanos() < bare.elapsedNanos()) bare = b;
            if (pipeline == null || p.elapsedNanos() < pipeline.elapsedNanos()) pipeline = p;
          }
          System.out.println("  bare     " + bare.describe(options.frames, options.fps));
          System.out.println("  pipeline " + pipeline.describe(options.frames, options.fps));
          double ratio = pipeline.fps(options.frames) / bare.fps(options.frames);
          System.out.printf(Locale.ROOT, "  pipeline/bare %.3f%n", ratio);
          String cli = "";
          if (codec == VideoCodec.VP8 && options.cli) {
            Double cliFps = ffmpegCommandLine(config, scene);
            cli = cliFps == null ? "n/a" : String.format(Locale.ROOT, "%.1f", cliFps);
            System.out.println("  ffmpeg command line: " + cli + " fps");
          }
          rows.add(
              String.format(
                  Locale.ROOT,
                  "%-56s bare %6.1f fps  pipeline %6.1f fps  ratio %.3f  encode p50 %5.2f ms"
                      + " p99 %5.2f ms%s",
                  label,
                  bare.fps(options.frames),
                  pipeline.fps(options.frames),
                  ratio,
                  bare.encodeMillis.p50(),
                  bare.encodeMillis.p99(),
                  cli.isEmpty() ? "" : "  ffmpeg CLI " + cli + " fps"));
        }
      }
    }
    System.out.println();
    System.out.println("Summary");
    rows.forEach(System.out::println);
  }

  /** (a) The encoder alone. */
  private Run bare(EncoderImplementation impl, EncoderConfig config, Scene scene) {
    try (FfmpegVideoEncoder encoder = new FfmpegVideoEncoder(impl, config)) {
      for (int i = 0; i < WARMUP_FRAMES; i++) encoder.encode(scene.frame(i));
      long[] encodeNanos = new long[options.frames];
      long bytes = 0;
      long start = System.nanoTime();
      for (int i = 0; i < options.frames; i++) {
        VideoFrame frame = scene.frame(WARMUP_FRAMES + i);
        long t0 = System.nanoTime();
        EncodedFrame out = encoder.encode(frame);
        encodeNanos[i] = System.nanoTime() - t0;
        if (out != null) bytes += out.size();
      }
      long elapsed = System.nanoTime() - start;
      return new Run(elapsed, Percentiles.ofNanos(encodeNanos), null, bytes, 0);
    }
  }

  /** (b) The same frames through the encoder actor to a subscriber actor. */
  private Run pipeline(EncoderImplementation impl, EncoderConfig config, Scene scene)
      throws Exception {
    int total = WARMUP_FRAMES + options.frames;
    long[] sentAt = new long[total];
    long[] deliveredAt = new long[total];
    Semaphore inFlight = new Semaphore(2);
    AtomicLong bytes = new AtomicLong();
    CompletableFuture<Void> warmedUp = new CompletableFuture<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    long[] encodeNanos = new long[total];
    VideoEncoder encoder = new TimedEncoder(new FfmpegVideoEncoder(impl, config), encodeNanos);

    Behavior<EncodedFrame> consumer =
        Behaviors.receive(EncodedFrame.class)
            .onMessage(
                EncodedFrame.class,
                frame -> {
                  int i = (int) frame.frameNumber();
                  deliveredAt[i] = System.nanoTime();
                  if (i >= WARMUP_FRAMES) bytes.addAndGet(frame.size());
                  inFlight.release();
                  if (i == WARMUP_FRAMES - 1) warmedUp.complete(null);
                  if (i == total - 1) done.complete(null);
                  return Behaviors.same();
                })
            .build();
    // One actor system per run: terminating it stops the encoder actor, which closes the encoder.
    CompletableFuture<ActorRef<VideoEncoderActor.Command>> encoderActor = new CompletableFuture<>();
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.<Void>setup(
                context -> {
                  ActorRef<EncodedFrame> sink = context.spawn(consumer, "consumer");
                  // Limits wide open: the benchmark sets its bitrate itself.
                  ActorRef<VideoEncoderActor.Command> actor =
                      context.spawn(
                          VideoEncoderActor.create(
                              encoder, new BitrateLimits(1, Integer.MAX_VALUE / 1000)),
                          "encoder");
                  actor.tell(new VideoEncoderActor.Subscribe(sink));
                  encoderActor.complete(actor);
                  return Behaviors.empty();
                }),
            "encoder-pipeline");
    VideoEncoderActor.Stats stats;
    try {
      ActorRef<VideoEncoderActor.Command> actor = encoderActor.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < total; i++) {
        if (i == WARMUP_FRAMES) warmedUp.get(30, TimeUnit.SECONDS);
        inFlight.acquire();
        VideoFrame frame = scene.frame(i);
        sentAt[i] = System.nanoTime();
        actor.tell(new VideoEncoderActor.EncodeFrame(frame));
      }
      done.get(120, TimeUnit.SECONDS);
      stats =
          AskPattern.ask(
                  actor,
                  VideoEncoderActor.GetStats::new,
                  Duration.ofSeconds(5),
                  system.scheduler())
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    long elapsed = deliveredAt[total - 1] - sentAt[WARMUP_FRAMES];
    long[] measuredEncode = Arrays.copyOfRange(encodeNanos, WARMUP_FRAMES, total);
    long[] endToEnd = new long[options.frames];
    for (int i = 0; i < options.frames; i++) {
      endToEnd[i] = deliveredAt[WARMUP_FRAMES + i] - sentAt[WARMUP_FRAMES + i];
    }
    return new Run(
        elapsed,
        Percentiles.ofNanos(measuredEncode),
        Percentiles.ofNanos(endToEnd),
        bytes.get(),
        stats.dropped());
  }

  /** (c) Debian's ffmpeg with the same libvpx settings on the same frames; null if absent. */
  private Double ffmpegCommandLine(EncoderConfig config, Scene scene) throws Exception {
    Path yuv = scene.rawFile();
    int total = WARMUP_FRAMES + options.frames;
    int kbps = config.bitrate() / 1000;
    List<String> command =
        List.of(
            "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-benchmark",
            "-f", "rawvideo", "-pix_fmt", "yuv420p",
            "-s", config.width() + "x" + config.height(),
            "-framerate", Integer.toString(config.fps()),
            "-stream_loop", "-1", "-i", yuv.toString(),
            "-frames:v", Integer.toString(total),
            "-c:v", "libvpx", "-deadline", "realtime",
            "-cpu-used", Integer.toString(config.vp8CpuUsed()),
            "-lag-in-frames", "0", "-error-resilient", "1", "-auto-alt-ref", "0",
            "-threads", Integer.toString(config.threads()),
            "-b:v", kbps + "k", "-minrate", kbps + "k", "-maxrate", kbps + "k",
            "-bufsize", kbps + "k", "-qmin", "2", "-qmax", "56",
            "-g", Integer.toString(config.gopSize()),
            "-f", "null", "-");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      System.out.println("  ffmpeg command line not available: " + e.getMessage());
      return null;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      System.out.println("  ffmpeg failed:\n" + output);
      return null;
    }
    Matcher rtime = Pattern.compile("rtime=([0-9.]+)s").matcher(output);
    Matcher version = Pattern.compile("libvpx @ [^\\]]+\\] (v[0-9.]+)").matcher(output);
    if (version.find()) System.out.println("  ffmpeg command line uses libvpx " + version.group(1));
    if (!rtime.find()) {
      System.out.println("  no -benchmark line in ffmpeg's output:\n" + output);
      return null;
    }
    // -benchmark times the whole transcode, warm-up frames included.
    return total / Double.parseDouble(rtime.group(1));
  }

  /** Result of one measured run. */
  private record Run(
      long elapsedNanos, Percentiles encodeMillis, Percentiles endToEndMillis, long bytes,
      long dropped) {

    double fps(int frames) {
      return frames / (elapsedNanos / 1e9);
    }

    String describe(int frames, int nominalFps) {
      double kbps = bytes * 8.0 / 1000 / ((double) frames / nominalFps);
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%7.1f fps, encode p50 %.2f ms p99 %.2f ms, %.0f kbit/s at %d fps",
                  fps(frames),
                  encodeMillis.p50(),
                  encodeMillis.p99(),
                  kbps,
                  nominalFps));
      if (endToEndMillis != null) {
        s.append(
            String.format(
                Locale.ROOT,
                ", hand-in to delivery p50 %.2f ms p99 %.2f ms, %d dropped",
                endToEndMillis.p50(),
                endToEndMillis.p99(),
                dropped));
      }
      return s.toString();
    }
  }

  /** p50 and p99 of a sample, in milliseconds. */
  private record Percentiles(double p50, double p99) {
    static Percentiles ofNanos(long[] nanos) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Percentiles(at(sorted, 0.50) / 1e6, at(sorted, 0.99) / 1e6);
    }

    private static double at(long[] sorted, double q) {
      if (sorted.length == 0) return Double.NaN;
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  /** The pre-rendered pictures of one size, replayed with fresh timing. */
  private static final class Scene {
    private final int width;
    private final int height;
    private final int fps;
    private final VideoFrame[] cycle;
    private final Percentiles renderMillis;
    private final long startMillis = System.currentTimeMillis();
    private Path raw;

    private Scene(int width, int height, int fps, VideoFrame[] cycle, Percentiles renderMillis) {
      this.width = width;
      this.height = height;
      this.fps = fps;
      this.cycle = cycle;
      this.renderMillis = renderMillis;
    }

    static Scene render(int width, int height, int fps) {
      SyntheticApplication app = new SyntheticApplication(width, height);
      VideoFrame[] cycle = new VideoFrame[CYCLE_FRAMES];
      long[] nanos = new long[CYCLE_FRAMES];
      long start = System.currentTimeMillis();
      for (int i = 0; i < CYCLE_FRAMES; i++) {
        long t0 = System.nanoTime();
        cycle[i] = app.render(i, start + i * 1000L / fps);
        nanos[i] = System.nanoTime() - t0;
      }
      // The first renders run interpreted; time a second pass into fresh frames.
      for (int i = 0; i < CYCLE_FRAMES; i++) {
        long t0 = System.nanoTime();
        app.render(i, start + i * 1000L / fps);
        nanos[i] = System.nanoTime() - t0;
      }
      return new Scene(width, height, fps, cycle, Percentiles.ofNanos(nanos));
    }

    VideoFrame frame(int i) {
      return cycle[i % CYCLE_FRAMES].withTiming(startMillis + i * 1000L / fps, i);
    }

    /** The cycle as one raw yuv420p file, written once. */
    Path rawFile() throws IOException {
      if (raw != null) return raw;
      raw = Files.createTempFile("streamstack-bench-" + width + "x" + height + "-", ".yuv");
      raw.toFile().deleteOnExit();
      try (OutputStream out = Files.newOutputStream(raw)) {
        for (VideoFrame f : cycle) {
          out.write(f.dataY().array(), 0, width * height);
          int c = VideoFrame.chromaWidth(width) * VideoFrame.chromaHeight(height);
          out.write(f.dataU().array(), 0, c);
          out.write(f.dataV().array(), 0, c);
        }
      }
      return raw;
    }
  }

  /** Times each encode call of the wrapped encoder, by frame number. */
  private static final class TimedEncoder implements VideoEncoder {
    private final VideoEncoder delegate;
    private final long[] nanosByFrame;

    TimedEncoder(VideoEncoder delegate, long[] nanosByFrame) {
      this.delegate = delegate;
      this.nanosByFrame = nanosByFrame;
    }

    @Override
    public EncodedFrame encode(VideoFrame frame) {
      long t0 = System.nanoTime();
      EncodedFrame out = delegate.encode(frame);
      nanosByFrame[(int) frame.frameNumber()] = System.nanoTime() - t0;
      return out;
    }

    @Override
    public void requestKeyframe() {
      delegate.requestKeyframe();
    }

    @Override
    public void setTargetBitrate(int bitsPerSecond) {
      delegate.setTargetBitrate(bitsPerSecond);
    }

    @Override
    public int targetBitrate() {
      return delegate.targetBitrate();
    }

    @Override
    public String implementationName() {
      return delegate.implementationName();
    }

    @Override
    public VideoCodec codec() {
      return delegate.codec();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Command-line options. */
  private record Options(
      List<VideoCodec> codecs,
      List<int[]> sizes,
      int frames,
      int fps,
      int threads,
      List<Integer> vp8CpuUsed,
      int kbps,
      int rounds,
      boolean cli) {

    static Options parse(String[] args) {
      List<VideoCodec> codecs = List.of(VideoCodec.H264, VideoCodec.VP8);
      List<int[]> sizes = List.of(new int[] {1280, 720}, new int[] {1920, 1080});
      int frames = 600;
      int fps = 30;
      int threads = 1;
      List<Integer> cpuUsed = List.of(EncoderConfig.DEFAULT_VP8_CPU_USED);
      int kbps = 0;
      int rounds = 3;
      boolean cli = true;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--no-cli")) {
          cli = false;
          continue;
        }
        if (i + 1 >= args.length) throw new IllegalArgumentException(arg + " needs a value");
        String value = args[++i];
        switch (arg) {
          case "--codec" -> codecs =
              value.equals("all") ? List.of(VideoCodec.H264, VideoCodec.VP8)
                  : List.of(VideoCodec.parse(value));
          case "--size" -> sizes =
              value.equals("all")
                  ? List.of(new int[] {1280, 720}, new int[] {1920, 1080})
                  : List.of(parseSize(value));
          case "--frames" -> frames = positive(arg, value);
          case "--fps" -> fps = positive(arg, value);
          case "--threads" -> threads = positive(arg, value);
          case "--kbps" -> kbps = positive(arg, value);
          case "--rounds" -> rounds = positive(arg, value);
          case "--vp8-cpu-used" -> cpuUsed =
              Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Options(codecs, sizes, frames, fps, threads, cpuUsed, kbps, rounds, cli);
    }

    private static int[] parseSize(String value) {
      String[] parts = value.toLowerCase(Locale.ROOT).split("x");
      if (parts.length != 2) throw new IllegalArgumentException("size " + value);
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    private static int positive(String name, String value) {
      int n = Integer.parseInt(value);
      if (n <= 0) throw new IllegalArgumentException(name + " " + value);
      return n;
    }
  }
}
