package org.streamstack.media.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code streamstack media-node}: one media node, optionally running one synthetic instance. */
public final class MediaNodeMain {

  static final String USAGE = """
      usage: streamstack media-node [flags]

        --instance-socket URL   run the synthetic application as an instance whose signalling goes
                                through this instance websocket of the gateway (from the admin
                                interface: POST /admin/v1/sessions/{id}/instance-socket)
        --instance-id ID        name of that instance (default: synthetic)
        --udp-port N            the UDP port all peers share (default 10000; STREAMSTACK_MEDIA_UDP_PORT)
        --bind LIST             comma-separated addresses for host candidates (default: every
                                IPv4 address of every interface that is up)
        --stun LIST             comma-separated STUN servers host:port for a server-reflexive candidate
        --turn LIST             comma-separated TURN servers host:port for relayed candidates
                                (credentials: STREAMSTACK_TURN_SECRET, coturn's static-auth-secret)
        --size WxH              picture size of the synthetic application (default 1280x720)
        --fps N                 its frame rate (default 30)
        --encoder auto|gpu|cpu  encoder preference (default auto; STREAMSTACK_ENCODER)
      """;

  private MediaNodeMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    Config flags = ConfigFactory.empty();
    String socket = null;
    String instanceId = "synthetic";
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        String value = args[++i];
        switch (flag) {
          case "--instance-socket" -> socket = value;
          case "--instance-id" -> instanceId = value;
          case "--udp-port" -> flags = set(flags, "streamstack.media.ice.udp-port", Integer.parseInt(value));
          case "--bind" -> flags = set(flags, "streamstack.media.ice.bind-addresses", List.of(value.split(",")));
          case "--stun" -> flags = set(flags, "streamstack.media.ice.stun-servers", List.of(value.split(",")));
          case "--turn" -> flags = set(flags, "streamstack.media.ice.turn-servers", List.of(value.split(",")));
          case "--fps" -> flags = set(flags, "streamstack.media.app.fps", Integer.parseInt(value));
          case "--encoder" -> flags = set(flags, "streamstack.media.encoder.preference", value);
          case "--size" -> {
            String[] size = value.split("x");
            if (size.length != 2) throw new IllegalArgumentException("--size is WxH, not " + value);
            flags = set(flags, "streamstack.media.app.width", Integer.parseInt(size[0]));
            flags = set(flags, "streamstack.media.app.height", Integer.parseInt(size[1]));
          }
          default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
        }
      }
    } catch (NumberFormatException e) {
      System.err.println("streamstack media-node: a number was expected: " + e.getMessage());
      System.exit(2);
    } catch (IllegalArgumentException e) {
      System.err.println("streamstack media-node: " + e.getMessage());
      System.exit(2);
    }
    MediaNode node = MediaNode.start(flags);
    if (socket != null) node.startSyntheticInstance(instanceId, socket);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(node::close));
    node.system().getWhenTerminated().thenRun(stopped::countDown);
    stopped.await();
  }

  private static Config set(Config config, String path, Object value) {
    return config.withValue(path, ConfigValueFactory.fromAnyRef(value));
  }
}
