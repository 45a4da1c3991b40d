package org.streamstack.media.x11;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.io.IOException;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.video.VideoFrame;

/**
 * Grabs a display's screen through FFmpeg's {@code x11grab} input (libavdevice over XCB, with
 * MIT-SHM when the X server is local: the X server writes the picture into shared memory, and
 * nothing copies it before the colour conversion) and converts it with swscale from the server's
 * 32-bit BGRx straight into the I420 planes of a new {@link VideoFrame}, the only copy. Chroma is
 * averaged over each 2x2 block (bilinear), not picked from one pixel: coloured text keeps its edges.
 *
 * <p>The caller paces it: one {@link #grab} per tick of its clock, and only while someone watches.
 * x11grab's own pacing is set far above any stream's rate ({@code framerate} 1000), so a grab
 * returns the screen as it is now instead of sleeping until x11grab's next slot. The pointer is not
 * drawn in ({@code draw_mouse 0}): the client draws its own.
 *
 * <p>Not thread-safe: one grabbing thread. Native memory is freed by {@link #close}.
 */
public final class X11Capture implements AutoCloseable {

  private static volatile boolean registered;

  private final String display;
  private final int width;
  private final int height;
  private AVFormatContext input;
  private final AVPacket packet;
  private final SwsContext converter;
  private final PointerPointer<BytePointer> source = new PointerPointer<>(1);
  private final IntPointer sourceStride = new IntPointer(1);
  private final PointerPointer<BytePointer> target = new PointerPointer<>(3);
  private final IntPointer targetStride = new IntPointer(3);
  /**
   * The converted picture, in native memory allocated once: a frame's own planes are heap arrays
   * (a direct buffer per frame would leave the freeing to the GC's cleaner, megabytes a frame).
   */
  private final BytePointer planeY;
  private final BytePointer planeU;
  private final BytePointer planeV;
  private long grabbed;

  private X11Capture(String display, int width, int height, AVFormatContext input, SwsContext converter) {
    this.display = display;
    this.width = width;
    this.height = height;
    this.input = input;
    this.converter = converter;
    this.packet = av_packet_alloc();
    int chromaWidth = VideoFrame.chromaWidth(width);
    int chromaPlane = chromaWidth * VideoFrame.chromaHeight(height);
    this.planeY = new BytePointer((long) width * height);
    this.planeU = new BytePointer(chromaPlane);
    this.planeV = new BytePointer(chromaPlane);
    target.put(0, planeY).put(1, planeU).put(2, planeV);
    targetStride.put(0, width).put(1, chromaWidth).put(2, chromaWidth);
  }

  /**
   * Opens the screen of {@code display} (such as {@code :3}) at {@code width x height}.
   *
   * @throws IOException when FFmpeg lacks x11grab or the display cannot be opened
   */
  public static X11Capture open(String display, int width, int height) throws IOException {
    registerDevices();
    AVInputFormat x11grab = av_find_input_format("x11grab");
    if (x11grab == null) throw new IOException("this FFmpeg build has no x11grab input");
    AVDictionary options = new AVDictionary(null);
    av_dict_set(options, "video_size", width + "x" + height, 0);
    av_dict_set(options, "framerate", "1000", 0);
    av_dict_set(options, "draw_mouse", "0", 0);
    AVFormatContext input = new AVFormatContext(null);
    int rc = avformat_open_input(input, display, x11grab, options);
    av_dict_free(options);
    if (rc < 0) throw new IOException("x11grab cannot open display " + display + ": " + FfmpegRuntime.errorText(rc));
    AVCodecParameters parameters = input.streams(0).codecpar();
    if (parameters.width() != width || parameters.height() != height) {
      avformat_close_input(input);
      throw new IOException("display " + display + " grabs at " + parameters.width() + "x" + parameters.height()
          + ", not " + width + "x" + height);
    }
    SwsContext converter = sws_getContext(width, height, parameters.format(), width, height, AV_PIX_FMT_YUV420P,
        SWS_BILINEAR, null, null, (DoublePointer) null);
    if (converter == null) {
      avformat_close_input(input);
      throw new IOException("swscale cannot convert pixel format " + parameters.format() + " to I420");
    }
    return new X11Capture(display, width, height, input, converter);
  }

  private static void registerDevices() {
    if (registered) return;
    synchronized (X11Capture.class) {
      if (registered) return;
      FfmpegRuntime.load();
      Loader.load(avformat.class);
      Loader.load(swscale.class);
      Loader.load(avdevice.class);
      avdevice.avdevice_register_all();
      registered = true;
    }
  }

  public String display() {
    return display;
  }

  /** Screens grabbed so far. */
  public long grabbed() {
    return grabbed;
  }

  /**
   * The screen now, as an I420 frame stamped with the given number and time.
   *
   * @throws IOException when the display is gone
   */
  public synchronized VideoFrame grab(long frameNumber, long captureTimeMillis) throws IOException {
    if (input == null) throw new IOException("capture of " + display + " is closed");
    int rc = av_read_frame(input, packet);
    if (rc < 0) throw new IOException("x11grab on " + display + ": " + FfmpegRuntime.errorText(rc));
    try {
      source.put(0, packet.data());
      sourceStride.put(0, packet.size() / height);
      sws_scale(converter, source, sourceStride, 0, height, target, targetStride);
      // Heap planes, tightly packed like the native ones (VideoFrame.allocate).
      VideoFrame frame = VideoFrame.allocate(width, height, false, captureTimeMillis, frameNumber);
      copyPlane(planeY, frame.dataY());
      copyPlane(planeU, frame.dataU());
      copyPlane(planeV, frame.dataV());
      grabbed++;
      return frame;
    } finally {
      av_packet_unref(packet);
    }
  }

  private static void copyPlane(BytePointer from, java.nio.ByteBuffer to) {
    from.position(0).get(to.array(), to.arrayOffset() + to.position(), to.remaining());
  }

  /** Synchronized with {@link #grab}: the input must not be freed while FFmpeg reads from it. */
  @Override
  public synchronized void close() {
    if (input == null) return;
    avformat_close_input(input);
    input = null;
    AVPacket p = packet;
    av_packet_free(p);
    sws_freeContext(converter);
    source.close();
    sourceStride.close();
    target.close();
    targetStride.close();
    planeY.close();
    planeU.close();
    planeV.close();
  }
}
