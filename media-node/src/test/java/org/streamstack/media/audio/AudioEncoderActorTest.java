package org.streamstack.media.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class AudioEncoderActorTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final long T0 = 1_767_225_600_000L;

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  private final ToneGenerator tone = new ToneGenerator();

  private AudioFrame frame(long n) {
    return tone.next(n, T0 + 20 * n);
  }

  private AudioEncoderActor.Stats stats(ActorRef<AudioEncoderActor.Command> actor) {
    TestProbe<AudioEncoderActor.Stats> probe = TEST_KIT.createTestProbe();
    actor.tell(new AudioEncoderActor.GetStats(probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void encodesInOrderForSubscribers() {
    OpusEncoder encoder = new OpusEncoder();
    ActorRef<AudioEncoderActor.Command> actor = TEST_KIT.spawn(AudioEncoderActor.create(encoder));
    TestProbe<EncodedAudio> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new AudioEncoderActor.Subscribe(subscriber.getRef()));
    for (int n = 0; n < 10; n++) {
      actor.tell(new AudioEncoderActor.EncodeFrame(frame(n)));
      EncodedAudio out = subscriber.receiveMessage(Duration.ofSeconds(5));
      assertEquals(n, out.frameNumber());
      assertEquals((T0 + 20 * n) * 48, out.pts48k());
    }
    AudioEncoderActor.Stats stats = stats(actor);
    assertEquals(10, stats.received());
    assertEquals(10, stats.encoded());
    assertEquals(0, stats.dropped());
    assertEquals("libopus", stats.implementation());
    assertEquals(64_000, stats.targetBitrate());
    assertTrue(stats.bytes() > 0);

    actor.tell(new AudioEncoderActor.SetTargetBitrate(32_000));
    actor.tell(new AudioEncoderActor.SetExpectedPacketLoss(250));
    actor.tell(new AudioEncoderActor.EncodeFrame(frame(10)));
    subscriber.receiveMessage(Duration.ofSeconds(5));
    assertEquals(32_000, encoder.appliedBitrate());
    assertEquals(100, encoder.expectedPacketLoss(), "clamped");
    assertEquals(1, encoder.reopens(), "both changes in one re-open");

    TEST_KIT.stop(actor);
    await(encoder::isClosed);
  }

  @Test
  void aFullQueueDropsItsOldestFrame() throws Exception {
    GatedEncoder encoder = new GatedEncoder();
    ActorRef<AudioEncoderActor.Command> actor = TEST_KIT.spawn(AudioEncoderActor.create(encoder, 3));
    TestProbe<EncodedAudio> subscriber = TEST_KIT.createTestProbe();
    actor.tell(new AudioEncoderActor.Subscribe(subscriber.getRef()));
    for (int n = 0; n < 7; n++) actor.tell(new AudioEncoderActor.EncodeFrame(frame(n)));
    assertTrue(encoder.started.await(5, TimeUnit.SECONDS));
    // Frame 0 is being encoded; 1-6 arrived at a queue of three: 1, 2 and 3 were pushed out.
    AudioEncoderActor.Stats during = stats(actor);
    assertEquals(7, during.received());
    assertEquals(3, during.dropped());
    encoder.gate.countDown();
    for (long expected : new long[] {0, 4, 5, 6}) {
      assertEquals(expected, subscriber.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    }
    subscriber.expectNoMessage(Duration.ofMillis(100));
    assertEquals(List.of(0L, 4L, 5L, 6L), encoder.encoded);
    AudioEncoderActor.Stats after = stats(actor);
    assertEquals(4, after.encoded());
    assertEquals(3, after.dropped());
    TEST_KIT.stop(actor);
    await(() -> encoder.closed);
  }

  @Test
  void clampsTargetsCountsFailuresAndForgetsSubscribers() {
    GatedEncoder encoder = new GatedEncoder();
    encoder.gate.countDown();
    encoder.failOn = 1;
    ActorRef<AudioEncoderActor.Command> actor = TEST_KIT.spawn(AudioEncoderActor.create(encoder));
    actor.tell(new AudioEncoderActor.SetTargetBitrate(1_000));
    assertEquals(OpusEncoder.MIN_BITRATE, stats(actor).targetBitrate());
    actor.tell(new AudioEncoderActor.SetTargetBitrate(2_000_000));
    assertEquals(OpusEncoder.MAX_BITRATE, stats(actor).targetBitrate());

    TestProbe<EncodedAudio> gone = TEST_KIT.createTestProbe();
    TestProbe<EncodedAudio> stays = TEST_KIT.createTestProbe();
    actor.tell(new AudioEncoderActor.Subscribe(gone.getRef()));
    actor.tell(new AudioEncoderActor.Subscribe(stays.getRef()));
    actor.tell(new AudioEncoderActor.Subscribe(stays.getRef()));
    gone.stop();
    for (int n = 0; n < 3; n++) {
      actor.tell(new AudioEncoderActor.EncodeFrame(frame(n)));
      if (n != 1) assertEquals(n, stays.receiveMessage(Duration.ofSeconds(5)).frameNumber());
    }
    await(() -> stats(actor).failed() == 1);
    assertEquals(2, stats(actor).encoded());
    stays.expectNoMessage(Duration.ofMillis(50));

    actor.tell(new AudioEncoderActor.Unsubscribe(stays.getRef()));
    actor.tell(new AudioEncoderActor.EncodeFrame(frame(3)));
    await(() -> stats(actor).encoded() == 3);
    stays.expectNoMessage(Duration.ofMillis(50));
    TEST_KIT.stop(actor);
    await(() -> encoder.closed);
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertFalse(System.nanoTime() > deadline, "condition not met within 5 s");
      Thread.onSpinWait();
    }
  }

  /** Blocks every encode until the gate opens; records what it encoded. */
  private static final class GatedEncoder implements AudioEncoder {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch started = new CountDownLatch(1);
    final List<Long> encoded = new CopyOnWriteArrayList<>();
    volatile long failOn = -1;
    volatile boolean closed;
    private volatile int bitrate = 64_000;

    @Override
    public EncodedAudio encode(AudioFrame frame) {
      started.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (frame.frameNumber() == failOn) throw new IllegalStateException("test failure");
      encoded.add(frame.frameNumber());
      return new EncodedAudio(
          new byte[] {(byte) 0xFC, 1, 2},
          frame.captureTimeMillis(),
          frame.pts48k(),
          frame.frameNumber(),
          false);
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
    public void close() {
      closed = true;
    }
  }
}
