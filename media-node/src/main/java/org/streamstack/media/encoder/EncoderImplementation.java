package org.streamstack.media.encoder;

import org.streamstack.media.video.VideoCodec;

/** The FFmpeg encoders the media node uses, by FFmpeg name. */
public enum EncoderImplementation {
  /** Cisco's OpenH264, constrained baseline, CPU. */
  OPENH264("libopenh264", VideoCodec.H264, false),
  /** libvpx VP8, realtime deadline, CPU. */
  LIBVPX_VP8("libvpx", VideoCodec.VP8, false),
  /** NVIDIA NVENC H.264 through the driver's libcuda and libnvidia-encode. */
  NVENC_H264("h264_nvenc", VideoCodec.H264, true),
  /** H.264 on an Intel or AMD GPU through VA-API (libva and the GPU's driver), on a render node. */
  VAAPI_H264("h264_vaapi", VideoCodec.H264, true),
  /** VP8 on an Intel GPU through VA-API (AMD's VA-API has no VP8 encoder: it does not open there). */
  VAAPI_VP8("vp8_vaapi", VideoCodec.VP8, true);

  private final String ffmpegName;
  private final VideoCodec codec;
  private final boolean gpu;

  EncoderImplementation(String ffmpegName, VideoCodec codec, boolean gpu) {
    this.ffmpegName = ffmpegName;
    this.codec = codec;
    this.gpu = gpu;
  }

  /** Name for {@code avcodec_find_encoder_by_name}. */
  public String ffmpegName() {
    return ffmpegName;
  }

  public VideoCodec codec() {
    return codec;
  }

  public boolean gpu() {
    return gpu;
  }

  /** Whether it encodes on a VA-API render node (which it then needs to open). */
  public boolean vaapi() {
    return this == VAAPI_H264 || this == VAAPI_VP8;
  }

  /** The VA-API encoder of a codec. */
  public static EncoderImplementation vaapi(VideoCodec codec) {
    return switch (codec) {
      case H264 -> VAAPI_H264;
      case VP8 -> VAAPI_VP8;
    };
  }

  /** The CPU encoder of a codec. */
  public static EncoderImplementation cpu(VideoCodec codec) {
    return switch (codec) {
      case H264 -> OPENH264;
      case VP8 -> LIBVPX_VP8;
    };
  }
}
