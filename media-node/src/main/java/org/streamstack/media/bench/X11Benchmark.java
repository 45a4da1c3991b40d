package org.streamstack.media.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.streamstack.media.app.FrameClock;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.peer.VideoSender;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.media.x11.X11Application;
import org.streamstack.media.x11.X11Program;

/**
 * {@code streamstack bench x11}: an X11 instance's video path, as an instance runs it, at each
 * size: Xvfb with a program whose picture changes every frame (x11-apps' {@code ico}, spinning a
 * polyhedron on the root window), the frame clock grabbing its screen (x11grab, swscale to I420),
 * the encoder actor, and the RTP packetizer of a peer's video sender. Per frame, the time from the
 * start of its grab to its last RTP packet (p50, p99); frames captured, encoded and dropped; the
 * CPU of this process (grab, conversion, encoding, packetizing) over the wall time, which is what
 * one stream costs the media node, and apart from it the CPU of Xvfb and the program.
 */
public final class X11Benchmark {

  static final String USAGE = """
      usage: streamstack bench x11 [--size 1280x720|1920x1080|all] [--fps 30] [--codec h264|vp8]
                                   [--seconds 20] [--warmup 3] [--kbps N] [--program 'ico -r ...']

        An X11 instance's video path at each size: Xvfb and a program whose picture changes every
        frame, grabbed by the frame clock, encoded by the encoder actor on the CPU encoder and cut
        into RTP packets. Prints the capture-to-packet latency per frame (grab start to the frame's
        last RTP packet, p50/p99), frames captured and encoded, and CPU per stream.""";

