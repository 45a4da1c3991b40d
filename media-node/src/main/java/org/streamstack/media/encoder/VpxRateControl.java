package org.streamstack.media.encoder;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Changes libvpx's target bitrate inside FFmpeg 8's libvpx wrapper without re-opening the encoder
 * (which would cost a keyframe at every congestion-control update).
 *
 * <p>FFmpeg 8's {@code vpx_encode} (libavcodec/libvpxenc.c) ignores a changed
 * {@code AVCodecContext.bit_rate}. Its one run-time reconfiguration: when {@code avctx->qmax} is
 * set and differs from the encoder's current {@code rc_max_quantizer}, it copies libvpx's current
 * {@code vpx_codec_enc_cfg}, sets {@code rc_max_quantizer = qmax} and calls
 * {@code vpx_codec_enc_config_set}. So we write the new {@code rc_target_bitrate} into that
 * current configuration and mark its {@code rc_max_quantizer} stale; the next frame's encode call
 * applies the whole configuration through libvpx's public API.
 *
 * <p>The current configuration is {@code ((VP8Context *) avctx->priv_data)->encoder.config.enc}:
 * {@code encoder} is the {@code vpx_codec_ctx_t} right after the {@code AVClass} pointer, and its
 * {@code config} union sits at byte 0x28 (public ABI of vpx/vpx_codec.h). Offsets inside
 * {@code vpx_codec_enc_cfg} come from vpx/vpx_encoder.h. {@link #attach} checks width, height,
 * target bitrate and max quantizer at these offsets against what we opened with, and returns null
 * if anything differs, so a changed layout means re-opening, never writing to the wrong place.
 */
final class VpxRateControl {

  /** Pointer to the current {@code vpx_codec_enc_cfg}: VP8Context.encoder (8) + config (0x28). */
  private static final int CONFIG_POINTER_INDEX = 0x30 / 8;

  private static final int G_W = 0x0c / 4;
  private static final int G_H = 0x10 / 4;
  private static final int RC_TARGET_BITRATE = 0x70 / 4;
  private static final int RC_MAX_QUANTIZER = 0x78 / 4;
  private static final int CONFIG_INTS = RC_MAX_QUANTIZER + 1;

  private final IntPointer config;
  private final int qmax;

  private VpxRateControl(IntPointer config, int qmax) {
    this.config = config;
    this.qmax = qmax;
  }

  /** Finds and checks libvpx's configuration of an open libvpx context; null if not found. */
  static VpxRateControl attach(
      AVCodecContext context, int width, int height, int bitrate, int qmax) {
    Pointer priv = context.priv_data();
    if (priv == null || priv.isNull()) return null;
    IntPointer config =
        new PointerPointer<IntPointer>(priv).get(IntPointer.class, CONFIG_POINTER_INDEX);
    if (config == null || config.isNull()) return null;
    config.capacity(CONFIG_INTS);
    boolean matches =
        config.get(G_W) == width
            && config.get(G_H) == height
            && config.get(RC_TARGET_BITRATE) == Math.round(bitrate / 1000.0)
            && config.get(RC_MAX_QUANTIZER) == qmax
            && context.qmax() == qmax;
    return matches ? new VpxRateControl(config, qmax) : null;
  }

  /**
   * Schedules a new target for the next encode call. False when the previous change has not been
   * applied: then the wrapper no longer behaves as this class expects.
   */
  boolean setTargetBitrate(int bitsPerSecond) {
    if (config.get(RC_MAX_QUANTIZER) != qmax) return false;
    config.put(RC_TARGET_BITRATE, Math.max(1, Math.round(bitsPerSecond / 1000f)));
    config.put(RC_MAX_QUANTIZER, qmax + 1);
    return true;
  }

  /** libvpx's current target in kbit/s. */
  int currentTargetKbps() {
    return config.get(RC_TARGET_BITRATE);
  }
}
