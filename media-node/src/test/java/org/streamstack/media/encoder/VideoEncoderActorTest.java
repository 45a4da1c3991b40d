package org.streamstack.media.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

class VideoEncoderActorTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final BitrateLimits LIMITS = BitrateLimits.forVideo(640, 360, 30);
  private final SyntheticApplication app = new SyntheticApplication(640, 360);

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private VideoFrame frame(long n) {
    return app.render(n, 1_700_000_000_000L + n * 33);
  }

  private VideoEncoderActor.Stats stats(ActorRef<VideoEncoderActor.Command> actor) {
    TestProbe<VideoEncoderActor.Stats> probe = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.GetStats(probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void encodesInOrderForSubscribersAndHonoursKeyframeRequests() {
    FfmpegVideoEncoder encoder =
        new FfmpegVideoEncoder(
            EncoderImplementation.OPENH264, EncoderConfig.of(640, 360, 30, 1_000_000));
    ActorRef<VideoEncoderActor.Command> actor =
        TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    TestProbe<EncodedFrame> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(subscriber.getRef()));
    for (int n = 0; n < 8; n++) {
      if (n == 5) actor.tell(new VideoEncoderActor.RequestKeyframe());
      actor.tell(new VideoEncoderActor.EncodeFrame(frame(n)));
      EncodedFrame out = subscriber.receiveMessage(Duration.ofSeconds(5));
      assertEquals(n, out.frameNumber());
      assertEquals(VideoCodec.H264, out.codec());
      assertEquals(n == 0 || n == 5, out.keyframe(), "keyframe " + n);
    }
    VideoEncoderActor.Stats stats = stats(actor);
    assertEquals(8, stats.received());
    assertEquals(8, stats.encoded());
    assertEquals(0, stats.dropped());
    assertEquals(2, stats.keyframes());
    assertEquals("libopenh264", stats.implementation());

    TEST_KIT.stop(actor);
    awaitTrue(encoder::isClosed);
  }

  @Test
  void aFrameArrivingWhileOneWaitsReplacesIt() throws Exception {
    GatedEncoder encoder = new GatedEncoder();
    ActorRef<VideoEncoderActor.Command> actor =
        TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    TestProbe<EncodedFrame> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(subscriber.getRef()));
    for (int n = 0; n < 5; n++) actor.tell(new VideoEncoderActor.EncodeFrame(frame(n)));
    assertTrue(encoder.started.await(5, TimeUnit.SECONDS));
    // Stats come back after the five frames were handled: 0 encoding, 4 waiting, 1-3 dropped.
    VideoEncoderActor.Stats during = stats(actor);
    assertEquals(5, during.received());
    assertEquals(3, during.dropped());
    encoder.gate.countDown();
    assertEquals(0, subscriber.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    assertEquals(4, subscriber.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    subscriber.expectNoMessage(Duration.ofMillis(100));
    assertEquals(List.of(0L, 4L), encoder.encoded);
    VideoEncoderActor.Stats after = stats(actor);
    assertEquals(2, after.encoded());
    assertEquals(3, after.dropped());
    TEST_KIT.stop(actor);
  }

  @Test
  void clampsTargetsAndCountsFailures() {
    GatedEncoder encoder = new GatedEncoder();
    encoder.gate.countDown();
    encoder.failOn = 1;
    ActorRef<VideoEncoderActor.Command> actor =
        TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    // The actor sets up asynchronously: a reply means its constructor has run.
    assertEquals(LIMITS.maxBitsPerSecond(), stats(actor).targetBitrate(), "start target clamped");
    assertEquals(LIMITS.maxBitsPerSecond(), encoder.targetBitrate());
    TestProbe<EncodedFrame> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(subscriber.getRef()));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(subscriber.getRef(), 50_000));
    assertEquals(LIMITS.minBitsPerSecond(), stats(actor).targetBitrate());
    actor.tell(new VideoEncoderActor.SetTargetBitrate(subscriber.getRef(), 2_000_000));
    assertEquals(2_000_000, stats(actor).targetBitrate());

    for (int n = 0; n < 3; n++) {
      actor.tell(new VideoEncoderActor.EncodeFrame(frame(n)));
      if (n != 1) assertEquals(n, subscriber.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    }
    awaitTrue(() -> stats(actor).failed() == 1);
    assertEquals(2, stats(actor).encoded());

    actor.tell(new VideoEncoderActor.Unsubscribe(subscriber.getRef()));
    actor.tell(new VideoEncoderActor.EncodeFrame(frame(3)));
    awaitTrue(() -> stats(actor).encoded() == 3);
    subscriber.expectNoMessage(Duration.ofMillis(50));

    TEST_KIT.stop(actor);
    awaitTrue(() -> encoder.closed);
  }

  /**
   * Several peers, one encode: every subscriber gets the same frames from one encoder, a keyframe
   * when any of them asks, and the lowest of their latest targets; a subscriber that unsubscribes
   * or stops takes its target with it.
   */
  @Test
  void servesEverySubscriberFromOneEncodeAtTheLowestOfTheirTargets() {
    FfmpegVideoEncoder encoder =
        new FfmpegVideoEncoder(
            EncoderImplementation.OPENH264, EncoderConfig.of(640, 360, 30, 1_000_000));
    ActorRef<VideoEncoderActor.Command> actor =
        TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    TestProbe<EncodedFrame> fast = TEST_KIT.createTestProbe();
    TestProbe<EncodedFrame> slow = TEST_KIT.createTestProbe();
    TestProbe<EncodedFrame> leaving = TEST_KIT.createTestProbe();
    TestProbe<EncodedFrame> stranger = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(fast.getRef()));
    actor.tell(new VideoEncoderActor.Subscribe(slow.getRef()));
    actor.tell(new VideoEncoderActor.Subscribe(leaving.getRef()));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(fast.getRef(), 2_500_000));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(slow.getRef(), 1_200_000));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(leaving.getRef(), 2_000_000));
    assertEquals(1_200_000, stats(actor).targetBitrate(), "the slowest subscriber's target");
    actor.tell(new VideoEncoderActor.SetTargetBitrate(stranger.getRef(), 1_100_000));
    assertEquals(1_200_000, stats(actor).targetBitrate(), "a non-subscriber's target is ignored");

    for (int n = 0; n < 6; n++) {
      if (n == 3) actor.tell(new VideoEncoderActor.RequestKeyframe());
      actor.tell(new VideoEncoderActor.EncodeFrame(frame(n)));
      EncodedFrame toFast = fast.receiveMessage(Duration.ofSeconds(5));
      EncodedFrame toSlow = slow.receiveMessage(Duration.ofSeconds(5));
      assertEquals(n, toFast.frameNumber());
      assertTrue(toFast == toSlow, "one encoded frame, delivered to both");
      assertEquals(n == 0 || n == 3, toFast.keyframe(), "keyframe " + n);
      leaving.receiveMessage(Duration.ofSeconds(5));
    }
    VideoEncoderActor.Stats afterSix = stats(actor);
    assertEquals(6, afterSix.encoded(), "encoded once for three subscribers");
    assertEquals(2, afterSix.keyframes());
    assertEquals(1_200_000, encoder.targetBitrate(), "the real encoder is set to the lowest target");

    actor.tell(new VideoEncoderActor.SetTargetBitrate(slow.getRef(), 3_000_000));
    assertEquals(2_000_000, stats(actor).targetBitrate(), "the slow one recovered: the next lowest");
    actor.tell(new VideoEncoderActor.Unsubscribe(leaving.getRef()));
    assertEquals(2_500_000, stats(actor).targetBitrate(), "an unsubscribed target no longer counts");
    fast.stop();
    awaitTrue(() -> stats(actor).targetBitrate() == 3_000_000);
    actor.tell(new VideoEncoderActor.EncodeFrame(frame(6)));
    assertEquals(6, slow.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    assertEquals(3_000_000, encoder.targetBitrate(), "a stopped subscriber's target no longer counts");
    slow.stop();
    // Only what a newcomer asks counts now: had the stopped subscriber's 3,000,000 stayed, it would
    // hold the encoder below the newcomer's target (the stream grows first, so that 4,000,000 is
    // within its limits; 3,000,000 is this stream's top).
    actor.tell(new VideoEncoderActor.SetLimits(BitrateLimits.forVideo(1280, 720, 60)));
    TestProbe<EncodedFrame> newcomer = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(newcomer.getRef()));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(newcomer.getRef(), 4_000_000));
    awaitTrue(() -> stats(actor).targetBitrate() == 4_000_000);

    TEST_KIT.stop(actor);
    awaitTrue(encoder::isClosed);
  }

  /**
   * Every peer spaces its own keyframe requests, but the encoder serves them all: requests from
   * several subscribers within one spacing make one keyframe at once and one more when the spacing
   * ends (deferred, not dropped), never one per request.
   */
  @Test
  void keyframeRequestsOfAllSubscribersAreSpacedAndAnEarlyOneIsDeferred() throws Exception {
    GatedEncoder encoder = new GatedEncoder();
    encoder.gate.countDown();
    ActorRef<VideoEncoderActor.Command> actor = TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    for (int subscriber = 0; subscriber < 3; subscriber++) {
      TestProbe<EncodedFrame> probe = TEST_KIT.createTestProbe();
      actor.tell(new VideoEncoderActor.Subscribe(probe.getRef()));
    }
    long spacingNanos = VideoEncoderActor.KEYFRAME_SPACING.toNanos();
    long first = System.nanoTime();
    for (int request = 0; request < 12; request++) actor.tell(new VideoEncoderActor.RequestKeyframe());
    stats(actor); // every request has been handled
    assertTrue(System.nanoTime() - first < spacingNanos, "the requests came within one spacing");
    assertEquals(1, encoder.keyframeRequests.size(), "one keyframe at once");

    awaitTrue(() -> encoder.keyframeRequests.size() == 2);
    long deferredAfter = encoder.keyframeRequests.get(1) - encoder.keyframeRequests.get(0);
    assertTrue(deferredAfter >= spacingNanos - TimeUnit.MILLISECONDS.toNanos(1), "the deferred keyframe waited for the spacing: " + deferredAfter + " ns");
    Thread.sleep(2 * VideoEncoderActor.KEYFRAME_SPACING.toMillis());
    assertEquals(2, encoder.keyframeRequests.size(), "the early requests shared one deferred keyframe");

    // Long after the last one, a request is served at once.
    actor.tell(new VideoEncoderActor.RequestKeyframe());
    stats(actor);
    assertEquals(3, encoder.keyframeRequests.size());
    TEST_KIT.stop(actor);
  }

  @Test
  void newLimitsOfAResizedStreamClampTheTargetAndLaterOnes() {
    GatedEncoder encoder = new GatedEncoder();
    encoder.gate.countDown();
    ActorRef<VideoEncoderActor.Command> actor = TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    assertEquals(LIMITS.maxBitsPerSecond(), stats(actor).targetBitrate());
    BitrateLimits larger = BitrateLimits.forVideo(1920, 1080, 30);
    TestProbe<EncodedFrame> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(subscriber.getRef()));
    actor.tell(new VideoEncoderActor.SetLimits(larger));
    actor.tell(new VideoEncoderActor.SetTargetBitrate(subscriber.getRef(), Integer.MAX_VALUE / 2));
    assertEquals(larger.maxBitsPerSecond(), stats(actor).targetBitrate(), "the larger stream's top");
    BitrateLimits smaller = BitrateLimits.forVideo(320, 240, 30);
    actor.tell(new VideoEncoderActor.SetLimits(smaller));
    assertEquals(smaller.maxBitsPerSecond(), stats(actor).targetBitrate(), "clamped at once");
    TEST_KIT.stop(actor);
  }

  @Test
  void stoppedSubscribersAreForgotten() {
    GatedEncoder encoder = new GatedEncoder();
    encoder.gate.countDown();
    ActorRef<VideoEncoderActor.Command> actor =
        TEST_KIT.spawn(VideoEncoderActor.create(encoder, LIMITS));
    TestProbe<EncodedFrame> gone = TEST_KIT.createTestProbe();
    TestProbe<EncodedFrame> stays = TEST_KIT.createTestProbe();
    actor.tell(new VideoEncoderActor.Subscribe(gone.getRef()));
    actor.tell(new VideoEncoderActor.Subscribe(stays.getRef()));
    actor.tell(new VideoEncoderActor.Subscribe(stays.getRef()));
    gone.stop();
    actor.tell(new VideoEncoderActor.EncodeFrame(frame(0)));
    assertEquals(0, stays.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    stays.expectNoMessage(Duration.ofMillis(50));
    TEST_KIT.stop(actor);
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertFalse(System.nanoTime() > deadline, "condition not met within 5 s");
      Thread.onSpinWait();
    }
  }

  /** Blocks every encode until the gate opens; records what it encoded and when it was asked for keyframes. */
  private static final class GatedEncoder implements VideoEncoder {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final List<Long> encoded = new CopyOnWriteArrayList<>();
    /** {@link System#nanoTime()} of each keyframe request. */
    final List<Long> keyframeRequests = new CopyOnWriteArrayList<>();
    volatile long failOn = -1;
    volatile boolean closed;
    private volatile int bitrate = 10_000_000;

    @Override
    public EncodedFrame encode(VideoFrame frame) {
      started.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (frame.frameNumber() == failOn) throw new IllegalStateException("test failure");
      encoded.add(frame.frameNumber());
      return new EncodedFrame(
          VideoCodec.VP8,
          new byte[] {1, 2, 3},
          frame.frameNumber() == 0,
          frame.captureTimeMillis(),
          frame.frameNumber(),
          EncodedFrame.pts90kOf(frame.captureTimeMillis()));
    }

    @Override
    public void requestKeyframe() {
      keyframeRequests.add(System.nanoTime());
    }

    @Override
    public void setTargetBitrate(int bitsPerSecond) {
      bitrate = bitsPerSecond;
    }

    @Override
    public int targetBitrate() {
      return bitrate;
    }

    @Override
    public String implementationName() {
      return "gated";
    }

    @Override
    public VideoCodec codec() {
      return VideoCodec.VP8;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
