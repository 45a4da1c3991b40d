package org.streamstack.media.audio;

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
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import org.streamstack.media.encoder.EncoderOpenException;
import org.streamstack.media.encoder.FfmpegRuntime;

/**
 * An {@link AudioEncoder} on libopus through FFmpeg's {@code libopus} wrapper (JavaCPP presets,
 * libopus 1.3.1 linked into libavcodec): 48 kHz stereo, 20 ms frames, one packet per frame.
 *
 * <p>Application {@code voip} ({@code OPUS_APPLICATION_VOIP}), not {@code lowdelay}. Restricted
 * low delay is CELT only: it turns SILK off, and in-band FEC (LBRR) is a SILK feature, so
 * {@code lowdelay} and FEC exclude each other; what it saves is 4 ms of look-ahead (2.5 ms
 * instead of 6.5 ms), small beside the 20 ms frame and the receiver's jitter buffer. {@code voip}
 * keeps SILK and hybrid modes for speech and low bitrates, where FEC works; music and game sound
 * at 64 kb/s still go to CELT, libopus chooses per frame.
 *
 * <p>In-band FEC on ({@code fec=1}; the offer says {@code useinbandfec=1}), its redundancy sized
 * by the expected loss, which the peer sets from the loss RTCP receiver reports tell
 * ({@link #setExpectedPacketLoss}), as libwebrtc does. Until loss is reported the expected loss
 * is 0 and libopus adds no LBRR data. Not a fixed guess, because with libopus 1.3.1 in
 * {@code voip} mode any expected loss moves silence and speech to SILK, where LBRR can ride, and
 * digital silence then costs 47 bytes a frame instead of 3 (19 kb/s instead of 1.2) on every
 * session of a silent application. Music and tones go to CELT, which has no LBRR, either way.
 *
 * <p>Constrained VBR, libopus's and libwebrtc's default: packet sizes follow the signal (digital
 * silence takes a few bytes) without bursts above the target. Complexity stays at FFmpeg's 10.
 * The wrapper has no DTX option; {@link AudioSender} suppresses silent frames itself.
 *
 * <p>Changes at run time. FFmpeg 8's wrapper reads {@code bit_rate} and {@code packet_loss} once,
 * at open, and libopus's {@code opus_multistream_encoder_ctl} is not exported from the presets'
 * libavcodec, so a new bitrate or expected loss re-opens the encoder at the next frame (callers
 * quantize the loss they report, so that re-opens stay rare). A fresh encoder would start from
 * silence and lose the samples held in the old one's look-ahead, a click; so before the new frame
 * the re-opened encoder is primed with the previous frame, whose packet is discarded. The decoder,
 * which never sees the switch, gets a packet that continues the signal. One extra encode, well
 * under a millisecond.
 *
 * <p>Native memory is freed by {@link #close}.
 */
public final class OpusEncoder implements AudioEncoder {

  public static final int DEFAULT_BITRATE = 64_000;
  /** The range of Opus, RFC 6716 2: 6 kb/s to 510 kb/s. */
  public static final int MIN_BITRATE = 6_000;

  public static final int MAX_BITRATE = 510_000;
  public static final String APPLICATION = "voip";

  private static final String FFMPEG_NAME = "libopus";

  private final AtomicInteger requestedBitrate;
  private final AtomicInteger requestedLoss = new AtomicInteger();
  private AVCodecContext context;
  private AVFrame frame;
  private AVPacket packet;
  private int appliedBitrate;
  private int appliedLoss;
  private AudioFrame previous;
  private long reopens;
  private volatile boolean closed;

  /** An encoder at {@link #DEFAULT_BITRATE}. */
  public OpusEncoder() {
    this(DEFAULT_BITRATE);
  }

  /**
   * @throws EncoderOpenException when FFmpeg lacks libopus or refuses the settings
   */
  public OpusEncoder(int bitsPerSecond) {
    checkBitrate(bitsPerSecond);
    FfmpegRuntime.load();
    requestedBitrate = new AtomicInteger(bitsPerSecond);
    frame = av_frame_alloc();
    packet = av_packet_alloc();
    if (frame == null || packet == null) {
      freeNative();
      throw new OutOfMemoryError("av_frame_alloc/av_packet_alloc");
    }
    frame.format(AV_SAMPLE_FMT_S16)
        .nb_samples(AudioFrame.SAMPLES_PER_CHANNEL)
        .sample_rate(AudioFrame.SAMPLE_RATE);
    av_channel_layout_default(frame.ch_layout(), AudioFrame.CHANNELS);
    int err = av_frame_get_buffer(frame, 0);
    if (err < 0) {
      freeNative();
      throw new EncoderOpenException("av_frame_get_buffer: " + FfmpegRuntime.errorText(err));
    }
    try {
      openContext(bitsPerSecond, 0);
    } catch (RuntimeException e) {
      freeNative();
      throw e;
    }
  }

  @Override
  public synchronized EncodedAudio encode(AudioFrame audio) {
    checkOpen();
    int bitrate = requestedBitrate.get();
    int loss = requestedLoss.get();
    if (bitrate != appliedBitrate || loss != appliedLoss) reopen(bitrate, loss);
    byte[] data = encodePacket(audio);
    previous = audio;
    return new EncodedAudio(
        data, audio.captureTimeMillis(), audio.pts48k(), audio.frameNumber(), audio.isSilent());
  }

  @Override
  public void setTargetBitrate(int bitsPerSecond) {
    checkOpen();
    checkBitrate(bitsPerSecond);
    requestedBitrate.set(bitsPerSecond);
  }

  @Override
  public int targetBitrate() {
    return requestedBitrate.get();
  }

