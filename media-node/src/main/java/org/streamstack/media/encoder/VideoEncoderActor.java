package org.streamstack.media.encoder;

import org.streamstack.media.metrics.MediaMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

/**
 * Encodes one video stream: frames in, {@link EncodedFrame}s out to the subscribers, in order.
 *
 * <p>Encoding blocks for milliseconds (about 4 ms for 720p on OpenH264), so it runs on a thread of
 * this actor's own, never on a dispatcher thread; the actor only does bookkeeping. At most one
 * frame waits while one is being encoded, in a one-frame slot: a frame that arrives while another
 * is waiting replaces it, and the replaced (older) frame is dropped and counted. Under overload the
 * stream loses frame rate, never latency, and memory stays bounded.
 *
 * <p>The encoding thread takes the waiting frame itself when it finishes one, without a round
 * trip through the actor's mailbox: on a loaded machine every thread hand-off can wait for a time
 * slice, and the encoder would idle between frames. The slot is the only state the two threads
 * share, and it changes by atomic swaps only: {@code IDLE} (no encode running; the next frame
 * starts one), empty (an encode is running, nothing waits) or the waiting frame. A frame is
 * dropped only when it is replaced in the slot, never because the encoding thread was slow to
 * look. Results reach the actor, which counts and delivers them, through its mailbox.
 *
 * <p>The actor owns the encoder: it closes it, on the encoding thread after any encode in
 * progress, when it stops.
 *
 * <p>Every peer of an instance is served from this one encoder (issue 6, shares): a keyframe is
 * made when any subscriber asks, and the target bitrate is the lowest of the subscribers' latest
 * targets, so that the slowest receiver (its REMB) is never flooded; a subscriber that leaves takes
 * its target with it. Targets are clamped to the stream's {@link BitrateLimits}.
 *
 * <p>A keyframe costs every subscriber its bits, so requests are spaced here, across all of them:
 * at most one keyframe per {@link #KEYFRAME_SPACING}. A request that comes too soon after the last
 * one is deferred to the end of that spacing, not dropped (its receiver still waits for a picture
 * it can decode), and any number of early requests share that one deferred keyframe.
 */
public final class VideoEncoderActor extends AbstractBehavior<VideoEncoderActor.Command> {

  /** Messages of the encoder actor. */
  public sealed interface Command {}

  /** A new picture; may replace a waiting one (see the class comment). */
  public record EncodeFrame(VideoFrame frame) implements Command {
    public EncodeFrame {
      Objects.requireNonNull(frame, "frame");
    }
  }

  /**
   * The shortest time between two keyframes asked of the encoder: each peer spaces its own
   * requests so, and the encoder, shared by all peers, spaces them across its subscribers.
   */
  public static final Duration KEYFRAME_SPACING = Duration.ofMillis(250);

  /**
   * Makes the next encoded frame a keyframe, or the first one after {@link #KEYFRAME_SPACING}
   * since the last keyframe asked: a receiver sent PLI or FIR.
   */
  public record RequestKeyframe() implements Command {}

  /**
   * The latest target of {@code subscriber}'s congestion control, in bits per second. The encoder
   * runs at the lowest target of its subscribers, clamped to the limits; a target from something
   * that is not subscribed is ignored (it would outlive its sender).
   */
  public record SetTargetBitrate(ActorRef<EncodedFrame> subscriber, int bitsPerSecond) implements Command {
    public SetTargetBitrate {
      Objects.requireNonNull(subscriber, "subscriber");
    }
  }

  /**
   * New limits of the targets: the stream changed size or rate (a session joined with a new
   * screen); the current target is clamped to them.
   */
  public record SetLimits(BitrateLimits limits) implements Command {
    public SetLimits {
      Objects.requireNonNull(limits, "limits");
    }
  }

  /** Sends every encoded frame to {@code subscriber} until it stops or unsubscribes. */
  public record Subscribe(ActorRef<EncodedFrame> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<EncodedFrame> subscriber) implements Command {}

  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * Counters of one stream.
   *
   * @param received frames received
   * @param encoded frames encoded and delivered
   * @param dropped frames replaced by a newer one before their turn
   * @param failed frames the encoder threw on
   * @param keyframes keyframes among the encoded frames
   * @param bytes encoded bytes delivered
   * @param targetBitrate current target, bits per second, after clamping
   * @param lastEncodeMicros time the last encode took
   */
  public record Stats(
      String implementation,
      long received,
      long encoded,
      long dropped,
      long failed,
      long keyframes,
      long bytes,
      int targetBitrate,
      long lastEncodeMicros) {}

