package org.streamstack.media.encoder;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoEncoder;
import org.streamstack.media.video.VideoFrame;

/**
 * A {@link VideoEncoder} on FFmpeg's libavcodec (JavaCPP presets): libopenh264 and libvpx on the
 * CPU, h264_nvenc on NVIDIA GPUs. Settings are for real-time streaming: no B-frames, no
 * look-ahead, one output per input, a long keyframe interval with keyframes on request.
 *
 * <p>H.264 (libopenh264): constrained baseline, CAVLC, one slice, bitrate rate control. SPS and
 * PPS stay in-band before every IDR ({@code AV_CODEC_FLAG_GLOBAL_HEADER} is not set): a browser
 * joining or recovering after a PLI needs them in the stream, there is no container to carry them.
 * OpenH264's frame skipping stays off although OpenH264 warns at each open that it then cannot
 * hold the bitrate: every picture carries the latency probe and a frame number, and a frame the
 * encoder skips would vanish without a trace and show as a stall. Frames are dropped earlier, where
 * they are counted (the encoder actor drops the oldest under load), and congestion control lowers
 * the target. Without skipping OpenH264 follows the target through QP, with overshoot only when
 * QP hits its ceiling; the warning is logged at DEBUG (see {@link FfmpegRuntime}).
 *
 * <p>VP8 (libvpx): realtime deadline, fixed speed, error resilient, no lag, no alt-ref, CBR.
 *
 * <p>Bitrate changes. FFmpeg 8's libopenh264 wrapper has no run-time reconfiguration, so a new
 * target re-opens the encoder, and the next frame is an IDR: it happens only when the target moved
 * by at least {@link #REOPEN_THRESHOLD} and at most once per second of frames, unless a keyframe
 * was requested anyway. FFmpeg 8's libvpx wrapper ignores a changed {@code bit_rate}; it
 * reconfigures libvpx at run time only when {@code qmax} differs from libvpx's current
 * {@code rc_max_quantizer}; {@link VpxRateControl} uses that path to apply a new
 * {@code rc_target_bitrate} without a keyframe. h264_nvenc reconfigures itself when
 * {@code bit_rate} changes.
 *
 * <p>Native memory (codec context, frame, packet) is freed by {@link #close}; nothing is left to
 * the garbage collector.
 */
public final class FfmpegVideoEncoder implements VideoEncoder {

  private static final Logger LOG = LoggerFactory.getLogger(FfmpegVideoEncoder.class);

  /** Relative change of the target that justifies re-opening an encoder (and an IDR). */
  public static final double REOPEN_THRESHOLD = 0.15;
  /** libvpx quantizer range, as libwebrtc's VP8 encoder uses it. */
  static final int VP8_QMIN = 2;

  static final int VP8_QMAX = 56;

  private static final int TIME_BASE = VideoCodec.RTP_CLOCK_RATE;

  private final EncoderImplementation implementation;
  private final EncoderConfig config;
  /** The render node of a VA-API encoder; null for the others. */
  private final Path vaapiDevice;
  private VaapiFrames vaapi;
  private final AtomicBoolean keyframeRequested = new AtomicBoolean();
  private final AtomicInteger requestedBitrate;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  private AVCodecContext context;
  private AVFrame picture;
  private AVPacket packet;
  private VpxRateControl vpxRateControl;
  private int appliedBitrate;
  private long framesSinceOpen;
  private long lastPts = Long.MIN_VALUE;
  private long reopens;
  private volatile boolean closed;

  private record Pending(long pts, long captureTimeMillis, long frameNumber) {}

  /**
   * Opens an encoder.
   *
   * @throws EncoderOpenException when FFmpeg lacks the encoder or refuses to open it (for
   *     h264_nvenc without a GPU: "Cannot load libcuda.so.1")
   */
  public FfmpegVideoEncoder(EncoderImplementation implementation, EncoderConfig config) {
    this(implementation, config, null);
  }

