package org.streamstack.media.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.streamstack.media.app.FrameClock;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.peer.VideoSource;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

/**
 * The video of a synthetic instance without the instance and its signalling socket, for peers run
 * directly by the loopback tests and the setup benchmark: the {@link SyntheticApplication} drawn by
 * a {@link FrameClock} and encoded by one {@link VideoEncoderActor} per codec while a peer uses
 * that codec, as an {@code InstanceRuntime} does.
 */
public final class SyntheticVideoSource implements VideoSource, AutoCloseable {

  private record Stop() {}

  private final int width;
  private final int height;
  private final int fps;
  private final SyntheticApplication application;
  private final Map<VideoCodec, ActorRef<VideoEncoderActor.Command>> encoders;
  private final Map<VideoCodec, AtomicInteger> users = new EnumMap<>(VideoCodec.class);
  private final ActorRef<Stop> owner;
  private final FrameClock clock;

  private SyntheticVideoSource(ActorSystem<?> system, String name, int width, int height, int fps,
      Map<VideoCodec, VideoEncoder> opened) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.application = new SyntheticApplication(width, height);
    BitrateLimits limits = BitrateLimits.forVideo(width, height, fps);
    CompletableFuture<Map<VideoCodec, ActorRef<VideoEncoderActor.Command>>> spawned = new CompletableFuture<>();
    // The encoder actors are children of one owner, so that closing the source stops them all.
    this.owner = system.systemActorOf(Behaviors.<Stop>setup(context -> {
      Map<VideoCodec, ActorRef<VideoEncoderActor.Command>> children = new EnumMap<>(VideoCodec.class);
      opened.forEach((codec, encoder) -> children.put(codec,
          context.spawn(VideoEncoderActor.create(encoder, limits), "encoder-" + codec.name().toLowerCase())));
      spawned.complete(children);
      return Behaviors.receiveMessage(stop -> Behaviors.stopped());
    }), name, Props.empty());
    try {
      this.encoders = spawned.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the encoder actors did not start", e);
    }
    for (VideoCodec codec : encoders.keySet()) users.put(codec, new AtomicInteger());
    this.clock = FrameClock.start(name, fps, this::onTick);
  }

  /**
   * Starts drawing at once; frames reach an encoder only while a peer uses its codec.
   *
   * @param open opens the encoder of each codec, at {@code width}x{@code height} and {@code fps}
   */
  public static SyntheticVideoSource start(ActorSystem<?> system, String name, int width, int height, int fps,
      Function<VideoCodec, VideoEncoder> open) {
    Map<VideoCodec, VideoEncoder> opened = new EnumMap<>(VideoCodec.class);
    try {
      for (VideoCodec codec : VideoCodec.values()) opened.put(codec, open.apply(codec));
    } catch (RuntimeException e) {
      opened.values().forEach(VideoEncoder::close);
      throw e;
    }
    return new SyntheticVideoSource(system, name, width, height, fps, opened);
  }

  /** On the frame clock's thread: one picture for every codec in use. */
  private void onTick(long frameNumber, long captureTimeMillis) {
    VideoFrame frame = null;
    for (Map.Entry<VideoCodec, AtomicInteger> use : users.entrySet()) {
      if (use.getValue().get() == 0) continue;
      if (frame == null) frame = application.render(frameNumber, captureTimeMillis);
      encoders.get(use.getKey()).tell(new VideoEncoderActor.EncodeFrame(frame));
    }
  }

  /** Frame deadlines the clock missed because a tick ran late (a busy machine). */
  public long skippedTicks() {
    return clock.skippedTicks();
  }

  /** The encoder actor of {@code codec}, for its stats. */
  public ActorRef<VideoEncoderActor.Command> encoder(VideoCodec codec) {
    return encoders.get(codec);
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public int height() {
    return height;
  }

  @Override
  public int fps() {
    return fps;
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

  /** Stops the clock and the encoders (which close their native encoders). */
  @Override
  public void close() {
    clock.close();
    owner.tell(new Stop());
  }
}
