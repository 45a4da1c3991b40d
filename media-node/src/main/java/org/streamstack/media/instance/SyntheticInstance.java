package org.streamstack.media.instance;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.streamstack.media.app.FrameClock;
import org.streamstack.media.audio.AudioClock;
import org.streamstack.media.audio.AudioEncoderActor;
import org.streamstack.media.audio.OpusEncoder;
import org.streamstack.media.audio.ToneGenerator;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderSettings;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.gpu.EncoderSelection;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.AudioSource;
import org.streamstack.media.peer.PeerResources;
import org.streamstack.media.peer.VideoSource;
import org.streamstack.media.signaling.SignalingLink;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessages;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * An instance running the built-in synthetic application, bound to one signalling socket of the
 * gateway. It answers the client's discover, offers once it has the client's settings (a new
 * client replaces the connected one), and feeds its frames to an encoder per codec while a peer
 * uses that codec.
 */
public final class SyntheticInstance extends AbstractBehavior<SyntheticInstance.Command> {

  public sealed interface Command {}

  /** A frame from the gateway's signalling socket. */
  public record FrameFromClient(String text) implements Command {}

  /** The peer of the connected client, if any. */
  public record GetPeer(ActorRef<Optional<ActorRef<Peer.Command>>> replyTo) implements Command {}

  public record Stop() implements Command {}

  private record FromPeer(Peer.Event event) implements Command {}

  /** Where and how this instance runs. */
  public record Setup(String instanceId, String socketUrl, int width, int height, int fps,
      PeerResources resources, EncoderSettings encoderSettings, EncoderSelection encoders) {}

