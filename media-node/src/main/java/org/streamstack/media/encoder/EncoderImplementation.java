package org.streamstack.media.encoder;

import org.streamstack.media.video.VideoCodec;

/** The FFmpeg encoders the media node uses, by FFmpeg name. */
public enum EncoderImplementation {
  /** Cisco's OpenH264, constrained baseline, CPU. */
  OPENH264("libopenh264", VideoCodec.H264, false),
  /** libvpx VP8, realtime deadline, CPU. */
  LIBVPX_VP8("libvpx", VideoCodec.VP8, false),
  /** NVIDIA NVENC H.264 through the driver's libcuda and libnvidia-encode. */
  NVENC_H264("h264_nvenc", VideoCodec.H264, true);

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

  /** The CPU encoder of a codec. */
  public static EncoderImplementation cpu(VideoCodec codec) {
    return switch (codec) {
      case H264 -> OPENH264;
      case VP8 -> LIBVPX_VP8;
    };
  }
}
