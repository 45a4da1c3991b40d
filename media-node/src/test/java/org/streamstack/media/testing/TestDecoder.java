package org.streamstack.media.testing;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.streamstack.media.encoder.FfmpegRuntime;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.video.VideoFrame;

/** FFmpeg's own h264 and vp8 decoders, single-threaded and low-delay: one picture per packet. */
public final class TestDecoder implements AutoCloseable {

  private final AVCodecContext context;
  private final AVFrame frame = av_frame_alloc();
  private final AVPacket packet = av_packet_alloc();

  public TestDecoder(VideoCodec codec) {
    FfmpegRuntime.load();
    AVCodec decoder =
        avcodec_find_decoder(codec == VideoCodec.H264 ? AV_CODEC_ID_H264 : AV_CODEC_ID_VP8);
    context = avcodec_alloc_context3(decoder);
    context.thread_count(1);
    context.flags(context.flags() | AV_CODEC_FLAG_LOW_DELAY);
    int err = avcodec_open2(context, decoder, (AVDictionary) null);
    if (err < 0) throw new IllegalStateException("open decoder: " + FfmpegRuntime.errorText(err));
  }

  /** Decodes one compressed frame; the pictures it releases (normally one). */
  public List<VideoFrame> decode(EncodedFrame encoded) {
    check(av_new_packet(packet, encoded.size()), "av_new_packet");
    packet.data().put(encoded.data());
    packet.pts(encoded.pts90k());
    int err = avcodec_send_packet(context, packet);
    av_packet_unref(packet);
    check(err, "avcodec_send_packet");
    return receive(encoded.captureTimeMillis(), encoded.frameNumber());
  }

  /** Pictures still inside the decoder. */
  public List<VideoFrame> flush() {
    check(avcodec_send_packet(context, (AVPacket) null), "flush");
    return receive(0, 0);
  }

  private List<VideoFrame> receive(long captureTimeMillis, long frameNumber) {
    List<VideoFrame> out = new ArrayList<>();
    while (true) {
      int r = avcodec_receive_frame(context, frame);
      if (r == AVERROR_EAGAIN() || r == AVERROR_EOF) break;
      check(r, "avcodec_receive_frame");
      if (frame.format() != AV_PIX_FMT_YUV420P) {
        throw new IllegalStateException("decoded pixel format " + frame.format());
      }
      int w = frame.width();
      int h = frame.height();
      VideoFrame picture = VideoFrame.allocate(w, h, false, captureTimeMillis, frameNumber);
      copy(frame, 0, picture.dataY().array(), w, h);
      copy(frame, 1, picture.dataU().array(), VideoFrame.chromaWidth(w), VideoFrame.chromaHeight(h));
      copy(frame, 2, picture.dataV().array(), VideoFrame.chromaWidth(w), VideoFrame.chromaHeight(h));
      out.add(picture);
      av_frame_unref(frame);
    }
    return out;
  }

  private static void copy(AVFrame f, int plane, byte[] dst, int w, int h) {
    int stride = f.linesize(plane);
    for (int r = 0; r < h; r++) {
      f.data(plane).position((long) r * stride).get(dst, r * w, w);
    }
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
}
