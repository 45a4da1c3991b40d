package org.streamstack.media.app;

import java.util.Arrays;
import org.streamstack.media.video.VideoFrame;

/**
 * A stand-in for a streamed application: draws a moving test picture straight into I420.
 *
 * <p>Top two thirds: eight colour bars (75 % BT.601) with a box bouncing over them. Bottom third,
 * left half: a fine-grained texture like lines of text scrolling left (motion an encoder predicts
 * well). Bottom third, right half: grain that changes completely every frame, like video playing
 * inside the application (residual an encoder must pay for, so the bitrate matters). Below the
 * latency probe: the frame number in large segment digits. Top-left: the {@link LatencyProbe}.
 *
 * <p>The picture depends only on the frame number (and the probe on the capture time), so two
 * applications of one size draw the same pictures. Everything is row copies and row fills of
 * precomputed lines: about 0.3 ms for a 720p frame, no per-pixel arithmetic per frame.
 */
public final class SyntheticApplication {

  public static final int DEFAULT_WIDTH = 1280;
  public static final int DEFAULT_HEIGHT = 720;

  /** 75 % colour bars: white, yellow, cyan, green, magenta, red, blue, black (Y, U, V). */
  private static final int[][] BARS = {
    {180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58},
    {84, 184, 198}, {65, 100, 212}, {35, 212, 114}, {16, 128, 128}
  };

  /** Box colours, cycled once per bounce cycle: orange, sky blue, pink, lime (Y, U, V). */
  private static final int[][] BOX_COLOURS = {
    {151, 62, 194}, {150, 170, 80}, {170, 130, 190}, {190, 60, 100}
  };

  /** Segments a-g of the digits 0-9, bit 0 = a (top), clockwise, bit 6 = g (middle). */
  private static final int[] SEGMENTS = {
    0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F
  };

  private static final int COUNTER_DIGITS = 6;
  private static final int SCROLL_PIXELS_PER_FRAME = 4;
  private static final int GRAIN_POOL = 1 << 14;
  private static final double GRAIN_SIGMA = 12;

  private final int width;
  private final int height;
  private final int chromaWidth;
  private final int chromaHeight;
  private final int barsEnd;
  private final byte[] barRowY;
  private final byte[] barRowU;
  private final byte[] barRowV;
  private final int texturePeriod;
  private final byte[][] textureRows;
  private final byte[] neutralChromaRow;
  private final int grainX;
  private final byte[] grainPool;
  private final int boxSize;
  private final int digitWidth;
  private final int digitHeight;
  private final int segment;

  public SyntheticApplication() {
    this(DEFAULT_WIDTH, DEFAULT_HEIGHT);
  }

  public SyntheticApplication(int width, int height) {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("I420 wants even sizes: " + width + "x" + height);
    }
    LatencyProbe.cellsPerRow(width);
    this.width = width;
    this.height = height;
    this.chromaWidth = VideoFrame.chromaWidth(width);
    this.chromaHeight = VideoFrame.chromaHeight(height);
    this.barsEnd = (height * 2 / 3) & ~1;

    barRowY = new byte[width];
    barRowU = new byte[chromaWidth];
    barRowV = new byte[chromaWidth];
    for (int x = 0; x < width; x++) {
      int[] bar = BARS[x * BARS.length / width];
      barRowY[x] = (byte) bar[0];
      if (x % 2 == 0) {
        barRowU[x / 2] = (byte) bar[1];
        barRowV[x / 2] = (byte) bar[2];
      }
    }