  /**
   * Opens an encoder; a VA-API one on the render node {@code vaapiDevice}.
   *
   * @throws EncoderOpenException as above, and when libva cannot open the render node
   */
  public FfmpegVideoEncoder(EncoderImplementation implementation, EncoderConfig config, Path vaapiDevice) {
    FfmpegRuntime.load();
    if (implementation.vaapi() && vaapiDevice == null) {
      throw new EncoderOpenException(implementation.ffmpegName() + " needs a VA-API render node");
    }
    this.implementation = implementation;
    this.config = config;
    this.vaapiDevice = vaapiDevice;
    this.requestedBitrate = new AtomicInteger(config.bitrate());
    this.picture = av_frame_alloc();
    this.packet = av_packet_alloc();
    if (picture == null || packet == null) {
      freeNative();
      throw new OutOfMemoryError("av_frame_alloc/av_packet_alloc");
    }
    picture.format(AV_PIX_FMT_YUV420P).width(config.width()).height(config.height());
    // VA-API encodes from VaapiFrames, which stages its own software frame: this one would stay unused.
    int err = implementation.vaapi() ? 0 : av_frame_get_buffer(picture, 0);
    if (err < 0) {
      freeNative();
      throw new EncoderOpenException("av_frame_get_buffer: " + FfmpegRuntime.errorText(err));
    }
    try {
      openContext(config.bitrate());
    } catch (RuntimeException e) {
      freeNative();
      throw e;
    }
  }

  @Override
  public synchronized EncodedFrame encode(VideoFrame frame) {
    checkOpen();
    if (frame.width() != config.width() || frame.height() != config.height()) {
      throw new IllegalArgumentException(
          "frame " + frame.width() + "x" + frame.height() + ", encoder "
              + config.width() + "x" + config.height());
    }
    boolean keyframe = keyframeRequested.getAndSet(false);
    keyframe |= applyBitrate(keyframe);

    AVFrame input;
    if (vaapi != null) {
      input = vaapi.upload(frame);
    } else {
      input = picture;
      check(av_frame_make_writable(picture), "av_frame_make_writable");
      copyPlane(frame.dataY(), frame.strideY(), 0, frame.width(), frame.height());
      int cw = VideoFrame.chromaWidth(frame.width());
      int ch = VideoFrame.chromaHeight(frame.height());
      copyPlane(frame.dataU(), frame.strideU(), 1, cw, ch);
      copyPlane(frame.dataV(), frame.strideV(), 2, cw, ch);
    }

    // 90 kHz time base: pts is the RTP timestamp. Encoders need strictly increasing pts; two
    // frames captured in the same millisecond get consecutive ticks.
    long pts = Math.max(EncodedFrame.pts90kOf(frame.captureTimeMillis()), lastPts + 1);
    lastPts = pts;
    input.pts(pts);
    input.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
    pending.addLast(new Pending(pts, frame.captureTimeMillis(), frame.frameNumber()));

    int sent = avcodec_send_frame(context, input);
    if (vaapi != null) vaapi.release();
    check(sent, "avcodec_send_frame");
    framesSinceOpen++;
    EncodedFrame out = null;
    while (true) {
      int r = avcodec_receive_packet(context, packet);
      if (r == AVERROR_EAGAIN()) break;
      check(r, "avcodec_receive_packet");
      try {
        if (out != null) {
          throw new IllegalStateException(
              implementation.ffmpegName() + " returned two packets for one frame");
        }
        out = toEncodedFrame(packet);
      } finally {
        av_packet_unref(packet);
      }
    }
    return out;
  }

  @Override
  public void requestKeyframe() {
    checkOpen();
    keyframeRequested.set(true);
  }

  @Override
  public void setTargetBitrate(int bitsPerSecond) {
    checkOpen();
    if (bitsPerSecond <= 0) throw new IllegalArgumentException("bitrate " + bitsPerSecond);
    requestedBitrate.set(bitsPerSecond);
  }

  @Override
  public int targetBitrate() {
    return requestedBitrate.get();
  }

  /** The bitrate the open encoder works with now: the target, or an older one (re-open pending). */
  public synchronized int appliedBitrate() {
    return appliedBitrate;
  }