  private record Encoded(EncodedFrame output, long encodeNanos) implements Command {}

  private record EncodeFailed(VideoFrame frame, Throwable error) implements Command {}


  /** The keyframe deferred by the spacing is due. */
  private record DeferredKeyframeDue() implements Command {}

  private record SubscriberTerminated(ActorRef<EncodedFrame> subscriber) implements Command {}

  private static final AtomicInteger THREADS = new AtomicInteger();
  /** Slot marker: no encode is running. Compared by identity. */
  private static final VideoFrame IDLE = VideoFrame.allocate(2, 2, false, 0, 0);

  private final VideoEncoder encoder;
  private final MediaMetrics metrics;
  private BitrateLimits limits;
  private final ExecutorService encodingThread;
  private final Subscribers<EncodedFrame, Command> subscribers;
  /** The latest target of each subscriber that set one, as asked (clamped when applied). */
  private final Map<ActorRef<EncodedFrame>, Integer> targets = new HashMap<>();
  private final TimerScheduler<Command> timers;
  /** When the encoder was last asked for a keyframe; meaningful once {@link #keyframeAsked}. */
  private long lastKeyframeAskedNanos;
  private boolean keyframeAsked;
  private boolean keyframeDeferred;

  /** {@link #IDLE}, null (encoding, nothing waits) or the waiting frame; see the class comment. */
  private final AtomicReference<VideoFrame> slot = new AtomicReference<>(IDLE);
  private long received;
  private long encodedCount;
  private long dropped;
  private long failed;
  private long keyframes;
  private long bytes;
  private long lastEncodeNanos;