    // Scrolling texture: rows twice the picture width so any window of `width` columns starting
    // below `texturePeriod` is a plain copy. Blocky noise with edges, like text and UI.
    texturePeriod = width;
    int textureHeight = height - barsEnd;
    textureRows = new byte[textureHeight][width + texturePeriod];
    for (int r = 0; r < textureHeight; r++) {
      for (int x = 0; x < texturePeriod; x++) {
        int cellHash = hash((x / 6) * 7919 + (r / 10) * 104729);
        int glyph = ((cellHash >>> 8) & 3) == 0 ? 0 : 1;
        int ink = hash(x * 31 + r * 17 + cellHash) & 0x3F;
        int value = glyph == 0 ? 40 + ink : 200 - ink;
        if (r % 10 >= 8) value = 128;
        textureRows[r][x] = (byte) value;
        textureRows[r][x + texturePeriod] = (byte) value;
      }
    }
    // Grain: rows are windows into a pool of noise at offsets that change per row and frame.
    grainX = (width / 2) & ~15;
    grainPool = new byte[GRAIN_POOL + width];
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < grainPool.length; i++) {
      grainPool[i] = (byte) (128 + (int) Math.round(random.nextGaussian() * GRAIN_SIGMA));
    }
    neutralChromaRow = new byte[chromaWidth];
    Arrays.fill(neutralChromaRow, (byte) 128);

    boxSize = Math.max(16, (height / 6) & ~1);
    digitHeight = Math.max(14, (height / 12) & ~1);
    digitWidth = Math.max(8, (digitHeight * 3 / 5) & ~1);
    segment = Math.max(2, (digitHeight / 8) & ~1);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Draws frame {@code frameNumber} into a new frame with heap planes. */
  public VideoFrame render(long frameNumber, long captureTimeMillis) {
    VideoFrame frame = VideoFrame.allocate(width, height, false, captureTimeMillis, frameNumber);
    renderInto(frame);
    return frame;
  }

  /** Draws the picture of {@code frame.frameNumber()} into its planes. */
  public void renderInto(VideoFrame frame) {
    if (frame.width() != width || frame.height() != height) {
      throw new IllegalArgumentException("frame is " + frame.width() + "x" + frame.height());
    }
    long n = frame.frameNumber();
    Planes p = Planes.of(frame);

    for (int r = 0; r < barsEnd; r++) {
      System.arraycopy(barRowY, 0, p.y, p.offY + r * p.strideY, width);
    }
    for (int r = 0; r < barsEnd / 2; r++) {
      System.arraycopy(barRowU, 0, p.u, p.offU + r * p.strideU, chromaWidth);
      System.arraycopy(barRowV, 0, p.v, p.offV + r * p.strideV, chromaWidth);
    }
    int shift = (int) ((n * SCROLL_PIXELS_PER_FRAME) % texturePeriod);
    for (int r = barsEnd; r < height; r++) {
      System.arraycopy(textureRows[r - barsEnd], shift, p.y, p.offY + r * p.strideY, width);
    }
    int grainWidth = width - grainX;
    for (int r = barsEnd; r < height; r++) {
      int offset = hash((int) n * 65_599 + r) & (GRAIN_POOL - 1);
      System.arraycopy(grainPool, offset, p.y, p.offY + r * p.strideY + grainX, grainWidth);
    }
    for (int r = barsEnd / 2; r < chromaHeight; r++) {
      System.arraycopy(neutralChromaRow, 0, p.u, p.offU + r * p.strideU, chromaWidth);
      System.arraycopy(neutralChromaRow, 0, p.v, p.offV + r * p.strideV, chromaWidth);
    }

    drawBox(p, n);
    drawCounter(p, n);
    LatencyProbe.draw(frame, frame.captureTimeMillis(), n);
  }

  private void drawBox(Planes p, long n) {
    // A bounce over the bars band: triangle waves of different periods in x and y.
    int rangeX = width - boxSize;
    int rangeY = barsEnd - boxSize;
    int x = (triangle(n * 6, rangeX)) & ~1;
    int y = (triangle(n * 4, rangeY)) & ~1;
    int[] colour = BOX_COLOURS[(int) ((n / 120) % BOX_COLOURS.length)];
    fillRect(p, x, y, boxSize, boxSize, colour[0], colour[1], colour[2]);
  }

  private void drawCounter(Planes p, long n) {
    int margin = segment * 2;
    int x0 = margin;
    int y0 = LatencyProbe.height(width) + margin;
    int step = digitWidth + segment * 2;
    int boxW = COUNTER_DIGITS * step + margin;
    int boxH = digitHeight + 2 * margin;
    fillRect(p, x0 - margin / 2, y0 - margin / 2, boxW, boxH, 16, 128, 128);
    long value = n;
    for (int d = COUNTER_DIGITS - 1; d >= 0; d--) {
      drawDigit(p, x0 + d * step + margin / 2, y0 + margin / 2, (int) (value % 10));
      value /= 10;
    }
  }

  private void drawDigit(Planes p, int x, int y, int digit) {
    int mask = SEGMENTS[digit];
    int w = digitWidth;
    int h = digitHeight;
    int s = segment;
    int half = h / 2;
    int white = 235;
    if ((mask & 0x01) != 0) fillLuma(p, x, y, w, s, white); // a
    if ((mask & 0x02) != 0) fillLuma(p, x + w - s, y, s, half, white); // b
    if ((mask & 0x04) != 0) fillLuma(p, x + w - s, y + half, s, h - half, white); // c
    if ((mask & 0x08) != 0) fillLuma(p, x, y + h - s, w, s, white); // d
    if ((mask & 0x10) != 0) fillLuma(p, x, y + half, s, h - half, white); // e
    if ((mask & 0x20) != 0) fillLuma(p, x, y, s, half, white); // f
    if ((mask & 0x40) != 0) fillLuma(p, x, y + half - s / 2, w, s, white); // g
  }

  private void fillRect(Planes p, int x, int y, int w, int h, int yv, int uv, int vv) {
    fillLuma(p, x, y, w, h, yv);
    int cx0 = Math.max(0, x / 2);
    int cy0 = Math.max(0, y / 2);
    int cx1 = Math.min(chromaWidth, (x + w + 1) / 2);
    int cy1 = Math.min(chromaHeight, (y + h + 1) / 2);
    for (int r = cy0; r < cy1; r++) {
      Arrays.fill(p.u, p.offU + r * p.strideU + cx0, p.offU + r * p.strideU + cx1, (byte) uv);
      Arrays.fill(p.v, p.offV + r * p.strideV + cx0, p.offV + r * p.strideV + cx1, (byte) vv);
    }
  }

  private void fillLuma(Planes p, int x, int y, int w, int h, int value) {
    int x0 = Math.max(0, x);
    int x1 = Math.min(width, x + w);
    int y1 = Math.min(height, y + h);
    for (int r = Math.max(0, y); r < y1; r++) {
      Arrays.fill(p.y, p.offY + r * p.strideY + x0, p.offY + r * p.strideY + x1, (byte) value);
    }
  }

  private static int triangle(long t, int range) {
    if (range <= 0) return 0;
    long period = 2L * range;
    int phase = (int) (t % period);
    return phase <= range ? phase : (int) (period - phase);
  }

  private static int hash(int x) {
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    return x;
  }

  /** Backing arrays of a frame's planes: rendering is row copies into arrays. */
  private record Planes(
      byte[] y, int offY, int strideY, byte[] u, int offU, int strideU, byte[] v, int offV,
      int strideV) {
    static Planes of(VideoFrame f) {
      if (!f.dataY().hasArray() || !f.dataU().hasArray() || !f.dataV().hasArray()) {
        throw new IllegalArgumentException("the synthetic application draws into heap planes");
      }
      return new Planes(
          f.dataY().array(), f.dataY().arrayOffset(), f.strideY(),
          f.dataU().array(), f.dataU().arrayOffset(), f.strideU(),
          f.dataV().array(), f.dataV().arrayOffset(), f.strideV());
    }
  }
}
