package org.streamstack.media.video;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One uncompressed picture in I420 (YUV 4:2:0 planar, FFmpeg's {@code yuv420p}): a full-size Y
 * plane and U and V planes of half width and half height, rounded up.
 *
 * <p>Planes are {@link ByteBuffer}s, direct (native capture, zero-copy hand-off) or heap (cheap to
 * allocate and to fill from Java). A frame is handed off, not shared: whoever gives a frame to an
 * encoder does not write to its planes again.
 *
 * <p>{@code captureTimeMillis} is wall-clock time (milliseconds since the Unix epoch) when the
 * application produced the picture; it becomes the RTP timestamp and is what the latency probe
 * carries. {@code frameNumber} counts frames of one source, without gaps unless frames were lost
 * before this point.
 */
public final class VideoFrame {

  private final int width;
  private final int height;
  private final ByteBuffer y;
  private final ByteBuffer u;
  private final ByteBuffer v;
  private final int strideY;
  private final int strideU;
  private final int strideV;
  private final long captureTimeMillis;
  private final long frameNumber;

  public VideoFrame(
      int width,
      int height,
      ByteBuffer y,
      int strideY,
      ByteBuffer u,
      int strideU,
      ByteBuffer v,
      int strideV,
      long captureTimeMillis,
      long frameNumber) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("size " + width + "x" + height);
    }
    int cw = chromaWidth(width);
    int ch = chromaHeight(height);
    checkPlane("Y", y, strideY, width, height);
    checkPlane("U", u, strideU, cw, ch);
    checkPlane("V", v, strideV, cw, ch);
    if (frameNumber < 0) throw new IllegalArgumentException("frameNumber " + frameNumber);
    this.width = width;
    this.height = height;
    this.y = y;
    this.u = u;
    this.v = v;
    this.strideY = strideY;
    this.strideU = strideU;
    this.strideV = strideV;
    this.captureTimeMillis = captureTimeMillis;
    this.frameNumber = frameNumber;
  }

  /** A frame with tightly packed planes (stride = plane width), contents zero. */
  public static VideoFrame allocate(
      int width, int height, boolean direct, long captureTimeMillis, long frameNumber) {
    int cw = chromaWidth(width);
    int ch = chromaHeight(height);
    return new VideoFrame(
        width,
        height,
        buffer(width * height, direct),
        width,
        buffer(cw * ch, direct),
        cw,
        buffer(cw * ch, direct),
        cw,
        captureTimeMillis,
        frameNumber);
  }

  public static int chromaWidth(int width) {
    return (width + 1) / 2;
  }

  public static int chromaHeight(int height) {
    return (height + 1) / 2;
  }

  /** The same planes with other timing: for replaying pre-rendered pictures. */
  public VideoFrame withTiming(long captureTimeMillis, long frameNumber) {
    return new VideoFrame(
        width, height, y, strideY, u, strideU, v, strideV, captureTimeMillis, frameNumber);
  }

  /** A deep copy into heap buffers, tightly packed. */
  public VideoFrame copy() {
    VideoFrame c = allocate(width, height, false, captureTimeMillis, frameNumber);
    copyPlane(y, strideY, c.y, c.strideY, width, height);
    copyPlane(u, strideU, c.u, c.strideU, chromaWidth(width), chromaHeight(height));
    copyPlane(v, strideV, c.v, c.strideV, chromaWidth(width), chromaHeight(height));
    return c;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** The Y plane; position 0 is the top-left sample. Do not change its position or limit. */
  public ByteBuffer dataY() {
    return y;
  }

  public ByteBuffer dataU() {
    return u;
  }

  public ByteBuffer dataV() {
    return v;
  }

  public int strideY() {
    return strideY;
  }

  public int strideU() {
    return strideU;
  }

  public int strideV() {
    return strideV;
  }

  public long captureTimeMillis() {
    return captureTimeMillis;
  }

  public long frameNumber() {
    return frameNumber;
  }

  /** Bytes of picture data, without stride padding. */
  public int pictureBytes() {
    return width * height + 2 * chromaWidth(width) * chromaHeight(height);
  }

  @Override
  public String toString() {
    return "VideoFrame[" + width + "x" + height + " #" + frameNumber + " @" + captureTimeMillis + "]";
  }

  private static ByteBuffer buffer(int size, boolean direct) {
    return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
  }

  private static void checkPlane(String name, ByteBuffer plane, int stride, int w, int h) {
    Objects.requireNonNull(plane, name);
    if (stride < w) {
      throw new IllegalArgumentException(name + " stride " + stride + " < width " + w);
    }
    long needed = (long) stride * (h - 1) + w;
    if (plane.capacity() < needed) {
      throw new IllegalArgumentException(
          name + " plane holds " + plane.capacity() + " bytes, needs " + needed);
    }
  }

  private static void copyPlane(
      ByteBuffer src, int srcStride, ByteBuffer dst, int dstStride, int w, int h) {
    byte[] row = new byte[w];
    for (int r = 0; r < h; r++) {
      src.get(r * srcStride, row, 0, w);
      dst.put(r * dstStride, row, 0, w);
    }
  }
}