  private record Options(List<int[]> sizes, int fps, VideoCodec codec, int seconds, int warmupSeconds, int kbps,
      List<String> program) {

    static Options parse(String[] args) {
      List<int[]> sizes = List.of(new int[] {1280, 720}, new int[] {1920, 1080});
      int fps = 30;
      VideoCodec codec = VideoCodec.H264;
      int seconds = 20;
      int warmup = 3;
      int kbps = 0;
      List<String> program = null;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
        switch (args[i]) {
          case "--size" -> sizes = value.equals("all") ? sizes : List.of(size(value));
          case "--fps" -> fps = Integer.parseInt(value);
          case "--codec" -> codec = VideoCodec.valueOf(value.toUpperCase(Locale.ROOT));
          case "--seconds" -> seconds = Integer.parseInt(value);
          case "--warmup" -> warmup = Integer.parseInt(value);
          case "--kbps" -> kbps = Integer.parseInt(value);
          case "--program" -> program = List.of(value.trim().split("\\s+"));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (fps < 1 || fps > 240 || seconds < 1 || warmup < 0) throw new IllegalArgumentException("fps 1-240, seconds >= 1");
      return new Options(sizes, fps, codec, seconds, warmup, kbps, program);
    }

    private static int[] size(String text) {
      String[] parts = text.split("x");
      if (parts.length != 2) throw new IllegalArgumentException("size WxH, not " + text);
      return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }
  }

  /** What one size measured. */
  private record Result(int width, int height, long captured, long encoded, long dropped, long skippedTicks,
      long[] latencyNanos, double processCpu, double displayCpu, long bytes, double seconds) {

    String describe(int fps) {
      long[] sorted = latencyNanos.clone();
      Arrays.sort(sorted);
      return String.format(Locale.ROOT,
          "%dx%d@%d: capture-to-packet p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d frames); captured %d (%.1f fps), "
              + "encoded %d, dropped %d, clock ticks skipped %d; %.0f kbit/s; CPU per stream %.1f %% of a core "
              + "(media node process), Xvfb, program and its sound server %.1f %%",
          width, height, fps, at(sorted, 0.50) / 1e6, at(sorted, 0.99) / 1e6,
          sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, sorted.length, captured,
          captured / seconds, encoded, dropped, skippedTicks, bytes * 8 / seconds / 1000, processCpu * 100,
          displayCpu * 100);
    }

    private static double at(long[] sorted, double q) {
      if (sorted.length == 0) return Double.NaN;
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
  }

  private final Options options;

  private X11Benchmark(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = BenchCommandLine.parse(args, "x11-benchmark", USAGE, Options::parse);
    if (options == null) return;
    FfmpegRuntime.load();
    System.out.printf(Locale.ROOT, "%d CPUs; %s on %s; %d s measured after %d s warm-up per size%n",
        Runtime.getRuntime().availableProcessors(), options.codec,
        EncoderImplementation.cpu(options.codec).ffmpegName(), options.seconds, options.warmupSeconds);
    List<Result> results = new ArrayList<>();
    X11Benchmark benchmark = new X11Benchmark(options);
    for (int[] size : options.sizes) results.add(benchmark.run(size[0], size[1]));
    System.out.println();
    for (Result result : results) System.out.println(result.describe(options.fps));
    System.exit(0);
  }

  private List<String> program(int height) {
    if (options.program != null) return options.program;
    // A polyhedron two thirds of the screen high, redrawn every 33 ms on the root window.
    int object = height * 2 / 3;
    return List.of("ico", "-r", "-faces", "-size", object + "x" + object, "-sleep", "0.033");
  }

  private Result run(int width, int height) throws Exception {
    int fps = options.fps;
    int bitrate = options.kbps > 0 ? options.kbps * 1000 : BitrateLimits.forVideo(width, height, fps).maxBitsPerSecond();
    EncoderImplementation implementation = EncoderImplementation.cpu(options.codec);
    System.out.printf(Locale.ROOT, "%n%dx%d at %d fps, %d kbit/s, program %s%n", width, height, fps, bitrate / 1000,
        String.join(" ", program(height)));
    Map<Long, Long> grabStarted = new ConcurrentHashMap<>();
    long measureFrom = options.warmupSeconds * (long) fps;
    long measureTo = measureFrom + options.seconds * (long) fps;
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong captured = new AtomicLong();
    AtomicLong encoded = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong packets = new AtomicLong();
    VideoSender sender = new VideoSender(options.codec, 0x1234_5678L, 96, 3, 512, new Random(7),
        plainRtp -> packets.incrementAndGet() > 0);

    Behavior<EncodedFrame> packetizer = Behaviors.receive(EncodedFrame.class)
        .onMessage(EncodedFrame.class, frame -> {
          sender.send(frame, System.nanoTime());
          long done = System.nanoTime();
          Long started = grabStarted.remove(frame.frameNumber());
          if (started != null && frame.frameNumber() >= measureFrom && frame.frameNumber() < measureTo) {
            latencies.add(done - started);
            encoded.incrementAndGet();
            bytes.addAndGet(frame.size());
          }
          return Behaviors.same();
        })
        .build();
    CompletableFuture<ActorRef<VideoEncoderActor.Command>> encoderRef = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.<Void>setup(context -> {
      ActorRef<EncodedFrame> sink = context.spawn(packetizer, "packetizer");
      FfmpegVideoEncoder encoder = new FfmpegVideoEncoder(implementation, EncoderConfig.of(width, height, fps, bitrate));
      ActorRef<VideoEncoderActor.Command> actor = context.spawn(
          VideoEncoderActor.create(encoder, BitrateLimits.forVideo(width, height, fps)), "encoder");
      actor.tell(new VideoEncoderActor.Subscribe(sink));
      actor.tell(new VideoEncoderActor.SetTargetBitrate(sink, bitrate));
      encoderRef.complete(actor);
      return Behaviors.empty();
    }), "x11-benchmark");
    // Started inside the try, so that a program or display that does not start still ends the actor system.
    try {
      X11Application application = X11Application.start("bench-" + width + "x" + height,
          new X11Program(program(height), null, Map.of()), "Xvfb", width, height, true);
      try {
        ActorRef<VideoEncoderActor.Command> encoder = encoderRef.get(10, TimeUnit.SECONDS);
        Thread.sleep(500); // the program's first picture
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] cpuAtStart = new long[2];
        long[] wallAtStart = new long[1];
        CompletableFuture<double[]> measured = new CompletableFuture<>();
        FrameClock clock = FrameClock.start("bench-clock", fps, (frameNumber, captureTimeMillis) -> {
          if (frameNumber == measureFrom) {
            cpuAtStart[0] = os.getProcessCpuTime();
            cpuAtStart[1] = childrenCpuNanos();
            wallAtStart[0] = System.nanoTime();
          }
          if (frameNumber == measureTo && !measured.isDone()) {
            double wall = System.nanoTime() - wallAtStart[0];
            measured.complete(new double[] {(os.getProcessCpuTime() - cpuAtStart[0]) / wall,
                (childrenCpuNanos() - cpuAtStart[1]) / wall, wall / 1e9});
            return;
          }
          if (frameNumber > measureTo) return;
          long started = System.nanoTime();
          VideoFrame frame = application.render(frameNumber, captureTimeMillis);
          if (frame == null) return;
          if (frameNumber >= measureFrom) captured.incrementAndGet();
          grabStarted.put(frameNumber, started);
          encoder.tell(new VideoEncoderActor.EncodeFrame(frame));
        });
        double[] cpu;
        long skipped;
        try {
          cpu = measured.get(options.warmupSeconds + options.seconds + 60L, TimeUnit.SECONDS);
          skipped = clock.skippedTicks();
        } finally {
          clock.close();
        }
        Thread.sleep(500); // the last frames out of the encoder
        VideoEncoderActor.Stats stats = AskPattern.ask(encoder, VideoEncoderActor.GetStats::new, Duration.ofSeconds(5),
            system.scheduler()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        long[] latencyNanos = latencies.stream().mapToLong(Long::longValue).toArray();
        Result result = new Result(width, height, captured.get(), encoded.get(), stats.dropped(), skipped, latencyNanos,
            cpu[0], cpu[1], bytes.get(), cpu[2]);
        System.out.println("  " + result.describe(fps) + "; " + packets.get() + " RTP packets in all");
        return result;
      } finally {
        application.close();
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** CPU time of this process's children (Xvfb, the program, its sound server), in nanoseconds. */
  private static long childrenCpuNanos() {
    return ProcessHandle.current().descendants()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
        .sum();
  }
}
