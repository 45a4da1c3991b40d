package org.streamstack.cluster.bench;

import java.util.Arrays;

/** Entry point of {@code streamstack bench}: one benchmark per subcommand. */
public final class Benchmarks {

  static final String USAGE = """
      usage: streamstack bench <benchmark> [flags]

        sessions   session creates per second and their latency (see: bench sessions --help)
        relay      signalling frames relayed per second between two members, and their latency
                   (see: bench relay --help)
        memory     heap held per idle session (see: bench memory --help)
        cluster    session creates per second and p99 on one, two and three members with a
                   PostgreSQL journal (see: bench cluster --help; run by ./streamstack, on the
                   test class path)
        encoder    the media node's video encoders, bare and in their pipeline (bench encoder --help)
        peer       the media node's WebRTC setup, answer to first RTP packet (bench peer --help)
        x11        an X11 instance at 720p30 and 1080p30: capture-to-packet latency, CPU per stream (bench x11 --help)
        first-frame  the whole stack: POST /1.0/sessions to the first frame in Chromium, and glass
                     to glass ([--sessions 20] [--warmup 2])
        streams    the whole stack: concurrent 720p30 H.264 streams one media node sustains
                   ([--count 12] [--seconds 20])
        viewers    the whole stack: viewers of one 720p30 instance (its owner and a view share's
                   peers) one media node serves from one encode ([--viewers N] [--max 64] [--seconds 10])

        Set STREAMSTACK_LOG_LEVEL=WARN to keep the log quiet while measuring.
      """;

  private Benchmarks() {}

  public static int run(String[] args) throws Exception {
    if (args.length == 0 || isHelp(args[0])) {
      System.out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "sessions" -> SessionCreateBench.run(rest);
      case "relay" -> SignalingRelayBench.run(rest);
      case "memory" -> IdleSessionMemoryBench.run(rest);
      default -> {
        System.err.println("unknown benchmark '" + args[0] + "'");
        System.err.print(USAGE);
        yield 2;
      }
    };
  }

  static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }
}
