package org.streamstack.media.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.streamstack.media.video.VideoFrame;

/**
 * The latency probe: 64 cells of 16x16 pixels in the top-left corner of every picture the
 * synthetic application draws. A white cell (Y=255, U=V=128) is a 1, a black cell (Y=0) a 0,
 * most significant bit first. Cells 0-47 hold the capture time in milliseconds since the Unix
 * epoch, cells 48-63 the frame number modulo 65536.
 *
 * <p>Cells run left to right in one strip when the picture is at least 1024 pixels wide;
 * narrower pictures wrap the strip into rows of {@code width / 16} cells. Each cell is one 16x16
 * macroblock (H.264) and lies on the 8x8 chroma grid, so compression keeps it flat and the
 * centre of each cell survives even low bitrates. The browser page reads the same cells with
 * {@code latency-probe.js} and subtracts the capture time from its own clock.
 */
public final class LatencyProbe {

  public static final int CELL_SIZE = 16;
  public static final int CELLS = 64;
  public static final int TIME_BITS = 48;
  public static final int FRAME_NUMBER_BITS = 16;
  /** Sample values closer than this to mid-grey mean: no probe here. */
  static final int MIN_MARGIN = 48;
  /**
   * Class-path resource holding {@link #javaScript()}: in the protocol module, because the
   * probe's layout is a contract between media nodes and every page that reads it (the gateway
   * serves this same file to its demo page).
   */
  public static final String SCRIPT_RESOURCE = "web/latency-probe.js";

  private static final long TIME_MASK = (1L << TIME_BITS) - 1;

  /** A decoded probe. {@code margin}: how far the least clear cell was from mid-grey (0-127). */
  public record Reading(long captureTimeMillis, int frameNumber, int margin) {
    /** Whether this reading carries {@code frameNumber} (compared modulo 65536). */
    public boolean matchesFrame(long frameNumber) {
      return this.frameNumber == (int) (frameNumber & 0xFFFF);
    }
  }

  private LatencyProbe() {}

  public static int cellsPerRow(int width) {
    if (width < 8 * CELL_SIZE) {
      throw new IllegalArgumentException("picture too narrow for the latency probe: " + width);
    }
    return Math.min(CELLS, width / CELL_SIZE);
  }

  public static int rows(int width) {
    int perRow = cellsPerRow(width);
    return (CELLS + perRow - 1) / perRow;
  }

  /** Height in pixels the probe covers. */
  public static int height(int width) {
    return rows(width) * CELL_SIZE;
  }

  /** The 64 probe bits: time in the upper 48, frame number in the lower 16. */
  public static long bits(long captureTimeMillis, long frameNumber) {
    return ((captureTimeMillis & TIME_MASK) << FRAME_NUMBER_BITS) | (frameNumber & 0xFFFF);
  }

  /** Draws the probe into an I420 frame's planes. */
  public static void draw(VideoFrame frame, long captureTimeMillis, long frameNumber) {
    int perRow = cellsPerRow(frame.width());
    if (height(frame.width()) > frame.height()) {
      throw new IllegalArgumentException("picture too small for the latency probe");
    }
    long bits = bits(captureTimeMillis, frameNumber);
    byte[] white = filled(CELL_SIZE, (byte) 255);
    byte[] black = filled(CELL_SIZE, (byte) 0);
    byte[] neutral = filled(CELL_SIZE / 2, (byte) 128);
    ByteBuffer y = frame.dataY();
    ByteBuffer u = frame.dataU();
    ByteBuffer v = frame.dataV();
    for (int cell = 0; cell < CELLS; cell++) {
      boolean one = ((bits >>> (CELLS - 1 - cell)) & 1) != 0;
      int x0 = (cell % perRow) * CELL_SIZE;
      int y0 = (cell / perRow) * CELL_SIZE;
      byte[] row = one ? white : black;
      for (int r = 0; r < CELL_SIZE; r++) {
        y.put((y0 + r) * frame.strideY() + x0, row, 0, CELL_SIZE);
      }
      for (int r = 0; r < CELL_SIZE / 2; r++) {
        u.put((y0 / 2 + r) * frame.strideU() + x0 / 2, neutral, 0, CELL_SIZE / 2);
        v.put((y0 / 2 + r) * frame.strideV() + x0 / 2, neutral, 0, CELL_SIZE / 2);
      }
    }
  }

  /** Reads the probe from the luma plane of a decoded I420 picture. */
  public static Optional<Reading> read(VideoFrame frame) {
    return readLuma(frame.dataY(), frame.strideY(), frame.width(), frame.height());
  }

  /** Reads the probe from a luma plane: {@code stride} bytes per row, one byte per pixel. */
  public static Optional<Reading> readLuma(ByteBuffer luma, int stride, int width, int height) {
    return decode(width, height, (x, y) -> luma.get(y * stride + x) & 0xFF);
  }

  /**
   * Reads the probe from RGBA pixels, four bytes per pixel, rows of {@code width * 4} bytes: what
   * a canvas {@code ImageData} holds after drawing the decoded video.
   */
  public static Optional<Reading> readRgba(byte[] rgba, int width, int height) {
    return decode(
        width,
        height,
        (x, y) -> {
          int i = (y * width + x) * 4;
          return ((rgba[i] & 0xFF) + (rgba[i + 1] & 0xFF) + (rgba[i + 2] & 0xFF)) / 3;
        });
  }

  private interface Sampler {
    int value(int x, int y);
  }

  private static Optional<Reading> decode(int width, int height, Sampler sampler) {
    if (width < 8 * CELL_SIZE || height < height(width)) return Optional.empty();
    int perRow = cellsPerRow(width);
    long bits = 0;
    int margin = 127;
    for (int cell = 0; cell < CELLS; cell++) {
      int x0 = (cell % perRow) * CELL_SIZE;
      int y0 = (cell / perRow) * CELL_SIZE;
      // Mean of the centre 4x4: the cell's edges carry ringing from its neighbours.
      int sum = 0;
      for (int dy = 6; dy < 10; dy++) {
        for (int dx = 6; dx < 10; dx++) {
          sum += sampler.value(x0 + dx, y0 + dy);
        }
      }
      int mean = sum / 16;
      margin = Math.min(margin, Math.abs(mean - 128));
      bits = (bits << 1) | (mean >= 128 ? 1 : 0);
    }
    if (margin < MIN_MARGIN) return Optional.empty();
    return Optional.of(
        new Reading(bits >>> FRAME_NUMBER_BITS, (int) (bits & 0xFFFF), margin));
  }

  /** The browser-side reader, {@code readLatencyProbe(imageData)}, as a script. */
  public static String javaScript() {
    try (InputStream in = LatencyProbe.class.getResourceAsStream("/" + SCRIPT_RESOURCE)) {
      if (in == null) throw new IllegalStateException(SCRIPT_RESOURCE + " missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, value);
    return b;
  }
}
