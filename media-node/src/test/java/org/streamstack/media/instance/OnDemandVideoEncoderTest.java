package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;

/** Encoders of an instance open on their first frame, with what was asked of them before. */
class OnDemandVideoEncoderTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;
  private final SyntheticApplication app = new SyntheticApplication(WIDTH, HEIGHT);

  @Test
  void opensOnTheFirstFrameAtTheLatestTargetAndClosesWithIt() {
    AtomicInteger opened = new AtomicInteger();
    AtomicInteger openedAt = new AtomicInteger();
    OnDemandVideoEncoder encoder = new OnDemandVideoEncoder("test", VideoCodec.H264, "libopenh264", 300_000,
        bitrate -> {
          opened.incrementAndGet();
          openedAt.set(bitrate);
          return new FfmpegVideoEncoder(EncoderImplementation.cpu(VideoCodec.H264),
              EncoderConfig.of(WIDTH, HEIGHT, 30, bitrate));
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
    OnDemandVideoEncoder encoder = new OnDemandVideoEncoder("test", VideoCodec.VP8, "libvpx", 300_000, bitrate -> {
      attempts.incrementAndGet();
      return new FfmpegVideoEncoder(EncoderImplementation.cpu(VideoCodec.VP8), EncoderConfig.of(WIDTH + 1, HEIGHT, 30,
          bitrate));
    });
    assertNull(encoder.encode(app.render(0, 1_000)));
    assertNull(encoder.encode(app.render(1, 1_033)));
    assertEquals(1, attempts.get());
    assertFalse(encoder.isOpen());
    encoder.close();
  }
}
