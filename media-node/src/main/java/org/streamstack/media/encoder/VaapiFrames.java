package org.streamstack.media.encoder;

import static org.bytedeco.ffmpeg.global.avutil.AV_HWDEVICE_TYPE_VAAPI;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_NV12;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_VAAPI;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_ref;
import static org.bytedeco.ffmpeg.global.avutil.av_buffer_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_hwdevice_ctx_create;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_ctx_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_ctx_init;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_hwframe_transfer_data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVHWFramesContext;
import org.bytedeco.javacpp.BytePointer;
import org.streamstack.media.video.VideoFrame;

/**
 * The VA-API side of one encoder: the render node opened as an FFmpeg hardware device, a pool of
 * NV12 surfaces of the stream's size on it, and the upload of each I420 frame into one surface
 * (the chroma planes interleaved into NV12's one on the way, the only copy besides the upload).
 * The encoder context takes the pool ({@code hw_frames_ctx}) and surfaces as its pictures.
 *
 * <p>Not thread-safe: the encoder's thread. {@link #close} frees the native objects.
 */
final class VaapiFrames implements AutoCloseable {

  private static final int POOL_SIZE = 4;

  private final Path device;
  private AVBufferRef deviceRef;
  private AVBufferRef framesRef;
  private AVFrame staging;
  private AVFrame surface;
  private final byte[] lumaRow;
  private final byte[] chromaRow;

  private VaapiFrames(Path device, AVBufferRef deviceRef, AVBufferRef framesRef, AVFrame staging, AVFrame surface,
      int width) {
    this.device = device;
    this.deviceRef = deviceRef;
    this.framesRef = framesRef;
    this.staging = staging;
    this.surface = surface;
    this.lumaRow = new byte[width];
    this.chromaRow = new byte[2 * VideoFrame.chromaWidth(width)];
  }

  /**
   * Opens {@code device} through libva and makes the surface pool.
   *
   * @throws EncoderOpenException when libva cannot open the node (no driver, not a GPU, no access)
   *     or refuses NV12 surfaces of that size
   */
  static VaapiFrames open(Path device, int width, int height) {
    FfmpegRuntime.load();
    AVBufferRef deviceRef = new AVBufferRef(null);
    int err = av_hwdevice_ctx_create(deviceRef, AV_HWDEVICE_TYPE_VAAPI, device.toString(), null, 0);
    if (err < 0) {
      throw new EncoderOpenException("VA-API cannot open " + device + ": " + FfmpegRuntime.errorText(err));
    }
    AVBufferRef framesRef = av_hwframe_ctx_alloc(deviceRef);
    AVFrame staging = null;
    AVFrame surface = null;
    try {
      if (framesRef == null) throw new EncoderOpenException("VA-API on " + device + ": av_hwframe_ctx_alloc failed");
      AVHWFramesContext frames = new AVHWFramesContext(framesRef.data());
      frames.format(AV_PIX_FMT_VAAPI).sw_format(AV_PIX_FMT_NV12).width(width).height(height)
          .initial_pool_size(POOL_SIZE);
      err = av_hwframe_ctx_init(framesRef);
      if (err < 0) {
        throw new EncoderOpenException("VA-API on " + device + " has no NV12 surfaces of " + width + "x" + height
            + ": " + FfmpegRuntime.errorText(err));
      }
      staging = av_frame_alloc();
      surface = av_frame_alloc();
      if (staging == null || surface == null) throw new OutOfMemoryError("av_frame_alloc");
      staging.format(AV_PIX_FMT_NV12).width(width).height(height);
      err = av_frame_get_buffer(staging, 0);
      if (err < 0) throw new EncoderOpenException("av_frame_get_buffer NV12: " + FfmpegRuntime.errorText(err));
      return new VaapiFrames(device, deviceRef, framesRef, staging, surface, width);
    } catch (RuntimeException | Error e) {
      if (staging != null) av_frame_free(staging);
      if (surface != null) av_frame_free(surface);
      if (framesRef != null) av_buffer_unref(framesRef);
      av_buffer_unref(deviceRef);
      throw e;
    }
  }

  /** Makes {@code context} encode from this pool's surfaces. */
  void attachTo(AVCodecContext context) {
    context.pix_fmt(AV_PIX_FMT_VAAPI);
    context.hw_frames_ctx(av_buffer_ref(framesRef));
  }

  /**
   * The frame on a surface of the pool, for {@code avcodec_send_frame}; the caller sets its
   * timing and calls {@link #release} once sent (the encoder holds its own reference).
   */
  AVFrame upload(VideoFrame frame) {
    check(av_frame_make_writable(staging), "av_frame_make_writable");
    int width = frame.width();
    int height = frame.height();
    BytePointer luma = staging.data(0);
    int lumaStride = staging.linesize(0);
    ByteBuffer y = frame.dataY();
    for (int r = 0; r < height; r++) {
      y.get(y.position() + r * frame.strideY(), lumaRow, 0, width);
      luma.position((long) r * lumaStride).put(lumaRow, 0, width);
    }
    BytePointer chroma = staging.data(1);
    int chromaStride = staging.linesize(1);
    int cw = VideoFrame.chromaWidth(width);
    ByteBuffer u = frame.dataU();
    ByteBuffer v = frame.dataV();
    for (int r = 0; r < VideoFrame.chromaHeight(height); r++) {
      int uAt = u.position() + r * frame.strideU();
      int vAt = v.position() + r * frame.strideV();
      for (int c = 0; c < cw; c++) {
        chromaRow[2 * c] = u.get(uAt + c);
        chromaRow[2 * c + 1] = v.get(vAt + c);
      }
      chroma.position((long) r * chromaStride).put(chromaRow, 0, 2 * cw);
    }
    check(av_hwframe_get_buffer(framesRef, surface, 0), "av_hwframe_get_buffer");
    int err = av_hwframe_transfer_data(surface, staging, 0);
    if (err < 0) {
      av_frame_unref(surface);
      check(err, "av_hwframe_transfer_data");
    }
    return surface;
  }

  /** Gives the surface back once the encoder has taken its reference. */
  void release() {
    av_frame_unref(surface);
  }

  private void check(int result, String call) {
    if (result < 0) {
      throw new IllegalStateException("VA-API on " + device + ": " + call + ": " + FfmpegRuntime.errorText(result));
    }
  }

  @Override
  public void close() {
    if (staging != null) av_frame_free(staging);
    if (surface != null) av_frame_free(surface);
    if (framesRef != null) av_buffer_unref(framesRef);
    if (deviceRef != null) av_buffer_unref(deviceRef);
    staging = null;
    surface = null;
    framesRef = null;
    deviceRef = null;
  }
}