  private final Setup setup;
  private final SignalingLink signaling;
  private final SyntheticApplication application;
  private final Map<VideoCodec, ActorRef<VideoEncoderActor.Command>> encoders = new EnumMap<>(VideoCodec.class);
  private final Map<VideoCodec, AtomicInteger> users = new EnumMap<>(VideoCodec.class);
  private final FrameClock clock;
  private final ToneGenerator tone = new ToneGenerator();
  private final ActorRef<AudioEncoderActor.Command> audioEncoder;
  private final AtomicInteger listeners = new AtomicInteger();
  private final AudioClock audioClock;
  private final ActorRef<Peer.Event> peerEvents;
  private ActorRef<Peer.Command> peer;
  private String peerId;
  private int peersStarted;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> new SyntheticInstance(context, setup));
  }

  private SyntheticInstance(ActorContext<Command> context, Setup setup) {
    super(context);
    this.setup = setup;
    this.application = new SyntheticApplication(setup.width(), setup.height());
    BitrateLimits limits = BitrateLimits.forVideo(setup.width(), setup.height(), setup.fps());
    for (VideoCodec codec : VideoCodec.values()) {
      var encoder = setup.encoders().open(codec,
          setup.encoderSettings().config(setup.width(), setup.height(), setup.fps(), limits.minBitsPerSecond()));
      encoders.put(codec, context.spawn(VideoEncoderActor.create(encoder, limits), "encoder-" + codec.name().toLowerCase()));
      users.put(codec, new AtomicInteger());
    }
    this.audioEncoder = context.spawn(AudioEncoderActor.create(new OpusEncoder()), "encoder-opus");
    this.peerEvents = context.messageAdapter(Peer.Event.class, FromPeer::new);
    ActorRef<Command> self = context.getSelf();
    this.signaling = new SignalingLink(context.getSystem(), setup.socketUrl(), text -> self.tell(new FrameFromClient(text)));
    this.signaling.connect().whenComplete((done, failure) -> {
      if (failure != null) context.getLog().warn("Instance {}: {}", setup.instanceId(), failure.getMessage());
    });
    this.clock = FrameClock.start("app-" + setup.instanceId(), setup.fps(), this::onTick);
    this.audioClock = AudioClock.start("app-audio-" + setup.instanceId(), this::onAudioTick);
    context.getLog().info("Instance {}: synthetic application {}x{} at {} fps", setup.instanceId(), setup.width(),
        setup.height(), setup.fps());
  }

  /** On the frame clock's thread: renders one frame and hands it to the encoders in use. */
  private void onTick(long frameNumber, long captureTimeMillis) {
    VideoFrame frame = null;
    for (Map.Entry<VideoCodec, AtomicInteger> use : users.entrySet()) {
      if (use.getValue().get() == 0) continue;
      if (frame == null) frame = application.render(frameNumber, captureTimeMillis);
      encoders.get(use.getKey()).tell(new VideoEncoderActor.EncodeFrame(frame));
    }
  }

  /** On the audio clock's thread: the application's 440 Hz tone, 20 ms at a time, while someone listens. */
  private void onAudioTick(long frameNumber, long captureTimeMillis) {
    if (listeners.get() == 0) return;
    audioEncoder.tell(new AudioEncoderActor.EncodeFrame(tone.next(frameNumber, captureTimeMillis)));
  }

  private final AudioSource audio = new AudioSource() {
    @Override
    public ActorRef<AudioEncoderActor.Command> encoder() {
      listeners.incrementAndGet();
      return audioEncoder;
    }

    @Override
    public void release() {
      listeners.updateAndGet(n -> Math.max(0, n - 1));
    }
  };

  private final VideoSource video = new VideoSource() {
    @Override
    public int width() {
      return setup.width();
    }

    @Override
    public int height() {
      return setup.height();
    }

    @Override
    public int fps() {
      return setup.fps();
    }

    @Override
    public ActorRef<VideoEncoderActor.Command> encoderFor(VideoCodec codec) {
      users.get(codec).incrementAndGet();
      return encoders.get(codec);
    }

    @Override
    public void release(VideoCodec codec) {
      users.get(codec).updateAndGet(n -> Math.max(0, n - 1));
    }
  };

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FrameFromClient.class, this::onFrame)
        .onMessage(FromPeer.class, this::onPeerEvent)
        .onMessage(GetPeer.class, query -> {
          query.replyTo().tell(Optional.ofNullable(peer));
          return this;
        })
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onFrame(FrameFromClient frame) {
    SignalingMessage message;
    try {
      message = SignalingMessage.readFromClient(frame.text());
    } catch (SignalingMessage.MalformedMessageException e) {
      getContext().getLog().info("Instance {}: unreadable signalling frame: {}", setup.instanceId(), e.getMessage());
      signaling.send(SignalingMessage.error(e.getMessage()));
      return this;
    }
    if (message instanceof SignalingMessage.Discover) {
      signaling.send(SignalingMessage.discoverResponse(java.util.List.of("video", "audio"), setup.fps()));
    } else if (message instanceof SignalingMessage.Settings settings) {
      startPeer(settings);
    } else if (message instanceof SignalingMessage.Answer answer) {
      if (peer != null) peer.tell(new Peer.ApplyAnswer(answer.sdp()));
    } else if (message instanceof SignalingMessage.Candidate candidate) {
      if (peer != null) peer.tell(new Peer.AddRemoteCandidate(candidate.candidate()));
    } else if (message instanceof SignalingMessage.Error error) {
      getContext().getLog().info("Instance {}: the client reports an error: {}", setup.instanceId(), error.message());
    }
    return this;
  }

  private void startPeer(SignalingMessage.Settings settings) {
    if (peer != null) {
      getContext().getLog().info("Instance {}: a new client replaces peer {}", setup.instanceId(), peerId);
      peer.tell(new Peer.Stop("replaced by a new client"));
    }
    peersStarted++;
    peerId = setup.instanceId() + "-" + peersStarted;
    peer = getContext().spawn(
        Peer.create(peerId, setup.resources(), settings, video, audio, signaling::send, peerEvents),
        "peer-" + peersStarted);
  }

  /**
   * What the synthetic application does with its client: input moves its cursor and changes its
   * colours; out-of-band messages and named-channel data are echoed back unchanged, so that a
   * client can measure the round trip through the application.
   */
  private Behavior<Command> onPeerEvent(FromPeer event) {
    Peer.Event peerEvent = event.event();
    if (peerEvent instanceof Peer.Ended ended) {
      if (ended.peerId().equals(peerId)) {
        peer = null;
        peerId = null;
      }
    } else if (peerEvent instanceof Peer.ControlFromClient control && control.peerId().equals(peerId)) {
      if (control.message() instanceof ControlMessage.OutOfBand outOfBand) {
        String data = outOfBand.data() == null ? "null" : outOfBand.data();
        peer.tell(new Peer.SendControl(ControlMessages.toClient(outOfBand.type(), data)));
      } else {
        application.apply(control.message());
      }
    } else if (peerEvent instanceof Peer.ChannelMessage message && message.peerId().equals(peerId)) {
      peer.tell(new Peer.SendOnChannel(message.label(), message.data(), message.text()));
    } else if (peerEvent instanceof Peer.ClientLeft left) {
      getContext().getLog().info("Instance {}: client of peer {} left: {}", setup.instanceId(), left.peerId(),
          left.reason());
    }
    return this;
  }

  private Behavior<Command> onPostStop() {
    clock.close();
    audioClock.close();
    signaling.close();
    return this;
  }
}
