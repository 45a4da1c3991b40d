package org.streamstack.media.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.gpu.EncoderSelection;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.instance.SyntheticInstance;
import org.streamstack.media.peer.PeerResources;
import org.streamstack.media.srtp.SrtpSession;

/**
 * One media node: the UDP port its peers share, its DTLS certificate, its encoders, and the
 * instances it runs. Everything slow to start (FFmpeg's natives, OpenSSL for SRTP, the GPU probe)
 * happens here once, so that no session waits for it.
 */
public final class MediaNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaNode.class);

  private final ActorSystem<Void> system;
  private final MediaNodeSettings settings;
  private final IceUdpPort udpPort;
  private final PeerResources resources;
  private final EncoderSelection encoders;
  private final Config config;

  private MediaNode(ActorSystem<Void> system, Config config, MediaNodeSettings settings, IceUdpPort udpPort,
      PeerResources resources, EncoderSelection encoders) {
    this.system = system;
    this.config = config;
    this.settings = settings;
    this.udpPort = udpPort;
    this.resources = resources;
    this.encoders = encoders;
  }

  public static MediaNode start(Config overrides) {
    Config config = overrides.withFallback(ConfigFactory.load()).resolve();
    MediaNodeSettings settings = MediaNodeSettings.from(config);
    long started = System.nanoTime();
    FfmpegRuntime.load();
    SrtpSession.warmUp();
    EncoderSelection encoders = EncoderSelection.probing(settings.encoder().preference());
    IceUdpPort udpPort;
    try {
      udpPort = IceUdpPort.open(settings.udpPort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the media UDP port " + settings.udpPort().port(), e);
    }
    PeerResources resources = new PeerResources(udpPort, settings.ice(), settings.turn(), DtlsCertificate.generate(),
        DtlsSettings.defaults(), settings.packetHistorySize(), settings.simulatedOutgoingLoss());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "media-node", config);
    log.info("Media node ready in {} ms: UDP port {} on {}, GPU: {}", (System.nanoTime() - started) / 1_000_000,
        udpPort.port(), udpPort.localAddresses(), encoders.gpus().available() ? encoders.gpus().devices() : "none");
    return new MediaNode(system, config, settings, udpPort, resources, encoders);
  }

  /** Runs the synthetic application as an instance whose signalling goes through {@code socketUrl}. */
  public ActorRef<SyntheticInstance.Command> startSyntheticInstance(String instanceId, String socketUrl) {
    Config app = config.getConfig("streamstack.media.app");
    return startSyntheticInstance(instanceId, socketUrl, app.getInt("width"), app.getInt("height"), app.getInt("fps"));
  }

  public ActorRef<SyntheticInstance.Command> startSyntheticInstance(String instanceId, String socketUrl, int width,
      int height, int fps) {
    SyntheticInstance.Setup setup = new SyntheticInstance.Setup(instanceId, socketUrl, width, height, fps, resources,
        settings.encoder(), encoders);
    return system.systemActorOf(SyntheticInstance.create(setup), "instance-" + instanceId, Props.empty());
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

  public void close(Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Media node did not stop within {}", timeout);
    }
    udpPort.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
