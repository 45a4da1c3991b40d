package org.streamstack.media.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.media.video.VideoFrame;

class LatencyProbeTest {

  private static final long TIME = 1_767_225_600_123L;

  @Test
  void layoutIsOneStripFromWidth1024AndWrapsBelow() {
    assertEquals(64, LatencyProbe.cellsPerRow(1280));
    assertEquals(1, LatencyProbe.rows(1280));
    assertEquals(16, LatencyProbe.height(1920));
    assertEquals(40, LatencyProbe.cellsPerRow(640));
    assertEquals(2, LatencyProbe.rows(640));
    assertEquals(32, LatencyProbe.height(640));
  }

  @Test
  void bitsAreTimeThenFrameNumberMostSignificantFirst() {
    long bits = LatencyProbe.bits(TIME, 70_000);
    assertEquals(TIME, bits >>> 16);
    assertEquals(70_000 % 65_536, bits & 0xFFFF);
  }

  @Test
  void drawsCellsAsWhiteAndBlackMacroblocks() {
    VideoFrame f = VideoFrame.allocate(1280, 720, false, TIME, 1);
    LatencyProbe.draw(f, 1L << 47, 1); // cell 0 = 1, cells 1-62 = 0, cell 63 = 1
    assertEquals(255, f.dataY().get(0) & 0xFF);
    assertEquals(255, f.dataY().get(15 * 1280 + 15) & 0xFF);
    assertEquals(0, f.dataY().get(16) & 0xFF);
    assertEquals(255, f.dataY().get(63 * 16) & 0xFF);
    assertEquals(128, f.dataU().get(0) & 0xFF);
    assertEquals(128, f.dataV().get(7 * 640 + 7) & 0xFF);
  }

  @Test
  void readsWhatWasDrawnFromI420AndRgba() {
    for (int[] size : new int[][] {{640, 360}, {1280, 720}, {1920, 1080}}) {
      VideoFrame f = new SyntheticApplication(size[0], size[1]).render(123_456, TIME);
      LatencyProbe.Reading fromYuv = LatencyProbe.read(f).orElseThrow();
      assertEquals(TIME, fromYuv.captureTimeMillis());
      assertTrue(fromYuv.matchesFrame(123_456));
      LatencyProbe.Reading fromRgba =
          LatencyProbe.readRgba(toRgba(f), f.width(), f.height()).orElseThrow();
      assertEquals(fromYuv.captureTimeMillis(), fromRgba.captureTimeMillis());
      assertEquals(fromYuv.frameNumber(), fromRgba.frameNumber());
    }
  }

  @Test
  void noProbeInAFlatPicture() {
    VideoFrame grey = VideoFrame.allocate(640, 360, false, 0, 0);
    java.util.Arrays.fill(grey.dataY().array(), (byte) 128);
    assertEquals(Optional.empty(), LatencyProbe.read(grey));
  }

  @Test
  void browserScriptReadsTheSameValues(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(nodeAvailable(), "node not installed");
    VideoFrame f = new SyntheticApplication(640, 360).render(65_537, TIME);
    byte[] rgba = toRgba(f);
    Path pixels = dir.resolve("pixels.rgba");
    Files.write(pixels, rgba);
    Path script = dir.resolve("check.js");
    Files.writeString(
        script,
        LatencyProbe.javaScript()
            + "\nconst data = new Uint8ClampedArray(require('fs').readFileSync(process.argv[2]));"
            + "\nconst r = readLatencyProbe({width: 640, height: 360, data: data});"
            + "\nconsole.log(r.captureTimeMillis + ' ' + r.frameNumber);\n");
    Process node = new ProcessBuilder("node", script.toString(), pixels.toString()).start();
    assertTrue(node.waitFor(20, TimeUnit.SECONDS));
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, node.exitValue(), new String(node.getErrorStream().readAllBytes()));
    assertEquals(TIME + " " + 1, out);
  }

  /** BT.601 limited-range YUV to RGB, as a browser paints a decoded video frame. */
  static byte[] toRgba(VideoFrame f) {
    int w = f.width();
    int h = f.height();
    byte[] rgba = new byte[w * h * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int yy = (f.dataY().get(y * f.strideY() + x) & 0xFF) - 16;
        int u = (f.dataU().get(y / 2 * f.strideU() + x / 2) & 0xFF) - 128;
        int v = (f.dataV().get(y / 2 * f.strideV() + x / 2) & 0xFF) - 128;
        int i = (y * w + x) * 4;
        rgba[i] = clip(1.164 * yy + 1.596 * v);
        rgba[i + 1] = clip(1.164 * yy - 0.392 * u - 0.813 * v);
        rgba[i + 2] = clip(1.164 * yy + 2.017 * u);
        rgba[i + 3] = (byte) 255;
      }
    }
    return rgba;
  }

  private static byte clip(double value) {
    return (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
  }

  private static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
