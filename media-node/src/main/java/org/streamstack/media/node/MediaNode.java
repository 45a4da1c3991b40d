package org.streamstack.media.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.gpu.EncoderSelection;
import org.streamstack.media.gpu.RenderNode;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.media.instance.InstanceSpec;
import org.streamstack.media.metrics.MediaMetrics;
import org.streamstack.media.metrics.MetricsEndpoint;
import org.streamstack.media.peer.PeerResources;
import org.streamstack.media.srtp.SrtpSession;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsSettings;
import org.streamstack.protocol.nats.NodeHeartbeat;

/**
 * One media node: the UDP port its peers share, its DTLS certificate, its encoders, the instances
 * it runs and, when a NATS URL is configured, its {@link NodeAgent} on the bus. Everything slow to
 * start (FFmpeg's natives, OpenSSL for SRTP, the GPU probe) happens here once, so that no session
 * waits for it.
 *
 * <p>Closing the node (or the actor system's coordinated shutdown, on SIGTERM) first drains the
 * agent: its instances stop and are reported ended before the bus connection closes.
 */
public final class MediaNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaNode.class);
  private static final String SHUTTING_DOWN = "the media node is shutting down";

  private final ActorSystem<Void> system;
  private final MediaNodeSettings settings;
  private final IceUdpPort udpPort;
  private final PeerResources resources;
  private final EncoderSelection encoders;
  private final Map<EncoderPreference, EncoderSelection> encodersByPreference;
  private final Screen defaultScreen;
  private final String nodeId;
  private final ActorRef<NodeAgent.Command> agent;
  private MetricsEndpoint metricsEndpoint;

  private MediaNode(ActorSystem<Void> system, MediaNodeSettings settings, IceUdpPort udpPort, PeerResources resources,
      EncoderSelection encoders, Screen defaultScreen, String nodeId) {
    this.system = system;
    this.settings = settings;
    this.udpPort = udpPort;
    this.resources = resources;
    this.encoders = encoders;
    this.defaultScreen = defaultScreen;
    this.nodeId = nodeId;
    this.encodersByPreference = new EnumMap<>(EncoderPreference.class);
    for (EncoderPreference preference : EncoderPreference.values()) {
      encodersByPreference.put(preference, preference == encoders.preference()
          ? encoders : encoders.withPreference(preference));
    }
    this.agent = settings.node().natsEnabled() ? startAgent() : null;
  }

  public static MediaNode start(Config overrides) {
    Config config = overrides.withFallback(ConfigFactory.load()).resolve();
    MediaNodeSettings settings = MediaNodeSettings.from(config);
    long started = System.nanoTime();
    FfmpegRuntime.load();
    SrtpSession.warmUp();
    EncoderSelection encoders = EncoderSelection.probing(settings.encoder().preference(),
        RenderNode.Roots.fromConfig(config));
    IceUdpPort udpPort;
    try {
      udpPort = IceUdpPort.open(settings.udpPort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the media UDP port " + settings.udpPort().port(), e);
    }
    ActorSystem<Void> system = null;
    MediaNode node;
    try {
      PeerResources resources = new PeerResources(udpPort, settings.ice(), settings.turn(), DtlsCertificate.generate(),
          DtlsSettings.defaults(), settings.packetHistorySize(), settings.simulatedOutgoingLoss());
      // Leaving the bus happens in the phase before the service unbinds: give it its own time.
      Duration leaveTime = settings.node().drainTimeout().plusSeconds(3);
      Config systemConfig = ConfigFactory.parseString("pekko.coordinated-shutdown.phases.before-service-unbind.timeout = "
          + leaveTime.toMillis() + "ms").withFallback(config);
      system = ActorSystem.create(Behaviors.empty(), "media-node", systemConfig);
      Config app = config.getConfig("streamstack.media.app");
      Screen defaultScreen = new Screen(app.getInt("width"), app.getInt("height"), app.getInt("fps"), null);
      String nodeId = settings.node().nodeId(udpPort.port());
      node = new MediaNode(system, settings, udpPort, resources, encoders, defaultScreen, nodeId);
    } catch (RuntimeException e) {
      // A node that does not start (bad bus settings, say) leaves nothing behind: a caller that
      // fixes its settings and starts again gets the same port.
      if (system != null) system.terminate();
      udpPort.close();
      throw e;
    }
    node.metricsEndpoint = startMetrics(config.getInt(NodeSettings.PATH + ".metrics-port"), system);
    log.info("Media node {} ready in {} ms: UDP port {} on {}, GPU: {}", node.nodeId, (System.nanoTime() - started) / 1_000_000,
        udpPort.port(), udpPort.localAddresses(), encoders.gpus().available() ? encoders.gpus().devices() : "none");
    return node;
  }

  /**
   * GET /metrics on {@code port} (0: none). A port in use does not stop the node: it streams
   * without metrics, and says so.
   */
  private static MetricsEndpoint startMetrics(int port, ActorSystem<Void> system) {
    MediaMetrics metrics = MediaMetrics.get(system);
    if (port == 0) {
      log.info("No metrics endpoint: streamstack.media.node.metrics-port (STREAMSTACK_METRICS_PORT) is 0");
      return null;
    }
    try {
      return MetricsEndpoint.start(port, metrics);
    } catch (IOException e) {
      log.error("The metrics endpoint could not listen on port {} (streamstack.media.node.metrics-port, "
          + "STREAMSTACK_METRICS_PORT): {}; the node runs without it", port, e.toString());
      return null;
    }
  }

  /** The port GET /metrics listens on, or 0 when there is no metrics endpoint. */
  public int metricsPort() {
    return metricsEndpoint == null ? 0 : metricsEndpoint.port();
  }

  private ActorRef<NodeAgent.Command> startAgent() {
    NodeSettings node = settings.node();
    HostResources host = new HostResources();
    NodeHeartbeat.Capacity capacity = host.capacity(node.encoderSlots(), node.encoderSlotsPerCpu(),
        node.nvencSessionsPerGpu(), encoders.gpus(), encoders.renderNodes(), node.vaapiSessionsPerDevice(),
        encoders.preference());
    NatsSettings nats = node.nats(nodeId);
    Connection bus;
    try {
      bus = NatsConnector.connect(nats);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS", e);
    }
    NodeAgent.Setup setup = new NodeAgent.Setup(nodeId, node.region(), address(), bus, nats.redactedUrl(),
        node.heartbeatInterval(), node.drainTimeout(), capacity, host, defaultScreen,
        (spec, owner) -> withInstanceId(spec, InstanceRuntime.create(runtimeSetup(spec), owner)), InstantSource.system());
    ActorRef<NodeAgent.Command> ref = system.systemActorOf(NodeAgent.create(setup), "node-agent", Props.empty());
    Duration askTimeout = node.drainTimeout().plusSeconds(2);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "leave-the-bus",
        () -> AskPattern.<NodeAgent.Command, Done>ask(ref, replyTo -> new NodeAgent.Drain(SHUTTING_DOWN, replyTo),
            askTimeout, system.scheduler()));
    return ref;
  }

  /** The first host candidate address other than loopback, which no one elsewhere can reach. */
  private String address() {
    List<InetSocketAddress> addresses = udpPort.localAddresses();
    return addresses.stream().filter(a -> !a.getAddress().isLoopbackAddress()).findFirst()
        .or(() -> addresses.stream().findFirst())
        .map(a -> a.getAddress().getHostAddress())
        .orElse("");
  }

  /**
   * The encoders an instance gets: a node set to {@code cpu} never uses its GPUs; otherwise the
   * application's preference decides, and {@code auto} leaves it to the node's setting.
   */
  private EncoderSelection encodersFor(EncoderPreference application) {
    if (encoders.preference() == EncoderPreference.CPU || application == EncoderPreference.AUTO) return encoders;
    return encodersByPreference.get(application);
  }

  private InstanceRuntime.Setup runtimeSetup(InstanceSpec spec) {
    return new InstanceRuntime.Setup(spec, resources, settings.encoder(), encodersFor(spec.encoder()),
        InstanceRuntime.Setup.DEFAULT_XVFB, settings.maxSharePeers());
  }

  /**
   * Runs the synthetic application as an instance whose signalling goes through {@code socketUrl},
   * outside the bus (manual mode: {@code --instance-socket}), at the configured screen.
   */
  public ActorRef<InstanceRuntime.Command> startSyntheticInstance(String instanceId, String socketUrl) {
    return startSyntheticInstance(instanceId, socketUrl, defaultScreen.width(), defaultScreen.height(),
        defaultScreen.fps());
  }

  public ActorRef<InstanceRuntime.Command> startSyntheticInstance(String instanceId, String socketUrl, int width,
      int height, int fps) {
    InstanceSpec spec = InstanceSpec.manual(instanceId, socketUrl, width, height, fps);
    return system.systemActorOf(withInstanceId(spec, InstanceRuntime.create(runtimeSetup(spec), system.ignoreRef())),
        "instance-" + instanceId, InstanceRuntime.props(spec));
  }

  /** Starts an instance as AMS would launch it; its owner hears its events. */
  public ActorRef<InstanceRuntime.Command> startInstance(InstanceSpec spec, ActorRef<InstanceRuntime.Event> owner) {
    return system.systemActorOf(withInstanceId(spec, InstanceRuntime.create(runtimeSetup(spec), owner)),
        "instance-" + spec.instanceId(), InstanceRuntime.props(spec));
  }

  /** Every log line of the instance's runtime carries its instance id (JSON logs: a field). */
  private static Behavior<InstanceRuntime.Command> withInstanceId(InstanceSpec spec,
      Behavior<InstanceRuntime.Command> runtime) {
    return Behaviors.withMdc(InstanceRuntime.Command.class, Map.of("instanceId", spec.instanceId()), runtime);
  }

  /** This node's name on the bus (also when it has no bus). */
  public String nodeId() {
    return nodeId;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** What every peer of this node shares; for peers run without an instance (the setup benchmark). */
  public PeerResources peerResources() {
    return resources;
  }

  public EncoderSelection encoderSelection() {
    return encoders;
  }

  public MediaNodeSettings settings() {
    return settings;
  }

  /** The UDP port every peer of this node uses. */
  public int udpPort() {
    return udpPort.port();
  }

  /** Stops the instances (reported on the bus), leaves the bus, stops the actor system and closes the port. */
  public void close(Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Media node did not stop within {}", timeout);
    }
    if (metricsEndpoint != null) metricsEndpoint.close();
    udpPort.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
