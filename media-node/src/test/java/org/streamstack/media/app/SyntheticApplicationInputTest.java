package org.streamstack.media.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.testing.TestDecoder;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.protocol.control.ControlMessage.GamepadButton;
import org.streamstack.protocol.control.ControlMessage.Key;
import org.streamstack.protocol.control.ControlMessage.MouseButton;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessage.MouseMove;
import org.streamstack.protocol.control.ControlMessage.StreamDisconnect;

class SyntheticApplicationInputTest {

  private static final long TIME = 1_767_225_600_123L;

  private static int y(VideoFrame f, int x, int y) {
    return f.dataY().get(y * f.strideY() + x) & 0xFF;
  }

  private static int[] yuv(VideoFrame f, int x, int y) {
    return new int[] {
      y(f, x, y),
      f.dataU().get(y / 2 * f.strideU() + x / 2) & 0xFF,
      f.dataV().get(y / 2 * f.strideV() + x / 2) & 0xFF
    };
  }

  @Test
  void theCursorIsDrawnWhereTheMouseMoved() {
    SyntheticApplication app = new SyntheticApplication(1280, 720);
    VideoFrame before = app.render(3, TIME);
    app.apply(new MouseMove(600, 400, 5, -3));
    VideoFrame after = app.render(3, TIME);
    // White square centred on the pointer, neutral chroma, in a 4-pixel black border.
    assertArrayEquals(new int[] {235, 128, 128}, yuv(after, 600, 400));
    assertEquals(235, y(after, 600 - 8, 400 - 8));
    assertEquals(235, y(after, 600 + 7, 400 + 7));
    assertEquals(16, y(after, 600 - 12, 400));
    assertEquals(16, y(after, 600 + 11, 400));
    assertEquals(16, y(after, 600, 400 - 12));
    assertEquals(16, y(after, 600, 400 + 11));
    // Nothing but the cursor changed: outside its 24x24 square the pictures are the same.
    assertEquals(y(before, 600 - 13, 400), y(after, 600 - 13, 400));
    assertEquals(y(before, 600 + 12, 400), y(after, 600 + 12, 400));
    assertNotEquals(235, y(before, 600, 400), "no cursor before the pointer moved");
  }

  @Test
  void aLockedPointersRelativeMovesMoveTheCursorFromWhereItIsAndKeepItOnThePicture() {
    SyntheticApplication app = new SyntheticApplication(1280, 720);
    app.apply(new MouseMove(600, 400, 0, 0));
    app.apply(new ControlMessage.RelativeMouseMove(40, -100));
    assertEquals(new InputState.Snapshot(true, 640, 300, 0), app.inputState().snapshot());
    VideoFrame f = app.render(0, TIME);
    assertEquals(235, y(f, 640, 300), "the cursor drawn where the relative move took it");
    app.apply(new ControlMessage.RelativeMouseMove(5000, 5000));
    assertEquals(new InputState.Snapshot(true, 1279, 719, 0), app.inputState().snapshot());
    app.apply(new ControlMessage.RelativeMouseMove(-10, -10));
    assertEquals(new InputState.Snapshot(true, 1269, 709, 0), app.inputState().snapshot(),
        "pushed past the edge, it comes back at once");
  }

  @Test
  void inputPositionsAreVideoPixelsScaledToThePicture() {
    SyntheticApplication app = new SyntheticApplication(1280, 720);
    app.setVideoSize(640, 360); // the client sees the picture at half size
    app.apply(new MouseMove(300, 200, 0, 0));
    VideoFrame f = app.render(0, TIME);
    assertEquals(235, y(f, 600, 400));
    assertEquals(16, y(f, 600 - 12, 400));
  }

  @Test
  void everyPressChangesTheColourAtTheSwatch() {
    SyntheticApplication app = new SyntheticApplication(1280, 720);
    SyntheticApplication.Region swatch = app.inputSwatch();
    int sx = swatch.centreX();
    int sy = swatch.centreY();
    int[] first = yuv(app.render(0, TIME), sx, sy);
    assertArrayEquals(SyntheticApplication.INPUT_COLOURS[0], first);

    app.apply(new Key(30, true));
    int[] afterKey = yuv(app.render(1, TIME), sx, sy);
    assertArrayEquals(SyntheticApplication.INPUT_COLOURS[1], afterKey);
    assertTrue(Math.abs(afterKey[0] - first[0]) >= 24, "the luma alone shows the change");

    app.apply(new Key(30, false));
    app.apply(new MouseButton(MouseButton.LEFT, false));
    app.apply(new GamepadButton(0, 0, true));
    app.apply(new StreamDisconnect());
    assertArrayEquals(afterKey, yuv(app.render(2, TIME), sx, sy), "releases and others do not count");

    app.apply(new MouseButton(MouseButton.RIGHT, true));
    assertArrayEquals(SyntheticApplication.INPUT_COLOURS[2], yuv(app.render(3, TIME), sx, sy));
    for (int i = 0; i < 4; i++) app.apply(new Key(57, true));
    assertArrayEquals(SyntheticApplication.INPUT_COLOURS[0], yuv(app.render(4, TIME), sx, sy), "six colours, cycled");
    assertEquals(6, app.inputState().snapshot().presses());
  }

  @Test
  void allInputColoursAreDistinct() {
    int[][] c = SyntheticApplication.INPUT_COLOURS;
    for (int i = 0; i < c.length; i++) {
      for (int j = i + 1; j < c.length; j++) {
        assertTrue(Math.abs(c[i][0] - c[j][0]) >= 24, "luma of " + i + " and " + j);
      }
    }
  }

