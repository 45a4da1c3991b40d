package org.streamstack.media.app;

import java.util.Arrays;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.protocol.control.ControlMessage;

/**
 * A stand-in for a streamed application: draws a moving test picture straight into I420.
 *
 * <p>Top two thirds: eight colour bars (75 % BT.601) with a box bouncing over them. Bottom third,
 * left half: a fine-grained texture like lines of text scrolling left (motion an encoder predicts
 * well). Bottom third, right half: grain that changes completely every frame, like video playing
 * inside the application (residual an encoder must pay for, so the bitrate matters). Below the
 * latency probe: the frame number in large segment digits. Top-left: the {@link LatencyProbe}.
 *
 * <p>It reacts to the client's input ({@link InputSink}), so tests can see input reach the
 * application in the pictures the browser decodes: a 24x24 cursor (white square in a black
 * border, centred on the pointer) follows {@code input::mouse-move}, and every key press and
 * mouse button press moves the box and the {@linkplain #inputSwatch input swatch} (a square at
 * the top right, under the probe) to the next of six colours. The cursor never covers the
 * latency probe: it is clipped out of the probe's area, and the probe is drawn last.
 *
 * <p>The picture depends only on the frame number and the input so far (and the probe on the
 * capture time), so two applications of one size given the same input draw the same pictures.
 * Everything is row copies and row fills of precomputed lines: about 0.3 ms for a 720p frame, no
 * per-pixel arithmetic per frame.
 */
public final class SyntheticApplication implements FrameSource {

  public static final int DEFAULT_WIDTH = 1280;
  public static final int DEFAULT_HEIGHT = 720;

  /** 75 % colour bars: white, yellow, cyan, green, magenta, red, blue, black (Y, U, V). */
  private static final int[][] BARS = {
    {180, 128, 128}, {162, 44, 142}, {131, 156, 44}, {112, 72, 58},
    {84, 184, 198}, {65, 100, 212}, {35, 212, 114}, {16, 128, 128}
  };

  /**
   * Colours of the box and the input swatch, one step per press: 100 % BT.601 red, green, blue,
   * yellow, cyan, magenta (Y, U, V). Their lumas differ by 24 or more, so a change shows in any
   * channel even after compression.
   */
  static final int[][] INPUT_COLOURS = {
    {81, 90, 240}, {145, 54, 34}, {41, 240, 110}, {210, 16, 146}, {170, 166, 16}, {106, 202, 222}
  };

  public static final int CURSOR_SIZE = 24;
  private static final int CURSOR_BORDER = 4;

  /** An area of the picture, in pixels. */
  public record Region(int x, int y, int width, int height) {
    public int centreX() {
      return x + width / 2;
    }

    public int centreY() {
      return y + height / 2;
    }
  }

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
  private final int probeWidth;
  private final int probeHeight;
  private final Region swatch;
  private final InputState input = new InputState();
  /** Size of the video the client sees, which input positions refer to: width high, height low. */
  private volatile long videoSize;

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

    probeWidth = LatencyProbe.cellsPerRow(width) * LatencyProbe.CELL_SIZE;
    probeHeight = LatencyProbe.height(width);
    int swatchSize = Math.max(32, (height / 8) & ~15);
    swatch =
        new Region(
            (width - swatchSize - 16) & ~15, probeHeight + 16, swatchSize, swatchSize);
    setVideoSize(width, height);
  }

  /** A new picture of the new size (its sizes are drawn once, at construction); the input state starts over. */
  @Override
  public SyntheticApplication resized(int newWidth, int newHeight) {
    return new SyntheticApplication(newWidth, newHeight);
  }

  /** The client's input: the cursor follows the pointer, presses change colours. */
  @Override
  public void apply(ControlMessage message) {
    input.apply(message);
  }

  public InputState inputState() {
    return input;
  }

  /**
   * The size of the video the client decodes, when the stream is scaled from the application's
   * pictures: input positions are in video pixels. The application's own size until told.
   */
  public void setVideoSize(int videoWidth, int videoHeight) {
    if (videoWidth <= 0 || videoHeight <= 0) {
      throw new IllegalArgumentException("video size " + videoWidth + "x" + videoHeight);
    }
    videoSize = ((long) videoWidth << 32) | videoHeight;
    input.setBounds(videoWidth, videoHeight);
  }

  /** The input swatch: a flat square whose colour changes on every press; sample its centre. */
  public Region inputSwatch() {
    return swatch;
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
    InputState.Snapshot in = input.snapshot();
    int[] colour = INPUT_COLOURS[(int) (in.presses() % INPUT_COLOURS.length)];

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

    drawBox(p, n, colour);
    drawCounter(p, n);
    fillRect(
        p, swatch.x(), swatch.y(), swatch.width(), swatch.height(), colour[0], colour[1], colour[2]);
    if (in.cursorVisible()) drawCursor(p, in.cursorX(), in.cursorY());
    LatencyProbe.draw(frame, frame.captureTimeMillis(), n);
  }

  /** The cursor centred on the pointer, mapped from video pixels to ours, outside the probe. */
  private void drawCursor(Planes p, int videoX, int videoY) {
    long size = videoSize;
    int vw = (int) (size >>> 32);
    int vh = (int) size;
    // Clamped first: a position past the video's edge draws nothing rather than overflowing.
    int x = (int) Math.min((long) videoX * width / vw, width) - CURSOR_SIZE / 2;
    int y = (int) Math.min((long) videoY * height / vh, height) - CURSOR_SIZE / 2;
    int inner = CURSOR_SIZE - 2 * CURSOR_BORDER;
    fillOutsideProbe(p, x, y, CURSOR_SIZE, CURSOR_SIZE, 16);
    fillOutsideProbe(p, x + CURSOR_BORDER, y + CURSOR_BORDER, inner, inner, 235);
  }

  /**
   * A grey-scale rectangle minus the band the latency probe's rows span: the rows beside it, then
   * the rows below it. (Below 1024 pixels the probe wraps and its last row is partly filled; the
   * whole band stays clear.) The band is 16-pixel aligned, so the chroma of these parts never
   * reaches it.
   */
  private void fillOutsideProbe(Planes p, int x, int y, int w, int h, int luma) {
    int besideEnd = Math.min(y + h, probeHeight);
    if (y < besideEnd) {
      int x0 = Math.max(x, probeWidth);
      if (x0 < x + w) fillRect(p, x0, y, x + w - x0, besideEnd - y, luma, 128, 128);
    }
    int below = Math.max(y, probeHeight);
    if (below < y + h) fillRect(p, x, below, w, y + h - below, luma, 128, 128);
  }

  private void drawBox(Planes p, long n, int[] colour) {
    // A bounce over the bars band: triangle waves of different periods in x and y.
    int rangeX = width - boxSize;
    int rangeY = barsEnd - boxSize;
    int x = (triangle(n * 6, rangeX)) & ~1;
    int y = (triangle(n * 4, rangeY)) & ~1;
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
    if (cx0 >= cx1) return;
    for (int r = cy0; r < cy1; r++) {
      Arrays.fill(p.u, p.offU + r * p.strideU + cx0, p.offU + r * p.strideU + cx1, (byte) uv);
      Arrays.fill(p.v, p.offV + r * p.strideV + cx0, p.offV + r * p.strideV + cx1, (byte) vv);
    }
  }

  private void fillLuma(Planes p, int x, int y, int w, int h, int value) {
    int x0 = Math.max(0, x);
    int x1 = Math.min(width, x + w);
    int y1 = Math.min(height, y + h);
    if (x0 >= x1) return;
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

  /** Nothing to free: the picture is Java memory. */
  @Override
  public void close() {}
}
