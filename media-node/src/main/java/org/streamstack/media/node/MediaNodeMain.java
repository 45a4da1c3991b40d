package org.streamstack.media.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code streamstack media-node}: one media node on the bus (AMS launches its instances), and
 * optionally one synthetic instance started by hand on an instance socket.
 */
public final class MediaNodeMain {

  static final String USAGE = """
      usage: streamstack media-node [flags]

        --nats URL              the NATS server AMS reaches this node through (default
                                nats://127.0.0.1:4222; STREAMSTACK_NATS_URL; credentials:
                                STREAMSTACK_NATS_TOKEN, or STREAMSTACK_NATS_USER and
                                STREAMSTACK_NATS_PASSWORD); "" runs without the bus
        --region NAME           the region whose AMS places instances here (default local;
                                STREAMSTACK_REGION)
        --node-id ID            this node's name on the bus, letters, digits, - and _ (default:
                                host name-UDP port; STREAMSTACK_NODE_ID)
        --encoder-slots N       instances this node takes (default 0: NVENC sessions of its GPUs,
                                8 per VA-API render node, plus 6 per CPU; STREAMSTACK_ENCODER_SLOTS)
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
        --encoder auto|gpu|cpu  encoder preference: NVENC, else VA-API, else the CPU (default auto;
                                STREAMSTACK_ENCODER)
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
          case "--nats" -> flags = set(flags, "streamstack.media.node.nats-url", value);
          case "--region" -> flags = set(flags, "streamstack.media.node.region", value);
          case "--node-id" -> flags = set(flags, "streamstack.media.node.id", value);
          case "--encoder-slots" -> flags = set(flags, "streamstack.media.node.encoder-slots", Integer.parseInt(value));
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
    MediaNode node;
    try {
      node = MediaNode.start(flags);
    } catch (IllegalArgumentException | com.typesafe.config.ConfigException e) {
      System.err.println("streamstack media-node: " + e.getMessage());
      System.exit(2);
      return;
    }
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
