package org.streamstack.media.instance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.streamstack.media.app.FrameSource;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.audio.AudioClock;
import org.streamstack.media.audio.AudioEncoderActor;
import org.streamstack.media.audio.AudioFrame;
import org.streamstack.media.audio.OpusEncoder;
import org.streamstack.media.audio.ToneGenerator;
import org.streamstack.media.encoder.EncoderSettings;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.gpu.EncoderSelection;
import org.streamstack.media.metrics.MediaMetrics;
import org.streamstack.media.peer.AudioSource;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerResources;
import org.streamstack.media.peer.VideoSource;
import org.streamstack.media.signaling.SignalingLink;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.media.sound.PulseAudioServer;
import org.streamstack.media.x11.ProgramMessageChannel;
import org.streamstack.media.x11.X11Application;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessages;
import org.streamstack.protocol.signaling.ScreenNotice;
import org.streamstack.protocol.signaling.SignalingFrame;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * One instance on this media node: its application (the built-in synthetic one, or an X11 program
 * on a display of its own, captured and driven through XTEST, its sound recorded from a PulseAudio
 * sink of its own) and, when it streams, its signalling socket to the gateway and the peer of its
 * connected client. It answers the client's discover, offers once it has the client's settings (a
 * new client replaces the connected one), and feeds its frames to the encoder of a codec while a
 * peer uses that codec. Encoders open on first use and close when the instance stops.
 *
 * <p>Shares (issue 6): besides its owner's client, the instance serves the peers of its session's
 * shares, on the same socket (their frames carry {@code "peer"}, and so does everything it sends
 * them; the gateway announces them with {@code gateway:peer-joined} and cuts them with {@code
 * gateway:peer-left}), each with a {@link Peer} of its own fed by the same encoders: a codec is
 * encoded once however many peers watch it. A {@code view} peer only watches: its input,
 * out-of-band and named-channel messages never reach the application (they are dropped and
 * counted), nor does what an X11 program says on its message socket reach it; a {@code control}
 * peer drives the application as the owner does and hears the program. At most {@link
 * Setup#maxSharePeers} share peers stream at a time; one more that sends its settings gets an
 * error. Only streaming peers count: the gateway does not say when a share peer's client simply
 * goes away (a page reload), so announced peers that no longer stream must not hold places.
 *
 * <p>It tells its owner what happens to it: {@link Started} once the application runs, {@link
 * ClientLeft} when its client goes away, {@link Ended} when stopped as asked, {@link Failed} when
 * it cannot go on. An X11 program's exit ends the instance: {@link Ended} when it exits with status
 * 0, {@link Failed} otherwise, the status in the reason. The gateway refusing its socket (4xx)
 * means its session is over or its credential is wrong: nothing could ever stream it again, so it
 * reports {@link Failed} and stops.
 */
public final class InstanceRuntime extends AbstractBehavior<InstanceRuntime.Command> {

  public sealed interface Command {}

  /** The peer of the connected client, if any. */
  public record GetPeer(ActorRef<Optional<ActorRef<Peer.Command>>> replyTo) implements Command {}

  /** The peers of the share peers that have sent their settings, by share peer id. */
  public record GetSharePeers(ActorRef<Map<String, ActorRef<Peer.Command>>> replyTo) implements Command {}

  /** Stops the instance; its owner hears {@link Ended} with this reason. */
  public record Stop(String reason) implements Command {}

  private record FrameFromClient(String text) implements Command {}

  private record FromPeer(Peer.Event event) implements Command {}

  private record SignalingRefused(int status) implements Command {}

  private record ProgramExited(int status) implements Command {}

  private record FromProgram(ControlMessage.OutOfBand message) implements Command {}

  /**
   * How many announced share peers are kept per place for a streaming one: enough that a peer
   * between its join and its settings is not forgotten, few enough that reloads cannot grow the map.
   */
  static final int KNOWN_SHARE_PEERS_PER_PLACE = 4;

  /** Why a program's message reached no client: nobody who may receive it was connected. */
  static final String NO_CLIENT = "no-client";

  /** What the instance tells its owner. */
  public sealed interface Event {
    String instanceId();
  }

  /** The application runs; when streaming, its signalling socket is connecting. */
  public record Started(String instanceId) implements Event {}

  /** The client of its stream went away (its peer says why); the instance keeps running. */
  public record ClientLeft(String instanceId, String reason) implements Event {}

  /** Stopped because it was asked to; the last event. */
  public record Ended(String instanceId, String reason) implements Event {}

  /** Could not start or cannot go on; the last event: the instance stops. */
  public record Failed(String instanceId, String reason) implements Event {}

  /**
   * What the instance runs and what it shares with the rest of the node.
   *
   * @param maxSharePeers how many share peers (besides the owner's client) it serves at once
   */
  public record Setup(InstanceSpec spec, PeerResources resources, EncoderSettings encoderSettings,
      EncoderSelection encoders, String xvfb, int maxSharePeers) {

    /** The X server of X11 instances: Xvfb from the PATH. */
    public static final String DEFAULT_XVFB = "Xvfb";

    public Setup {
      if (maxSharePeers < 0) throw new IllegalArgumentException("maxSharePeers " + maxSharePeers);
    }
  }

  /** A peer of one of the session's shares, from its {@code gateway:peer-joined} to its cut. */
  private static final class SharePeer {
    final String id;
    SignalingMessage.ShareRole role;
    /** Its Peer once it sent settings; null before, and after that Peer ended. */
    ActorRef<Peer.Command> peer;
    String peerId;

    SharePeer(String id, SignalingMessage.ShareRole role) {
      this.id = id;
      this.role = role;
    }
  }

  /** Changes when a join resizes the instance; read by peers' threads. */
  private volatile InstanceSpec spec;
  private final String id;
  private final Setup setup;
  private final ActorRef<Event> owner;
  private final SignalingLink signaling;
  /** Replaced when a resize makes a new one (the synthetic application); read by the frame clock's thread. */
  private volatile FrameSource application;
  private final Map<VideoCodec, ActorRef<VideoEncoderActor.Command>> encoders = new EnumMap<>(VideoCodec.class);
  private final Map<VideoCodec, OnDemandVideoEncoder> videoEncoders = new EnumMap<>(VideoCodec.class);
  private final Map<VideoCodec, AtomicInteger> users = new EnumMap<>(VideoCodec.class);
  private FrameClock clock;
  private final ToneGenerator tone = new ToneGenerator();
  private final ActorRef<AudioEncoderActor.Command> audioEncoder;
  private final AtomicInteger listeners = new AtomicInteger();
  private final AudioClock audioClock;
  private final ActorRef<Peer.Event> peerEvents;
  private ActorRef<Peer.Command> peer;
  private String peerId;
  private int peersStarted;
  private final MediaMetrics metrics;
  /**
   * By share peer id (the gateway's), in joining order. Peers whose client went away without a
   * {@code gateway:peer-left} stay here; past {@link #KNOWN_SHARE_PEERS_PER_PLACE} times the limit
   * the oldest of those that do not stream are forgotten.
   */
  private final Map<String, SharePeer> sharePeers = new LinkedHashMap<>();
  /** The same, by the id of their current {@link Peer}, whose events name it. */
  private final Map<String, SharePeer> sharePeersByPeerId = new HashMap<>();
  private int sharePeersStarted;

  /**
   * Where an instance runs: an X11 instance starts and stops Xvfb, its program and PulseAudio
   * inside the actor (seconds in the worst case), so it gets the blocking-I/O dispatcher and never
   * holds up the threads that carry heartbeats, requests and peers.
   */
  public static org.apache.pekko.actor.typed.Props props(InstanceSpec spec) {
    return spec.x11() ? org.apache.pekko.actor.typed.DispatcherSelector.blocking()
        : org.apache.pekko.actor.typed.Props.empty();
  }

  /** @param owner hears this instance's {@link Event}s */
  public static Behavior<Command> create(Setup setup, ActorRef<Event> owner) {
    return Behaviors.setup(context -> {
      if (setup.spec().streaming()) {
        try {
          setup.encoders().requireGpu();
        } catch (IllegalStateException e) {
          context.getLog().error("Instance {} could not start: {}", setup.spec().instanceId(), e.getMessage());
          owner.tell(new Failed(setup.spec().instanceId(), "the instance could not start: " + e.getMessage()));
          return Behaviors.stopped();
        }
      }
      FrameSource application = null;
      try {
        ActorRef<Command> self = context.getSelf();
        MediaMetrics metrics = MediaMetrics.get(context.getSystem());
        application = startApplication(setup.spec(), setup.xvfb(), new ProgramMessageChannel.Listener() {
          @Override
          public void fromProgram(ControlMessage.OutOfBand message) {
            self.tell(new FromProgram(message));
          }

          @Override
          public void dropped(String reason) {
            metrics.programMessageDropped(reason);
          }
        });
        return new InstanceRuntime(context, setup, owner, application);
      } catch (RuntimeException e) {
        // Nothing may outlive an instance that did not start: not its program, not its display.
        if (application != null) application.close();
        String id = setup.spec().instanceId();
        if (e instanceof UncheckedIOException) {
          // A program or display that cannot start is the operator's to fix, not a bug: no stack trace.
          context.getLog().error("Instance {} could not start: {}", id, e.getMessage());
        } else {
          context.getLog().error("Instance {} could not start: {}", id, e.getMessage(), e);
        }
        owner.tell(new Failed(id, "the instance could not start: " + e.getMessage()));
        return Behaviors.stopped();
      }
    });
  }

  private InstanceRuntime(ActorContext<Command> context, Setup setup, ActorRef<Event> owner, FrameSource application) {
    super(context);
    this.setup = setup;
    this.spec = setup.spec();
    this.id = spec.instanceId();
    this.owner = owner;
    this.application = application;
    this.metrics = MediaMetrics.get(context.getSystem());
    if (application instanceof X11Application x11) {
      ActorRef<Command> self = context.getSelf();
      x11.exited().thenAccept(status -> self.tell(new ProgramExited(status)));
    }
    this.peerEvents = context.messageAdapter(Peer.Event.class, FromPeer::new);
    if (!spec.streaming()) {
      // Nobody can connect: no encoders, no clocks; the application draws only for an encoder.
      this.signaling = null;
      this.audioEncoder = null;
      this.clock = null;
      this.audioClock = null;
      context.getLog().info("Instance {}: {} {}x{} at {} fps, not streaming (no instance socket)",
          id, describe(spec), spec.width(), spec.height(), spec.fps());
      owner.tell(new Started(id));
      return;
    }
    BitrateLimits limits = BitrateLimits.forVideo(spec.width(), spec.height(), spec.fps());
    for (VideoCodec codec : spec.videoCodecs()) {
      OnDemandVideoEncoder encoder = new OnDemandVideoEncoder(id, codec,
          setup.encoders().select(codec).ffmpegName(), limits.minBitsPerSecond(), spec.fps(),
          (bitrate, width, height, fps) -> setup.encoders().open(codec,
              setup.encoderSettings().config(width, height, fps, bitrate)));
      videoEncoders.put(codec, encoder);
      encoders.put(codec, context.spawn(VideoEncoderActor.create(encoder, limits),
          "encoder-" + codec.name().toLowerCase(Locale.ROOT)));
      users.put(codec, new AtomicInteger());
    }
    this.audioEncoder = context.spawn(AudioEncoderActor.create(new OpusEncoder()), "encoder-opus");
    ActorRef<Command> self = context.getSelf();
    this.signaling = new SignalingLink(context.getSystem(), spec.socketUrl(), text -> self.tell(new FrameFromClient(text)));
    this.signaling.whenRefused().thenAccept(status -> self.tell(new SignalingRefused(status)));
    this.signaling.connect().whenComplete((done, failure) -> {
      if (failure != null) context.getLog().warn("Instance {}: {}", id, failure.getMessage());
    });
    this.clock = FrameClock.start("app-" + id, spec.fps(), this::onTick);
    this.audioClock = AudioClock.start("app-audio-" + id, this::onAudioTick);
    context.getLog().info("Instance {}: {} {}x{} at {} fps, sent in {}{}", id, describe(spec), spec.width(),
        spec.height(), spec.fps(), spec.videoCodecs(), spec.sessionId() == null ? "" : ", for session " + spec.sessionId());
    owner.tell(new Started(id));
  }

  private static FrameSource startApplication(InstanceSpec spec, String xvfb,
      ProgramMessageChannel.Listener fromProgram) {
    if (!spec.x11()) return new SyntheticApplication(spec.width(), spec.height());
    try {
      return X11Application.start(spec.instanceId(), spec.program(), xvfb, PulseAudioServer.DEFAULT_BINARY,
          spec.width(), spec.height(), spec.streaming(), fromProgram);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static String describe(InstanceSpec spec) {
    return spec.x11() ? "X11 program " + spec.program().command() : "synthetic application";
  }

  /** On the frame clock's thread: renders (or grabs) one frame and hands it to the encoders in use. */
  private void onTick(long frameNumber, long captureTimeMillis) {
    VideoFrame frame = null;
    for (Map.Entry<VideoCodec, AtomicInteger> use : users.entrySet()) {
      if (use.getValue().get() == 0) continue;
      if (frame == null) frame = application.render(frameNumber, captureTimeMillis);
      if (frame == null) return;
      encoders.get(use.getKey()).tell(new VideoEncoderActor.EncodeFrame(frame));
    }
  }

  /**
   * On the audio clock's thread: 20 ms of the application's sound (the synthetic one's 440 Hz tone,
   * an X11 program's captured sound) to the encoder while someone listens. An X11 program's capture
   * is taken on every tick, listened to or not, so that no old sound waits for the next listener.
   */
  private void onAudioTick(long frameNumber, long captureTimeMillis) {
    if (application instanceof X11Application x11) {
      // Drained on every tick while recorded; a silence frame is only made for a listener.
      if (listeners.get() == 0 && x11.soundCapture().isEmpty()) return;
      AudioFrame sound = x11.sound(frameNumber, captureTimeMillis);
      if (listeners.get() > 0) audioEncoder.tell(new AudioEncoderActor.EncodeFrame(sound));
      return;
    }
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

  /** Called from the peer's thread: only the atomic counters change here. */
  private final VideoSource video = new VideoSource() {
    @Override
    public int width() {
      return spec.width();
    }

    @Override
    public int height() {
      return spec.height();
    }

    @Override
    public int fps() {
      return spec.fps();
    }

    @Override
    public List<VideoCodec> codecs() {
      return spec.videoCodecs();
    }

    @Override
    public ActorRef<VideoEncoderActor.Command> encoderFor(VideoCodec codec) {
      ActorRef<VideoEncoderActor.Command> encoder = encoders.get(codec);
      // The offer holds only the instance's codecs, and an answer can only pick one of those.
      if (encoder == null) throw new IllegalArgumentException("instance " + id + " is not sent in " + codec);
      users.get(codec).incrementAndGet();
      return encoder;
    }

    @Override
    public void release(VideoCodec codec) {
      AtomicInteger count = users.get(codec);
      if (count != null) count.updateAndGet(n -> Math.max(0, n - 1));
    }
  };

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FrameFromClient.class, this::onFrame)
        .onMessage(FromPeer.class, this::onPeerEvent)
        .onMessage(GetPeer.class, this::onGetPeer)
        .onMessage(GetSharePeers.class, this::onGetSharePeers)
        .onMessage(Stop.class, this::onStop)
        .onMessage(SignalingRefused.class, this::onSignalingRefused)
        .onMessage(ProgramExited.class, this::onProgramExited)
        .onMessage(FromProgram.class, this::onFromProgram)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onFrame(FrameFromClient frame) {
    SignalingMessage.Received received;
    try {
      received = SignalingMessage.readFromGateway(frame.text());
    } catch (SignalingMessage.MalformedMessageException e) {
      getContext().getLog().info("Instance {}: unreadable signalling frame{}: {}", id,
          e.peer() == null ? "" : " of share peer " + e.peer(), e.getMessage());
      if (e.peer() == null) {
        signaling.send(SignalingMessage.error(e.getMessage()));
      } else if (sharePeers.containsKey(e.peer())) {
        signaling.send(SignalingFrame.withPeer(SignalingMessage.error(e.getMessage()), e.peer()));
      }
      return this;
    }
    SignalingMessage message = received.message();
    if (message instanceof SignalingMessage.PeerJoined joined) {
      onPeerJoined(joined);
    } else if (message instanceof SignalingMessage.PeerLeft left) {
      onPeerLeft(left);
    } else if (received.peer() == null) {
      onOwnerFrame(message, frame.text());
    } else {
      onShareFrame(received.peer(), message);
    }
    return this;
  }

  /**
   * The owner's client: PROTOCOL.md 4 as before shares existed; also the gateway's untagged
   * notices, such as a resized screen ({@code text} is the frame as received).
   */
  private void onOwnerFrame(SignalingMessage message, String text) {
    if (message instanceof SignalingMessage.Discover) {
      signaling.send(SignalingMessage.discoverResponse(List.of("video", "audio"), spec.fps()));
    } else if (message instanceof SignalingMessage.Settings settings) {
      startPeer(settings);
    } else if (message instanceof SignalingMessage.Answer answer) {
      if (peer != null) peer.tell(new Peer.ApplyAnswer(answer.sdp()));
    } else if (message instanceof SignalingMessage.Candidate candidate) {
      if (peer != null) peer.tell(new Peer.AddRemoteCandidate(candidate.candidate()));
    } else if (message instanceof SignalingMessage.Other other && ScreenNotice.TYPE.equals(other.type())) {
      onScreenNotice(text);
    } else if (message instanceof SignalingMessage.Error error) {
      getContext().getLog().info("Instance {}: the client reports an error: {}", id, error.message());
    }
  }

  private void onPeerJoined(SignalingMessage.PeerJoined joined) {
    SharePeer known = sharePeers.get(joined.peer());
    if (known != null) {
      known.role = joined.role();
      getContext().getLog().info("Instance {}: share peer {} joined again, as {}", id, joined.peer(),
          joined.role().wireName());
      return;
    }
    sharePeers.put(joined.peer(), new SharePeer(joined.peer(), joined.role()));
    forgetOldestIdleSharePeers();
    getContext().getLog().info("Instance {}: share peer {} joined ({}; {} share peers known)", id, joined.peer(),
        joined.role().wireName(), sharePeers.size());
  }

  /** Keeps the announced peers bounded: drops the oldest that do not stream, past the bound. */
  private void forgetOldestIdleSharePeers() {
    long bound = (long) KNOWN_SHARE_PEERS_PER_PLACE * Math.max(1, setup.maxSharePeers());
    Iterator<SharePeer> oldestFirst = sharePeers.values().iterator();
    while (sharePeers.size() > bound && oldestFirst.hasNext()) {
      SharePeer share = oldestFirst.next();
      if (share.peer == null) oldestFirst.remove();
    }
  }

  private int streamingSharePeers() {
    int streaming = 0;
    for (SharePeer share : sharePeers.values()) {
      if (share.peer != null) streaming++;
    }
    return streaming;
  }

  private void onPeerLeft(SignalingMessage.PeerLeft left) {
    SharePeer share = sharePeers.remove(left.peer());
    if (share == null) {
      metrics.shareFrameDropped();
      getContext().getLog().debug("Instance {}: peer-left for unknown share peer {}", id, left.peer());
      return;
    }
    getContext().getLog().info("Instance {}: share peer {} left: {}", id, left.peer(), left.reason());
    stopSharePeer(share, "the share peer was cut: " + left.reason());
  }

  private void onShareFrame(String sharePeerId, SignalingMessage message) {
    SharePeer share = sharePeers.get(sharePeerId);
    if (share == null) {
      // The gateway announces every share peer before its first frame: this one never joined,
      // has left, or was forgotten as long idle.
      metrics.shareFrameDropped();
      getContext().getLog().debug("Instance {}: a frame of unknown share peer {} dropped", id, sharePeerId);
      return;
    }
    if (message instanceof SignalingMessage.Discover) {
      signaling.send(SignalingFrame.withPeer(SignalingMessage.discoverResponse(List.of("video", "audio"), spec.fps()),
          sharePeerId));
    } else if (message instanceof SignalingMessage.Settings settings) {
      startSharePeer(share, settings);
    } else if (message instanceof SignalingMessage.Answer answer) {
      if (share.peer != null) share.peer.tell(new Peer.ApplyAnswer(answer.sdp()));
    } else if (message instanceof SignalingMessage.Candidate candidate) {
      if (share.peer != null) share.peer.tell(new Peer.AddRemoteCandidate(candidate.candidate()));
    } else if (message instanceof SignalingMessage.Error error) {
      getContext().getLog().info("Instance {}: share peer {} reports an error: {}", id, sharePeerId, error.message());
    }
  }

  /**
   * The join that asked for a new screen got its answer before the instance tried: the owner's
   * client hears why the picture keeps its size (an error frame, which ends nothing).
   */
  private void tellOwnerScreenKept(String why) {
    signaling.send(SignalingMessage.error("the instance keeps its screen " + spec.width() + "x" + spec.height()
        + " at " + spec.fps() + " fps: " + why));
  }

  /**
   * A join with a new screen (PROTOCOL.md 3), told by the gateway: the application takes the new
   * size (an X11 display through RandR, its capture reopened; the synthetic application drawn
   * anew), then the encoders follow the frames' size and the peers keep streaming; a new frame
   * rate restarts the frame clock. A screen the instance cannot have is refused in the log and
   * the instance keeps its own.
   */
  private void onScreenNotice(String text) {
    InstanceSpec resized;
    try {
      resized = spec.resized(ScreenNotice.parse(text).screen());
    } catch (IllegalArgumentException | InstanceSpec.InvalidLaunchException e) {
      getContext().getLog().warn("Instance {}: keeps its screen {}x{} at {} fps, the new one is refused: {}", id,
          spec.width(), spec.height(), spec.fps(), e.getMessage());
      tellOwnerScreenKept(e.getMessage());
      return;
    }
    InstanceSpec current = spec;
    boolean newSize = resized.width() != current.width() || resized.height() != current.height();
    if (!newSize && resized.fps() == current.fps()) return;
    if (newSize) {
      try {
        FrameSource before = application;
        application = before.resized(resized.width(), resized.height());
        if (application != before) before.close();
      } catch (IOException | RuntimeException e) {
        getContext().getLog().warn("Instance {}: cannot resize to {}x{}, keeps {}x{}: {}", id, resized.width(),
            resized.height(), current.width(), current.height(), e.getMessage());
        tellOwnerScreenKept(e.getMessage());
        return;
      }
    }
    spec = resized;
    BitrateLimits limits = BitrateLimits.forVideo(resized.width(), resized.height(), resized.fps());
    encoders.values().forEach(encoder -> encoder.tell(new VideoEncoderActor.SetLimits(limits)));
    if (resized.fps() != current.fps()) {
      videoEncoders.values().forEach(encoder -> encoder.setFrameRate(resized.fps()));
      clock.close();
      clock = FrameClock.start("app-" + id, resized.fps(), this::onTick);
    }
    getContext().getLog().info("Instance {}: resized from {}x{} at {} fps to {}x{} at {} fps", id, current.width(),
        current.height(), current.fps(), resized.width(), resized.height(), resized.fps());
  }

  private void startPeer(SignalingMessage.Settings settings) {
    if (peer != null) {
      getContext().getLog().info("Instance {}: a new client replaces peer {}", id, peerId);
      peer.tell(new Peer.Stop("replaced by a new client"));
    }
    peersStarted++;
    peerId = id + "-" + peersStarted;
    peer = getContext().spawn(
        Peer.create(peerId, setup.resources(), settings, video, audio, signaling::send, peerEvents),
        "peer-" + peersStarted);
  }

  /** A share peer's settings: a Peer of its own (new settings replace the one it had). */
  private void startSharePeer(SharePeer share, SignalingMessage.Settings settings) {
    if (share.peer != null) {
      stopSharePeer(share, "replaced by the share peer's new settings");
    } else if (streamingSharePeers() >= setup.maxSharePeers()) {
      metrics.sharePeerRefused();
      getContext().getLog().info("Instance {}: share peer {} refused: {} share peers stream already", id, share.id,
          streamingSharePeers());
      signaling.send(SignalingFrame.withPeer(SignalingMessage.error("this instance serves at most "
          + setup.maxSharePeers() + " share peers at a time"), share.id));
      return;
    }
    sharePeersStarted++;
    share.peerId = id + "-share-" + sharePeersStarted;
    String tag = share.id;
    share.peer = getContext().spawn(Peer.create(share.peerId, setup.resources(), settings, video, audio,
        text -> signaling.send(SignalingFrame.withPeer(text, tag)), peerEvents), "share-peer-" + sharePeersStarted);
    sharePeersByPeerId.put(share.peerId, share);
    getContext().getLog().info("Instance {}: share peer {} ({}) streams through peer {}", id, share.id,
        share.role.wireName(), share.peerId);
  }

  /** Stops a share peer's Peer; what that Peer still says afterwards is ignored. */
  private void stopSharePeer(SharePeer share, String reason) {
    if (share.peer == null) return;
    share.peer.tell(new Peer.Stop(reason));
    sharePeersByPeerId.remove(share.peerId);
    share.peer = null;
    share.peerId = null;
  }

  /**
   * What the application does with its clients' messages. Input goes to the application (the
   * synthetic one moves its cursor and changes its colours; an X11 program gets it through XTEST).
   * The synthetic application echoes out-of-band messages and named-channel data back unchanged
   * to the client that sent them, so that a client can measure the round trip through it; an X11
   * program gets out-of-band messages and gamepad events on its message socket (its {@link
   * ProgramMessageChannel}), while named-channel data has no way to it and is dropped, logged once.
   * A view share's peer only watches: nothing it sends reaches the application.
   */
  private Behavior<Command> onPeerEvent(FromPeer event) {
    Peer.Event peerEvent = event.event();
    String from = peerEvent.peerId();
    boolean fromOwner = from.equals(peerId);
    SharePeer share = fromOwner ? null : sharePeersByPeerId.get(from);
    if (peerEvent instanceof Peer.Ended) {
      if (fromOwner) {
        peer = null;
        peerId = null;
      } else if (share != null) {
        sharePeersByPeerId.remove(from);
        share.peer = null;
        share.peerId = null;
      }
      return this;
    }
    if (peerEvent instanceof Peer.ClientLeft left) {
      getContext().getLog().info("Instance {}: client of peer {}{} left: {}", id, left.peerId(),
          share == null ? "" : " (share peer " + share.id + ")", left.reason());
      // A replaced peer's client leaving is old news, and a share peer's is not the owner's
      // business: only the owner's current client's departure counts.
      if (fromOwner) owner.tell(new ClientLeft(id, left.reason()));
      return this;
    }
    if (!fromOwner && share == null) return this; // a replaced or cut peer's last words
    ActorRef<Peer.Command> sender = fromOwner ? peer : share.peer;
    boolean viewOnly = share != null && share.role == SignalingMessage.ShareRole.VIEW;
    if (peerEvent instanceof Peer.ControlFromClient control) {
      boolean outOfBand = control.message() instanceof ControlMessage.OutOfBand;
      if (viewOnly) {
        dropFromViewPeer(share, outOfBand ? "out-of-band" : "input");
      } else if (control.message() instanceof ControlMessage.OutOfBand oob && !spec.x11()) {
        String data = oob.data() == null ? "null" : oob.data();
        sender.tell(new Peer.SendControl(ControlMessages.toClient(oob.type(), data)));
      } else {
        application.apply(control.message());
      }
    } else if (peerEvent instanceof Peer.ChannelMessage message) {
      if (viewOnly) {
        dropFromViewPeer(share, "channel");
      } else if (spec.x11()) {
        logDroppedMessages(message.label());
      } else {
        sender.tell(new Peer.SendOnChannel(message.label(), message.data(), message.text()));
      }
    }
    return this;
  }

  private void dropFromViewPeer(SharePeer share, String kind) {
    metrics.viewPeerMessageDropped(kind);
    getContext().getLog().debug("Instance {}: {} message of view share peer {} dropped", id, kind, share.id);
  }

  private boolean droppedMessagesLogged;

  private void logDroppedMessages(String what) {
    if (droppedMessagesLogged) return;
    droppedMessagesLogged = true;
    getContext().getLog().info("Instance {}: the X11 program has no way to get named-channel data (channel {}): "
        + "it is dropped", id, what);
  }

  /**
   * A message of the X11 program for its clients (PROTOCOL.md 6: from the application, in the
   * control channel's shape): to the owner's client and to every control share peer, those who
   * talk to the program. View share peers only watch and get none: what the program says may answer
   * what they could not send, and nothing else of the conversation reaches them either. With none
   * of those connected, it is dropped and counted.
   */
  private Behavior<Command> onFromProgram(FromProgram fromProgram) {
    String text = ControlMessages.write(fromProgram.message());
    int receivers = 0;
    if (peer != null) {
      peer.tell(new Peer.SendControl(text));
      receivers++;
    }
    for (SharePeer share : sharePeers.values()) {
      if (share.peer != null && share.role == SignalingMessage.ShareRole.CONTROL) {
        share.peer.tell(new Peer.SendControl(text));
        receivers++;
      }
    }
    if (receivers == 0) metrics.programMessageDropped(NO_CLIENT);
    return this;
  }

  private Behavior<Command> onProgramExited(ProgramExited exited) {
    if (exited.status() == 0) {
      String reason = "the program exited with status 0";
      getContext().getLog().info("Instance {} ends: {}", id, reason);
      owner.tell(new Ended(id, reason));
    } else {
      String reason = "the program exited with status " + exited.status()
          + (exited.status() > 128 ? " (killed by signal " + (exited.status() - 128) + ")" : "");
      getContext().getLog().warn("Instance {} fails: {}", id, reason);
      owner.tell(new Failed(id, reason));
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onGetPeer(GetPeer query) {
    query.replyTo().tell(Optional.ofNullable(peer));
    return this;
  }

  private Behavior<Command> onGetSharePeers(GetSharePeers query) {
    Map<String, ActorRef<Peer.Command>> peers = new LinkedHashMap<>();
    for (SharePeer share : sharePeers.values()) {
      if (share.peer != null) peers.put(share.id, share.peer);
    }
    query.replyTo().tell(Map.copyOf(peers));
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    getContext().getLog().info("Instance {} stops: {}", id, stop.reason());
    owner.tell(new Ended(id, stop.reason()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onSignalingRefused(SignalingRefused refused) {
    String reason = "the gateway refused the instance socket (HTTP " + refused.status() + "): "
        + (refused.status() == 404 ? "its session has ended" : "its credential is not accepted");
    getContext().getLog().warn("Instance {} stops, nothing can stream it any more: {}", id, reason);
    owner.tell(new Failed(id, reason));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (clock != null) clock.close();
    if (audioClock != null) audioClock.close();
    if (signaling != null) signaling.close();
    // After the clock: no grab runs any more when the display goes.
    application.close();
    return this;
  }
}
