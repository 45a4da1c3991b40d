package org.streamstack.media.sound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.streamstack.media.audio.AudioFrame;

/**
 * The recorder's side of {@link SoundCapture} with {@code cat} as the recorder, fed by the test
 * block by block: s16le decoding, order, the bound on queued blocks, the trimming of a lasting
 * backlog, and silence once the recorder is gone.
 */
class SoundCaptureTest {

  /** Block {@code n}: left {@code n * 100 - 2000}, right its negation minus one, so sign and byte order show. */
  private static byte[] block(int n) {
    ByteBuffer pcm = ByteBuffer.allocate(AudioFrame.SAMPLES * 2).order(ByteOrder.LITTLE_ENDIAN);
    short left = (short) (n * 100 - 2000);
    for (int i = 0; i < AudioFrame.SAMPLES_PER_CHANNEL; i++) pcm.putShort(left).putShort((short) (-left - 1));
    return pcm.array();
  }

  private static int blockNumber(AudioFrame frame) {
    short[] s = frame.samples();
    assertEquals(-s[0] - 1, s[1], "right is the negated left");
    assertEquals(s[0], s[s.length - 2], "the whole block holds one value");
    return (s[0] + 2000) / 100;
  }

  private static void awaitCaptured(SoundCapture capture, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (capture.capturedFrames() < count) {
      assertTrue(System.nanoTime() < deadline, "captured " + capture.capturedFrames() + " of " + count);
      Thread.sleep(1);
    }
  }

  private static Process cat() throws IOException {
    return new ProcessBuilder("cat").start();
  }

  @Test
  void blocksComeInOrderAtTheClocksSlotsAndSilenceWhenNoneIsReady() throws Exception {
    Process recorder = cat();
    try (SoundCapture capture = SoundCapture.reading("order", recorder)) {
      OutputStream in = recorder.getOutputStream();
      for (int n = 0; n < 3; n++) in.write(block(n));
      // Half a block: not a frame yet.
      in.write(block(3), 0, 1000);
      in.flush();
      awaitCaptured(capture, 3);
      for (int n = 0; n < 3; n++) {
        AudioFrame frame = capture.next(10 + n, 5_000 + 20L * n);
        assertEquals(n, blockNumber(frame));
        assertEquals(10 + n, frame.frameNumber());
        assertEquals(5_000 + 20L * n, frame.captureTimeMillis());
      }
      AudioFrame none = capture.next(13, 5_060);
      assertTrue(none.isSilent());
      assertEquals(13, none.frameNumber());
      assertEquals(1, capture.silentFills());
      in.write(block(3), 1000, block(3).length - 1000);
      in.flush();
      awaitCaptured(capture, 4);
      assertEquals(3, blockNumber(capture.next(14, 5_080)));
    }
  }

  @Test
  void atMostFourBlocksWaitTheOldestGo() throws Exception {
    Process recorder = cat();
    try (SoundCapture capture = SoundCapture.reading("bound", recorder)) {
      OutputStream in = recorder.getOutputStream();
      for (int n = 0; n < 10; n++) in.write(block(n));
      in.flush();
      awaitCaptured(capture, 10);
      assertEquals(10 - SoundCapture.MAX_QUEUED_FRAMES, capture.droppedFrames());
      for (int n = 10 - SoundCapture.MAX_QUEUED_FRAMES; n < 10; n++) {
        assertEquals(n, blockNumber(capture.next(n, 20L * n)));
      }
    }
  }

  @Test
  void aLastingBacklogLosesOneBlockASecond() throws Exception {
    Process recorder = cat();
    try (SoundCapture capture = SoundCapture.reading("backlog", recorder)) {
      OutputStream in = recorder.getOutputStream();
      // Three blocks ahead, then one in per tick: the backlog never drains by itself.
      int written = 0;
      for (; written < 3; written++) in.write(block(written));
      int expected = 0;
      for (int tick = 0; tick < SoundCapture.TRIM_AFTER_TICKS + 5; tick++) {
        in.write(block(written++));
        in.flush();
        awaitCaptured(capture, written);
        int got = blockNumber(capture.next(tick, 20L * tick));
        assertEquals(expected, got, "tick " + tick);
        expected = got + 1;
        if (tick == SoundCapture.TRIM_AFTER_TICKS - 1) expected++; // the trimmed block
      }
      assertEquals(1, capture.droppedFrames());
    }
  }

  @Test
  void aRecorderThatEndsLeavesSilence() throws Exception {
    Process recorder = cat();
    try (SoundCapture capture = SoundCapture.reading("ended", recorder)) {
      recorder.getOutputStream().close();
      assertTrue(recorder.waitFor(5, TimeUnit.SECONDS));
      for (int n = 0; n < 3; n++) assertTrue(capture.next(n, 20L * n).isSilent());
      assertEquals(3, capture.silentFills());
    }
  }
}
