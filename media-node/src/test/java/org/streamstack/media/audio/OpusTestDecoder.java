package org.streamstack.media.audio;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.streamstack.media.encoder.FfmpegRuntime;

/**
 * FFmpeg's own Opus decoder (the native {@code opus}, not libopus): packets in, 48 kHz stereo
 * float samples out, appended per channel, as a browser would play them.
 */
final class OpusTestDecoder implements AutoCloseable {

  private final AVCodecContext context;
  private final AVFrame frame = av_frame_alloc();
  private final AVPacket packet = av_packet_alloc();
  private float[] left = new float[48_000];
  private float[] right = new float[48_000];
  private int length;

  OpusTestDecoder() {
    FfmpegRuntime.load();
    AVCodec decoder = avcodec_find_decoder(AV_CODEC_ID_OPUS);
    context = avcodec_alloc_context3(decoder);
    context.sample_rate(AudioFrame.SAMPLE_RATE);
    av_channel_layout_default(context.ch_layout(), AudioFrame.CHANNELS);
    int err = avcodec_open2(context, decoder, (AVDictionary) null);
    if (err < 0) throw new IllegalStateException("open opus decoder: " + FfmpegRuntime.errorText(err));
  }

  String name() {
    return context.codec().name().getString();
  }

  /** Decodes one packet; returns the samples per channel it produced. */
  int decode(byte[] opus) {
    check(av_new_packet(packet, opus.length), "av_new_packet");
    packet.data().put(opus);
    int err = avcodec_send_packet(context, packet);
    av_packet_unref(packet);
    check(err, "avcodec_send_packet");
    int produced = 0;
    while (true) {
      int r = avcodec_receive_frame(context, frame);
      if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) break;
      check(r, "avcodec_receive_frame");
      if (frame.format() != AV_SAMPLE_FMT_FLTP || frame.ch_layout().nb_channels() != 2) {
        throw new IllegalStateException(
            "decoded format " + frame.format() + ", " + frame.ch_layout().nb_channels() + " channels");
      }
      int n = frame.nb_samples();
      grow(length + n);
      new FloatPointer(frame.data(0)).get(left, length, n);
      new FloatPointer(frame.data(1)).get(right, length, n);
      length += n;
      produced += n;
      av_frame_unref(frame);
    }
    return produced;
  }

  /** Left channel so far, in [-1, 1]. */
  float[] left() {
    return java.util.Arrays.copyOf(left, length);
  }

  float[] right() {
    return java.util.Arrays.copyOf(right, length);
  }

  private void grow(int needed) {
    if (needed <= left.length) return;
    int size = Math.max(needed, left.length * 2);
    left = java.util.Arrays.copyOf(left, size);
    right = java.util.Arrays.copyOf(right, size);
  }

  private static void check(int r, String call) {
    if (r < 0) throw new IllegalStateException(call + ": " + FfmpegRuntime.errorText(r));
  }

  @Override
  public void close() {
    avcodec_free_context(context);
    av_frame_free(frame);
    av_packet_free(packet);
  }

  // --- signal measures ------------------------------------------------------------------------

  /** Power of {@code frequency} in {@code x[from, to)} by the Goertzel recurrence. */
  static double goertzel(float[] x, int from, int to, double frequency) {
    double w = 2 * Math.PI * frequency / AudioFrame.SAMPLE_RATE;
    double coeff = 2 * Math.cos(w);
    double s1 = 0;
    double s2 = 0;
    for (int i = from; i < to; i++) {
      double s = x[i] + coeff * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    return s1 * s1 + s2 * s2 - coeff * s1 * s2;
  }

  /**
   * The strongest frequency in whole Hz between {@code lowHz} and {@code highHz}: a 10 Hz scan,
   * then 1 Hz steps around its best (a tone's peak is wider than 10 Hz over a second or less).
   */
  static int dominantFrequency(float[] x, int from, int to, int lowHz, int highHz) {
    int coarse = strongest(x, from, to, lowHz, highHz, 10);
    return strongest(x, from, to, Math.max(lowHz, coarse - 10), Math.min(highHz, coarse + 10), 1);
  }

  private static int strongest(float[] x, int from, int to, int lowHz, int highHz, int step) {
    int best = lowHz;
    double bestPower = -1;
    for (int f = lowHz; f <= highHz; f += step) {
      double p = goertzel(x, from, to, f);
      if (p > bestPower) {
        bestPower = p;
        best = f;
      }
    }
    return best;
  }

  static double rms(float[] x, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) sum += (double) x[i] * x[i];
    return Math.sqrt(sum / (to - from));
  }
}
