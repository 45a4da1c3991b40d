package org.streamstack.media.audio;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.streamstack.media.encoder.Subscribers;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Encodes one audio stream: {@link AudioFrame}s in, {@link EncodedAudio} out to the subscribers,
 * in order. The audio counterpart of {@code VideoEncoderActor}, with the same threading: encoding
 * runs on a thread of this actor's own, which takes the next waiting frame itself when it finishes
 * one; the actor only counts and delivers.
 *
 * <p>Frames wait in a queue of at most {@code maxWaiting}; a frame arriving at a full queue pushes
 * out the oldest, which is dropped and counted. The queue is deeper than video's one-frame slot
 * because a dropped audio frame is an audible gap while a late one is absorbed by the receiver's
 * jitter buffer: {@link #DEFAULT_MAX_WAITING} frames (60 ms) ride out a stall of the encoding
 * thread; beyond that, latency would grow, so the oldest sound goes. An Opus frame encodes in well
 * under a millisecond, so the queue is normally empty.
 *
 * <p>The actor owns the encoder: it closes it, on the encoding thread after any encode in
 * progress, when it stops. Target bitrates are clamped to Opus's range.
 */
public final class AudioEncoderActor extends AbstractBehavior<AudioEncoderActor.Command> {

  /** Frames that may wait while one is encoded: 60 ms of sound. */
  public static final int DEFAULT_MAX_WAITING = 3;

  /** Messages of the encoder actor. */
  public sealed interface Command {}

  /** 20 ms of sound; may push the oldest waiting frame out (see the class comment). */
  public record EncodeFrame(AudioFrame frame) implements Command {
    public EncodeFrame {
      Objects.requireNonNull(frame, "frame");
    }
  }

  /** New target from congestion control, in bits per second; clamped to Opus's range. */
  public record SetTargetBitrate(int bitsPerSecond) implements Command {}

  /** Loss the receiver reports (RTCP), 0-100 %: sizes in-band FEC; clamped to that range. */
  public record SetExpectedPacketLoss(int percent) implements Command {}

  /** Sends every encoded packet to {@code subscriber} until it stops or unsubscribes. */
  public record Subscribe(ActorRef<EncodedAudio> subscriber) implements Command {}

  public record Unsubscribe(ActorRef<EncodedAudio> subscriber) implements Command {}

  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /**
   * Counters of one stream.
   *
   * @param received frames received
   * @param encoded frames encoded and delivered
   * @param dropped frames pushed out of a full queue before their turn
   * @param failed frames the encoder threw on
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
      long bytes,
      int targetBitrate,
      long lastEncodeMicros) {}

  private record Encoded(EncodedAudio output, long encodeNanos) implements Command {}

  private record EncodeFailed(AudioFrame frame, Throwable error) implements Command {}

  private record SubscriberTerminated(ActorRef<EncodedAudio> subscriber) implements Command {}

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final AudioEncoder encoder;
  private final int maxWaiting;
  private final ExecutorService encodingThread;
  private final Subscribers<EncodedAudio, Command> subscribers;

  /** Shared with the encoding thread, under its own lock: the waiting frames and whether an encode runs. */
  private final Object queueLock = new Object();
  private final ArrayDeque<AudioFrame> waiting = new ArrayDeque<>();
  private boolean encoding;

  private long received;
  private long encodedCount;
  private long dropped;
  private long failed;
  private long bytes;
  private long lastEncodeNanos;

  /** An encoder actor with {@link #DEFAULT_MAX_WAITING}. */
  public static Behavior<Command> create(AudioEncoder encoder) {
    return create(encoder, DEFAULT_MAX_WAITING);
  }

  /**
   * @param encoder an open encoder; the actor closes it when it stops
   * @param maxWaiting frames that may wait while one is encoded, at least 1
   */
  public static Behavior<Command> create(AudioEncoder encoder, int maxWaiting) {
    if (maxWaiting < 1) throw new IllegalArgumentException("maxWaiting " + maxWaiting);
    return Behaviors.setup(context -> new AudioEncoderActor(context, encoder, maxWaiting));
  }

  private AudioEncoderActor(ActorContext<Command> context, AudioEncoder encoder, int maxWaiting) {
    super(context);
    this.subscribers = new Subscribers<>(context, SubscriberTerminated::new);
    this.encoder = encoder;
    this.maxWaiting = maxWaiting;
    String threadName = "audio-encoder-" + encoder.implementationName() + "-" + THREADS.incrementAndGet();
    this.encodingThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    int start = clamp(encoder.targetBitrate());
    if (start != encoder.targetBitrate()) encoder.setTargetBitrate(start);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EncodeFrame.class, this::onEncodeFrame)
        .onMessage(Encoded.class, this::onEncoded)
        .onMessage(EncodeFailed.class, this::onEncodeFailed)
        .onMessage(SetTargetBitrate.class, this::onSetTargetBitrate)
        .onMessage(SetExpectedPacketLoss.class, this::onSetExpectedPacketLoss)
        .onMessage(Subscribe.class, this::onSubscribe)
        .onMessage(Unsubscribe.class, this::onUnsubscribe)
        .onMessage(SubscriberTerminated.class, this::onSubscriberTerminated)
        .onMessage(GetStats.class, this::onGetStats)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onEncodeFrame(EncodeFrame message) {
    received++;
    AudioFrame frame = message.frame();
    boolean start;
    synchronized (queueLock) {
      start = !encoding;
      if (start) {
        encoding = true;
      } else {
        if (waiting.size() == maxWaiting) {
          waiting.pollFirst();
          dropped++;
        }
        waiting.addLast(frame);
      }
    }
    if (start) {
      ActorRef<Command> self = getContext().getSelf();
      encodingThread.execute(() -> encodeFrom(frame, self));
    }
    return this;
  }

  private Behavior<Command> onEncoded(Encoded message) {
    lastEncodeNanos = message.encodeNanos();
    EncodedAudio out = message.output();
    encodedCount++;
    bytes += out.size();
    subscribers.publish(out);
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

  private Behavior<Command> onSetTargetBitrate(SetTargetBitrate message) {
    encoder.setTargetBitrate(clamp(message.bitsPerSecond()));
    return this;
  }

  private Behavior<Command> onSetExpectedPacketLoss(SetExpectedPacketLoss message) {
    encoder.setExpectedPacketLoss(Math.max(0, Math.min(100, message.percent())));
    return this;
  }

  private Behavior<Command> onSubscribe(Subscribe message) {
    subscribers.add(message.subscriber());
    return this;
  }

  private Behavior<Command> onUnsubscribe(Unsubscribe message) {
    subscribers.remove(message.subscriber());
    return this;
  }

  private Behavior<Command> onSubscriberTerminated(SubscriberTerminated message) {
    subscribers.forget(message.subscriber());
    return this;
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
                bytes,
                encoder.targetBitrate(),
                lastEncodeNanos / 1000));
    return this;
  }

  private Behavior<Command> onPostStop(PostStop signal) {
    // Forget waiting frames; the encode in progress finishes, then the encoder closes on the
    // thread that encodes: never free native memory under a running encode.
    synchronized (queueLock) {
      waiting.clear();
    }
    encodingThread.execute(encoder::close);
    encodingThread.shutdown();
    return this;
  }

  private static int clamp(int bitsPerSecond) {
    return Math.max(OpusEncoder.MIN_BITRATE, Math.min(OpusEncoder.MAX_BITRATE, bitsPerSecond));
  }

  /** On the encoding thread: encodes {@code first}, then each frame found waiting, oldest first. */
  private void encodeFrom(AudioFrame first, ActorRef<Command> self) {
    AudioFrame frame = first;
    while (frame != null) {
      Command result;
      try {
        long start = System.nanoTime();
        EncodedAudio out = encoder.encode(frame);
        result = new Encoded(out, System.nanoTime() - start);
      } catch (RuntimeException e) {
        result = new EncodeFailed(frame, e);
      } catch (Error e) {
        // Leave the queue usable: the next frame starts a fresh attempt.
        synchronized (queueLock) {
          encoding = false;
        }
        self.tell(new EncodeFailed(frame, e));
        throw e;
      }
      // Take the next frame (or go idle) before announcing this one: a sender that paces itself
      // on deliveries must find room in the queue.
      synchronized (queueLock) {
        frame = waiting.pollFirst();
        if (frame == null) encoding = false;
      }
      self.tell(result);
    }
  }
}