  @Test
  void theCursorNeverCoversTheLatencyProbe() {
    for (int[] size : new int[][] {{1280, 720}, {640, 360}}) {
      int w = size[0];
      int h = size[1];
      SyntheticApplication plain = new SyntheticApplication(w, h);
      SyntheticApplication pointed = new SyntheticApplication(w, h);
      // The rectangle the probe's rows span (narrow pictures wrap it into a partly filled row).
      int probeWidth = LatencyProbe.cellsPerRow(w) * LatencyProbe.CELL_SIZE;
      int probeHeight = LatencyProbe.height(w);
      // Over the probe, across its right edge and across its bottom edge.
      for (int[] at : new int[][] {{5, 5}, {probeWidth - 4, 8}, {300, probeHeight - 4}}) {
        pointed.apply(new MouseMove(at[0], at[1], 0, 0));
        VideoFrame reference = plain.render(77, TIME);
        VideoFrame f = pointed.render(77, TIME);
        LatencyProbe.Reading reading = LatencyProbe.read(f).orElseThrow();
        assertEquals(TIME, reading.captureTimeMillis());
        assertTrue(reading.matchesFrame(77));
        for (int r = 0; r < probeHeight; r++) {
          byte[] a = new byte[probeWidth];
          byte[] b = new byte[probeWidth];
          reference.dataY().get(r * w, a);
          f.dataY().get(r * w, b);
          assertArrayEquals(a, b, w + "x" + h + " probe row " + r + ", cursor at " + Arrays.toString(at));
        }
        for (int r = 0; r < probeHeight / 2; r++) {
          for (int x = 0; x < probeWidth / 2; x++) {
            String where = w + "x" + h + " chroma " + x + "," + r + ", cursor at " + Arrays.toString(at);
            assertEquals(reference.dataU().get(r * f.strideU() + x), f.dataU().get(r * f.strideU() + x), where);
            assertEquals(reference.dataV().get(r * f.strideV() + x), f.dataV().get(r * f.strideV() + x), where);
          }
        }
      }
      // The parts outside the probe are drawn: beside it (1280 wide) and below it.
      pointed.apply(new MouseMove(300, probeHeight + 2, 0, 0));
      assertEquals(235, y(pointed.render(0, TIME), 300, probeHeight + 2));
      assertEquals(235, y(pointed.render(0, TIME), 300, probeHeight), "the rows just below the probe");
      if (w > probeWidth) {
        pointed.apply(new MouseMove(probeWidth + 2, 6, 0, 0));
        VideoFrame f = pointed.render(0, TIME);
        assertEquals(235, y(f, probeWidth + 2, 6));
        assertTrue(LatencyProbe.read(f).isPresent());
      }
    }
  }

  @Test
  void positionsPastTheEdgeDrawNothingAndBreakNothing() {
    SyntheticApplication app = new SyntheticApplication(640, 360);
    app.apply(new MouseMove(100_000, 100_000, 0, 0));
    VideoFrame f = app.render(0, TIME);
    assertTrue(LatencyProbe.read(f).isPresent());
    app.apply(new MouseMove(640, 360, 0, 0));
    VideoFrame corner = app.render(0, TIME);
    assertEquals(235, y(corner, 639, 359), "the cursor centred on the corner, cut by the edges");
    assertEquals(16, y(corner, 640 - 12, 359));
  }

  @Test
  void inputFromAnotherThreadIsSeenWhole() throws Exception {
    InputState state = new InputState();
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; !stop.get(); i = (i + 1) % 10_000) {
                state.apply(new MouseMove(i, 2 * i, 0, 0));
                if (i % 7 == 0) state.apply(new Key(30, true));
              }
            });
    writer.start();
    try {
      long lastPresses = 0;
      for (int i = 0; i < 100_000; i++) {
        InputState.Snapshot s = state.snapshot();
        if (s.cursorVisible()) assertEquals(2 * s.cursorX(), s.cursorY(), "a position is never torn");
        assertTrue(s.presses() >= lastPresses, "presses only grow");
        lastPresses = s.presses();
      }
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  @Test
  void inputChangesTheDecodedPictures() {
    SyntheticApplication app = new SyntheticApplication(640, 360);
    SyntheticApplication.Region swatch = app.inputSwatch();
    try (FfmpegVideoEncoder encoder =
            new FfmpegVideoEncoder(
                EncoderImplementation.OPENH264, EncoderConfig.of(640, 360, 30, 1_500_000));
        TestDecoder decoder = new TestDecoder(VideoCodec.H264)) {
      VideoFrame before = decodeOne(encoder, decoder, app.render(0, TIME));
      app.apply(new Key(30, true));
      app.apply(new MouseMove(320, 200, 0, 0));
      VideoFrame after = decodeOne(encoder, decoder, app.render(1, TIME + 33));
      int swatchBefore = y(before, swatch.centreX(), swatch.centreY());
      int swatchAfter = y(after, swatch.centreX(), swatch.centreY());
      assertTrue(Math.abs(swatchAfter - swatchBefore) >= 40, swatchBefore + " -> " + swatchAfter);
      assertTrue(y(after, 320, 200) > 200, "cursor visible: " + y(after, 320, 200));
      assertTrue(y(after, 320 - 11, 200) < 60, "cursor border: " + y(after, 320 - 11, 200));
      assertEquals(TIME + 33, LatencyProbe.read(after).orElseThrow().captureTimeMillis());
    }
  }

  private static VideoFrame decodeOne(FfmpegVideoEncoder encoder, TestDecoder decoder, VideoFrame frame) {
    EncodedFrame encoded = encoder.encode(frame);
    List<VideoFrame> pictures = decoder.decode(encoded);
    assertEquals(1, pictures.size());
    assertFalse(pictures.get(0).width() != 640);
    return pictures.get(0);
  }
}