  /** How often a bitrate change re-opened the encoder. */
  public synchronized long reopens() {
    return reopens;
  }

  @Override
  public String implementationName() {
    return implementation.ffmpegName();
  }

  public EncoderImplementation implementation() {
    return implementation;
  }

  @Override
  public VideoCodec codec() {
    return implementation.codec();
  }

  public EncoderConfig config() {
    return config;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Whether any native object is still allocated; false after {@link #close}. */
  synchronized boolean holdsNativeMemory() {
    return live(context) || live(picture) || live(packet);
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    freeNative();
  }

  private void openContext(int bitrate) {
    AVCodec codec = avcodec_find_encoder_by_name(implementation.ffmpegName());
    if (codec == null) {
      throw new EncoderOpenException("FFmpeg has no encoder " + implementation.ffmpegName());
    }
    AVCodecContext ctx = avcodec_alloc_context3(codec);
    if (ctx == null) throw new OutOfMemoryError("avcodec_alloc_context3");
    ctx.width(config.width())
        .height(config.height())
        .pix_fmt(AV_PIX_FMT_YUV420P)
        .time_base(av_make_q(1, TIME_BASE))
        .framerate(av_make_q(config.fps(), 1))
        .gop_size(config.gopSize())
        .max_b_frames(0)
        .thread_count(config.threads())
        .bit_rate(bitrate);
    Map<String, String> options = new LinkedHashMap<>();
    switch (implementation) {
      case OPENH264 -> {
        ctx.slices(1);
        options.put("profile", "constrained_baseline");
        options.put("coder", "cavlc");
        options.put("rc_mode", "bitrate");
        options.put("allow_skip_frames", "0");
        options.put("loopfilter", config.h264LoopFilter() ? "1" : "0");
      }
      case LIBVPX_VP8 -> {
        // rc_min_rate == rc_max_rate == bit_rate selects VPX_CBR in FFmpeg's wrapper.
        ctx.rc_min_rate(bitrate).rc_max_rate(bitrate);
        ctx.rc_buffer_size(bitrate).rc_initial_buffer_occupancy(bitrate / 2);
        ctx.qmin(VP8_QMIN).qmax(VP8_QMAX);
        options.put("deadline", "realtime");
        options.put("cpu-used", Integer.toString(config.vp8CpuUsed()));
        options.put("lag-in-frames", "0");
        options.put("error-resilient", "1");
        options.put("auto-alt-ref", "0");
      }
      case VAAPI_H264, VAAPI_VP8 -> {
        if (vaapi == null) vaapi = VaapiFrames.open(vaapiDevice, config.width(), config.height());
        vaapi.attachTo(ctx);
        ctx.rc_max_rate(bitrate).rc_buffer_size(bitrate / 2);
        options.put("rc_mode", "CBR");
        // One frame in flight: a frame's packet comes out of the same encode call.
        options.put("async_depth", "1");
        if (implementation == EncoderImplementation.VAAPI_H264) options.put("profile", "constrained_baseline");
      }
      case NVENC_H264 -> {
        ctx.rc_max_rate(bitrate).rc_buffer_size(bitrate / 2);
        options.put("preset", "p1");
        options.put("tune", "ll");
        options.put("zerolatency", "1");
        options.put("delay", "0");
        options.put("rc", "cbr");
        options.put("profile", "baseline");
        // Without forced-idr a requested I picture is a plain intra frame, not an IDR.
        options.put("forced-idr", "1");
      }
    }
    AVDictionary dict = new AVDictionary(null);
    for (Map.Entry<String, String> e : options.entrySet()) {
      av_dict_set(dict, e.getKey(), e.getValue(), 0);
    }
    int err = avcodec_open2(ctx, codec, dict);
    av_dict_free(dict);
    if (err < 0) {
      avcodec_free_context(ctx);
      throw new EncoderOpenException(
          "avcodec_open2 " + implementation.ffmpegName() + " " + config.width() + "x"
              + config.height() + ": " + FfmpegRuntime.errorText(err));
    }
    context = ctx;
    appliedBitrate = bitrate;
    framesSinceOpen = 0;
    lastPts = Long.MIN_VALUE;
    pending.clear();
    vpxRateControl =
        implementation == EncoderImplementation.LIBVPX_VP8
            ? VpxRateControl.attach(ctx, config.width(), config.height(), bitrate, VP8_QMAX)
            : null;
    if (implementation == EncoderImplementation.LIBVPX_VP8 && vpxRateControl == null) {
      LOG.warn("libvpx configuration not where FFmpeg 8 keeps it: bitrate changes re-open");
    }
  }

  /** Applies a pending target; true when that re-opened the encoder (next frame is a keyframe). */
  private boolean applyBitrate(boolean keyframeAnyway) {
    int target = requestedBitrate.get();
    if (target == appliedBitrate) return false;
    switch (implementation) {
      case NVENC_H264 -> {
        context.bit_rate(target).rc_max_rate(target).rc_buffer_size(target / 2);
        appliedBitrate = target;
        return false;
      }
      case LIBVPX_VP8 -> {
        if (vpxRateControl != null && vpxRateControl.setTargetBitrate(target)) {
          context.bit_rate(target);
          appliedBitrate = target;
          return false;
        }
      }
      case OPENH264 -> {}
    }
    double change = Math.abs(target - (double) appliedBitrate) / appliedBitrate;
    boolean due = change >= REOPEN_THRESHOLD && framesSinceOpen >= config.fps();
    if (!keyframeAnyway && !due) return false;
    LOG.debug(
        "{}: re-opening for {} -> {} bit/s", implementation.ffmpegName(), appliedBitrate, target);
    avcodec_free_context(context);
    context = null;
    openContext(target);
    reopens++;
    return true;
  }

  private void copyPlane(ByteBuffer src, int srcStride, int plane, int width, int height) {
    BytePointer dst = picture.data(plane);
    int dstStride = picture.linesize(plane);
    if (src.hasArray()) {
      byte[] array = src.array();
      int base = src.arrayOffset();
      if (srcStride == dstStride) {
        dst.position(0).put(array, base, srcStride * (height - 1) + width);
      } else {
        for (int r = 0; r < height; r++) {
          dst.position((long) r * dstStride).put(array, base + r * srcStride, width);
        }
      }
    } else {
      BytePointer from = new BytePointer(src);
      if (srcStride == dstStride) {
        Pointer.memcpy(dst.position(0), from.position(0), (long) srcStride * (height - 1) + width);
      } else {
        for (int r = 0; r < height; r++) {
          Pointer.memcpy(
              dst.position((long) r * dstStride), from.position((long) r * srcStride), width);
        }
      }
    }
  }

  private EncodedFrame toEncodedFrame(AVPacket pkt) {
    Pending source = pending.pollFirst();
    while (source != null && source.pts() < pkt.pts() && !pending.isEmpty()) {
      source = pending.pollFirst();
    }
    if (source == null) {
      throw new IllegalStateException("packet without a frame, pts " + pkt.pts());
    }
    byte[] data = new byte[pkt.size()];
    pkt.data().get(data);
    return new EncodedFrame(
        implementation.codec(),
        data,
        (pkt.flags() & AV_PKT_FLAG_KEY) != 0,
        source.captureTimeMillis(),
        source.frameNumber(),
        EncodedFrame.pts90kOf(source.captureTimeMillis()));
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException(implementation.ffmpegName() + " encoder is closed");
  }

  private void check(int result, String call) {
    if (result < 0) {
      throw new IllegalStateException(
          implementation.ffmpegName() + " " + call + ": " + FfmpegRuntime.errorText(result));
    }
  }

  private void freeNative() {
    if (live(context)) avcodec_free_context(context);
    if (live(picture)) av_frame_free(picture);
    if (live(packet)) av_packet_free(packet);
    if (vaapi != null) vaapi.close();
    vaapi = null;
    context = null;
    picture = null;
    packet = null;
    vpxRateControl = null;
    pending.clear();
  }

  private static boolean live(Pointer p) {
    return p != null && !p.isNull();
  }
}
