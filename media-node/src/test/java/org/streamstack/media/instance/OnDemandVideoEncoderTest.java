package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.testing.TestDecoder;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;

/** Encoders of an instance open on their first frame, with what was asked of them before. */
class OnDemandVideoEncoderTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;
  private final SyntheticApplication app = new SyntheticApplication(WIDTH, HEIGHT);

  @Test
  void opensOnTheFirstFrameAtTheLatestTargetAndClosesWithIt() {
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger openedAt = new AtomicInteger();
    OnDemandVideoEncoder encoder = new OnDemandVideoEncoder("test", VideoCodec.H264, "libopenh264", 300_000, 30,
        (bitrate, width, height, fps) -> {
          opened.incrementAndGet();
          openedAt.set(bitrate);
          return new FfmpegVideoEncoder(EncoderImplementation.cpu(VideoCodec.H264),
              EncoderConfig.of(width, height, fps, bitrate));
        });
    encoder.setTargetBitrate(450_000);
    encoder.requestKeyframe();
    assertFalse(encoder.isOpen());
    assertEquals(0, opened.get(), "nothing opens before a frame arrives");
    assertEquals("libopenh264", encoder.implementationName());
    assertEquals(450_000, encoder.targetBitrate());

    EncodedFrame first = encoder.encode(app.render(0, 1_000));
    assertNotNull(first);
    assertTrue(first.keyframe());
    assertTrue(encoder.isOpen());
    assertEquals(450_000, openedAt.get(), "opens at the target set before");
    assertNotNull(encoder.encode(app.render(1, 1_033)));
    encoder.setTargetBitrate(600_000);
    assertEquals(600_000, encoder.targetBitrate());
    assertEquals(1, opened.get(), "opens once");

    encoder.close();
    assertFalse(encoder.isOpen());
    assertThrows(IllegalStateException.class, () -> encoder.encode(app.render(2, 1_066)));
    encoder.close();
  }

  @Test
  void anEncoderThatCannotOpenSendsNothingAndIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    // An odd width: FFmpeg's encoders take 4:2:0 pictures only, so the configuration is refused.
    OnDemandVideoEncoder encoder = new OnDemandVideoEncoder("test", VideoCodec.VP8, "libvpx", 300_000, 30,
        (bitrate, width, height, fps) -> {
          attempts.incrementAndGet();
          return new FfmpegVideoEncoder(EncoderImplementation.cpu(VideoCodec.VP8),
              EncoderConfig.of(width + 1, height, fps, bitrate));
        });
    assertNull(encoder.encode(app.render(0, 1_000)));
    assertNull(encoder.encode(app.render(1, 1_033)));
    assertEquals(1, attempts.get());
    assertFalse(encoder.isOpen());
    encoder.close();
  }

  @Test
  void framesOfANewSizeReopenItAtThatSizeWithAKeyframeTheDecoderFollows() {
    for (VideoCodec codec : VideoCodec.values()) {
      AtomicInteger opened = new AtomicInteger();
      SyntheticApplication larger = new SyntheticApplication(480, 272);
      OnDemandVideoEncoder encoder = new OnDemandVideoEncoder("test", codec, "cpu", 300_000, 30,
          (bitrate, width, height, fps) -> {
            opened.incrementAndGet();
            return new FfmpegVideoEncoder(EncoderImplementation.cpu(codec), EncoderConfig.of(width, height, fps, bitrate));
          });
      try (TestDecoder decoder = new TestDecoder(codec)) {
        List<VideoFrame> decoded = new ArrayList<>();
        for (int n = 0; n < 3; n++) decoded.addAll(decoder.decode(encoder.encode(app.render(n, 1_000 + n))));
        EncodedFrame firstOfNewSize = encoder.encode(larger.render(3, 1_100));
        assertTrue(firstOfNewSize.keyframe(), codec + ": the new size starts with a keyframe");
        decoded.addAll(decoder.decode(firstOfNewSize));
        for (int n = 4; n < 6; n++) decoded.addAll(decoder.decode(encoder.encode(larger.render(n, 1_100 + n))));
        decoded.addAll(decoder.flush());
        assertEquals(2, opened.get(), codec + ": reopened once, for the new size");
        assertEquals(6, decoded.size(), codec + ": every frame decoded");
        assertEquals(WIDTH, decoded.get(2).width());
        assertEquals(480, decoded.get(3).width(), codec.name());
        assertEquals(272, decoded.get(5).height(), codec.name());
        encoder.setFrameRate(15);
        assertNotNull(encoder.encode(larger.render(6, 1_200)));
        assertEquals(3, opened.get(), codec + ": a new frame rate reopens it too");
      } finally {
        encoder.close();
      }
    }
  }
}