  /**
   * The share of packets the receiver is expected to lose, 0-100 %, from RTCP receiver reports:
   * libopus sizes in-band FEC for it (0: no FEC data). Takes effect at the next frame; any thread.
   */
  @Override
  public void setExpectedPacketLoss(int percent) {
    checkOpen();
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("expected loss must be 0-100 %: " + percent);
    }
    requestedLoss.set(percent);
  }

  public int expectedPacketLoss() {
    return requestedLoss.get();
  }

  /** The bitrate the open encoder works with: the target, or the previous one until the next frame. */
  public synchronized int appliedBitrate() {
    return appliedBitrate;
  }

  /** How often a change of bitrate or expected loss re-opened the encoder. */
  public synchronized long reopens() {
    return reopens;
  }

  @Override
  public String implementationName() {
    return FFMPEG_NAME;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Whether any native object is still allocated; false after {@link #close}. */
  synchronized boolean holdsNativeMemory() {
    return live(context) || live(frame) || live(packet);
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    freeNative();
  }

  private void openContext(int bitrate, int lossPercent) {
    AVCodec codec = avcodec_find_encoder_by_name(FFMPEG_NAME);
    if (codec == null) throw new EncoderOpenException("FFmpeg has no encoder " + FFMPEG_NAME);
    AVCodecContext ctx = avcodec_alloc_context3(codec);
    if (ctx == null) throw new OutOfMemoryError("avcodec_alloc_context3");
    ctx.sample_fmt(AV_SAMPLE_FMT_S16)
        .sample_rate(AudioFrame.SAMPLE_RATE)
        .time_base(av_make_q(1, AudioFrame.SAMPLE_RATE))
        .bit_rate(bitrate);
    av_channel_layout_default(ctx.ch_layout(), AudioFrame.CHANNELS);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("application", APPLICATION);
    options.put("frame_duration", Integer.toString(AudioFrame.FRAME_MILLIS));
    options.put("fec", "1");
    options.put("packet_loss", Integer.toString(lossPercent));
    options.put("vbr", "constrained");
    AVDictionary dict = new AVDictionary(null);
    for (Map.Entry<String, String> e : options.entrySet()) {
      av_dict_set(dict, e.getKey(), e.getValue(), 0);
    }
    int err = avcodec_open2(ctx, codec, dict);
    av_dict_free(dict);
    if (err < 0) {
      avcodec_free_context(ctx);
      throw new EncoderOpenException(
          "avcodec_open2 " + FFMPEG_NAME + " at " + bitrate + " bit/s, " + lossPercent + " % loss: "
              + FfmpegRuntime.errorText(err));
    }
    if (ctx.frame_size() != AudioFrame.SAMPLES_PER_CHANNEL) {
      avcodec_free_context(ctx);
      throw new EncoderOpenException(FFMPEG_NAME + " opened with frame size " + ctx.frame_size());
    }
    context = ctx;
    appliedBitrate = bitrate;
    appliedLoss = lossPercent;
  }

  /** Re-opens with new settings and primes the new encoder (see the class comment). */
  private void reopen(int bitrate, int loss) {
    int oldBitrate = appliedBitrate;
    int oldLoss = appliedLoss;
    avcodec_free_context(context);
    context = null;
    try {
      openContext(bitrate, loss);
    } catch (RuntimeException e) {
      // Keep a working encoder: back to the old settings, and say why the new ones failed.
      requestedBitrate.compareAndSet(bitrate, oldBitrate);
      requestedLoss.compareAndSet(loss, oldLoss);
      openContext(oldBitrate, oldLoss);
      throw e;
    }
    reopens++;
    if (previous != null) encodePacket(previous);
  }

  /** Sends one frame and takes the one packet libopus makes of it. */
  private byte[] encodePacket(AudioFrame audio) {
    check(av_frame_make_writable(frame), "av_frame_make_writable");
    BytePointer plane = frame.data(0);
    new ShortPointer(plane).put(audio.samples(), 0, AudioFrame.SAMPLES);
    frame.pts(audio.pts48k());
    check(avcodec_send_frame(context, frame), "avcodec_send_frame");
    byte[] out = null;
    while (true) {
      int r = avcodec_receive_packet(context, packet);
      if (r == AVERROR_EAGAIN()) break;
      check(r, "avcodec_receive_packet");
      try {
        if (out != null) throw new IllegalStateException(FFMPEG_NAME + " returned two packets for one frame");
        out = new byte[packet.size()];
        packet.data().get(out);
      } finally {
        av_packet_unref(packet);
      }
    }
    if (out == null) throw new IllegalStateException(FFMPEG_NAME + " returned no packet for a frame");
    return out;
  }

  private static void checkBitrate(int bitsPerSecond) {
    if (bitsPerSecond < MIN_BITRATE || bitsPerSecond > MAX_BITRATE) {
      throw new IllegalArgumentException(
          "Opus bitrate must be " + MIN_BITRATE + "-" + MAX_BITRATE + " bit/s: " + bitsPerSecond);
    }
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException(FFMPEG_NAME + " encoder is closed");
  }

  private static void check(int result, String call) {
    if (result < 0) {
      throw new IllegalStateException(FFMPEG_NAME + " " + call + ": " + FfmpegRuntime.errorText(result));
    }
  }

  private void freeNative() {
    if (live(context)) avcodec_free_context(context);
    if (live(frame)) av_frame_free(frame);
    if (live(packet)) av_packet_free(packet);
    context = null;
    frame = null;
    packet = null;
    previous = null;
  }

  private static boolean live(Pointer p) {
    return p != null && !p.isNull();
  }
}
