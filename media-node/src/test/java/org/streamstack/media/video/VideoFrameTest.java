package org.streamstack.media.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class VideoFrameTest {

  @Test
  void allocatesI420Planes() {
    VideoFrame f = VideoFrame.allocate(641, 361, true, 5, 7);
    assertEquals(641, f.strideY());
    assertEquals(321, f.strideU());
    assertEquals(321 * 181, f.dataV().capacity());
    assertTrue(f.dataY().isDirect());
    assertEquals(641 * 361 + 2 * 321 * 181, f.pictureBytes());
  }

  @Test
  void acceptsPaddedStridesAndRefusesShortPlanes() {
    ByteBuffer y = ByteBuffer.allocate(64 * 15 + 48);
    ByteBuffer c = ByteBuffer.allocate(32 * 7 + 24);
    VideoFrame f = new VideoFrame(48, 16, y, 64, c, 32, c, 32, 0, 0);
    assertEquals(64, f.strideY());
    assertThrows(
        IllegalArgumentException.class,
        () -> new VideoFrame(48, 16, ByteBuffer.allocate(64 * 15), 64, c, 32, c, 32, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new VideoFrame(48, 16, y, 40, c, 32, c, 32, 0, 0));
  }

  @Test
  void copyAndRetimingKeepPixels() {
    VideoFrame f = VideoFrame.allocate(32, 16, true, 1, 2);
    f.dataY().put(33, (byte) 99);
    VideoFrame copy = f.copy();
    assertEquals(99, copy.dataY().get(33));
    VideoFrame later = f.withTiming(10, 3);
    assertEquals(10, later.captureTimeMillis());
    assertEquals(3, later.frameNumber());
    assertEquals(99, later.dataY().get(33));
  }
}