  /**
   * @param encoder an open encoder; the actor closes it when it stops
   * @param limits range of {@link SetTargetBitrate} targets
   */
  public static Behavior<Command> create(VideoEncoder encoder, BitrateLimits limits) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new VideoEncoderActor(context, timers, encoder, limits)));
  }

  private VideoEncoderActor(ActorContext<Command> context, TimerScheduler<Command> timers,
      VideoEncoder encoder, BitrateLimits limits) {
    super(context);
    this.timers = timers;
    this.subscribers = new Subscribers<>(context, SubscriberTerminated::new);
    this.metrics = MediaMetrics.get(context.getSystem());
    this.encoder = encoder;
    this.limits = limits;
    String threadName =
        "video-encoder-" + encoder.implementationName() + "-" + THREADS.incrementAndGet();
    this.encodingThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    int start = limits.clamp(encoder.targetBitrate());
    if (start != encoder.targetBitrate()) encoder.setTargetBitrate(start);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EncodeFrame.class, this::onEncodeFrame)
        .onMessage(Encoded.class, this::onEncoded)
        .onMessage(EncodeFailed.class, this::onEncodeFailed)
        .onMessage(RequestKeyframe.class, this::onRequestKeyframe)
        .onMessage(DeferredKeyframeDue.class, this::onDeferredKeyframeDue)
        .onMessage(SetTargetBitrate.class, this::onSetTargetBitrate)
        .onMessage(SetLimits.class, this::onSetLimits)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(SubscriberTerminated.class, this::onSubscriberTerminated)
        .onMessage(GetStats.class, this::onGetStats)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onEncodeFrame(EncodeFrame message) {
    received++;
    VideoFrame frame = message.frame();
    while (true) {
      VideoFrame current = slot.get();
      if (current == IDLE) {
        if (slot.compareAndSet(IDLE, null)) {
          ActorRef<Command> self = getContext().getSelf();
          encodingThread.execute(() -> encodeFrom(frame, self));
          return this;
        }
      } else if (slot.compareAndSet(current, frame)) {
        if (current != null) dropped++;
        return this;
      }
    }
  }

  private Behavior<Command> onEncoded(Encoded message) {
    lastEncodeNanos = message.encodeNanos();
    EncodedFrame out = message.output();
    if (out != null) {
      metrics.frameEncoded(message.encodeNanos());
      encodedCount++;
      bytes += out.size();
      if (out.keyframe()) keyframes++;
      subscribers.publish(out);
    }
    return this;
  }

  private Behavior<Command> onEncodeFailed(EncodeFailed message) {
    failed++;
    if (failed <= 3 || failed % 100 == 0) {
      getContext()
          .getLog()
          .error(
              "{} failed on frame {} ({} failures)",
              encoder.implementationName(),
              message.frame().frameNumber(),
              failed,
              message.error());
    }
    return this;
  }

  private Behavior<Command> onRequestKeyframe(RequestKeyframe message) {
    if (keyframeDeferred) return this; // the deferred keyframe serves this request too
    long now = System.nanoTime();
    long sinceLast = now - lastKeyframeAskedNanos;
    if (!keyframeAsked || sinceLast >= KEYFRAME_SPACING.toNanos()) {
      askForKeyframe(now);
    } else {
      keyframeDeferred = true;
      timers.startSingleTimer(new DeferredKeyframeDue(), Duration.ofNanos(KEYFRAME_SPACING.toNanos() - sinceLast));
    }
    return this;
  }

  private Behavior<Command> onDeferredKeyframeDue(DeferredKeyframeDue message) {
    keyframeDeferred = false;
    askForKeyframe(System.nanoTime());
    return this;
  }

  private void askForKeyframe(long nowNanos) {
    encoder.requestKeyframe();
    keyframeAsked = true;
    lastKeyframeAskedNanos = nowNanos;
  }

  private Behavior<Command> onSetLimits(SetLimits message) {
    limits = message.limits();
    if (!targets.isEmpty()) {
      // Targets are kept as the subscribers asked: the lowest of them, clamped to the new limits.
      applyLowestTarget();
      return this;
    }
    int clamped = limits.clamp(encoder.targetBitrate());
    if (clamped != encoder.targetBitrate()) encoder.setTargetBitrate(clamped);
    return this;
  }

  private Behavior<Command> onSetTargetBitrate(SetTargetBitrate message) {
    if (!subscribers.contains(message.subscriber())) {
      getContext().getLog().debug("{}: a target bitrate from a non-subscriber ignored", encoder.implementationName());
      return this;
    }
    targets.put(message.subscriber(), message.bitsPerSecond());
    applyLowestTarget();
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe message) {
    subscribers.add(message.subscriber());
    return this;
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe message) {
    subscribers.remove(message.subscriber());
    forgetTarget(message.subscriber());
    return this;
  }

  private Behavior<Command> onSubscriberTerminated(SubscriberTerminated message) {
    subscribers.forget(message.subscriber());
    forgetTarget(message.subscriber());
    return this;
  }

  private void forgetTarget(ActorRef<EncodedFrame> subscriber) {
    if (targets.remove(subscriber) != null) applyLowestTarget();
  }

  /**
   * Runs the encoder at the lowest target of its subscribers, within the limits; with none left,
   * the last target stays (the next subscriber sets its own when it starts).
   */
  private void applyLowestTarget() {
    if (targets.isEmpty()) return;
    int lowest = Integer.MAX_VALUE;
    for (int target : targets.values()) lowest = Math.min(lowest, target);
    int clamped = limits.clamp(lowest);
    if (clamped != encoder.targetBitrate()) encoder.setTargetBitrate(clamped);
  }

  private Behavior<Command> onGetStats(GetStats message) {
    message
        .replyTo()
        .tell(
            new Stats(
                encoder.implementationName(),
                received,
                encodedCount,
                dropped,
                failed,
                keyframes,
                bytes,
                encoder.targetBitrate(),
                lastEncodeNanos / 1000));
    return this;
  }

  private Behavior<Command> onPostStop(PostStop signal) {
    // Forget a waiting frame; the encode in progress finishes, then the encoder closes on the
    // thread that encodes: never free native memory under a running encode.
    VideoFrame waiting = slot.get();
    if (waiting != IDLE && waiting != null) slot.compareAndSet(waiting, null);
    encodingThread.execute(encoder::close);
    encodingThread.shutdown();
    return this;
  }

  /**
   * On the encoding thread: encodes {@code first}, then each frame found waiting, and leaves the
   * slot {@code IDLE} when none waits.
   */
  private void encodeFrom(VideoFrame first, ActorRef<Command> self) {
    VideoFrame frame = first;
    while (frame != null) {
      Command result;
      try {
        long start = System.nanoTime();
        EncodedFrame out = encoder.encode(frame);
        result = new Encoded(out, System.nanoTime() - start);
      } catch (RuntimeException e) {
        result = new EncodeFailed(frame, e);
      } catch (Error e) {
        // Leave the slot usable: the next frame starts a fresh attempt.
        slot.set(IDLE);
        self.tell(new EncodeFailed(frame, e));
        throw e;
      }
      // Take the next frame (or go idle) before announcing this one: a sender that paces itself
      // on deliveries must find the slot free, not replace a frame about to be taken.
      frame = slot.getAndSet(null);
      if (frame == null && !slot.compareAndSet(null, IDLE)) {
        frame = slot.getAndSet(null); // a frame arrived between the two steps
      }
      self.tell(result);
    }
  }
}
