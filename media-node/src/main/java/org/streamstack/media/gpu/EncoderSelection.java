package org.streamstack.media.gpu;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.EncoderOpenException;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.video.VideoCodec;

/**
 * Chooses the encoder of each codec from the deployment's {@link EncoderPreference} and the GPUs
 * found at startup: H.264 on NVENC when a GPU is there and wanted, else on OpenH264; VP8 always on
 * libvpx (NVENC has no VP8 encoder).
 *
 * <p>A fallback from NVENC to the CPU is logged once per reason for the life of this selection
 * (one per media node), not once per session: {@code auto} at INFO, because a GPU-less node
 * working on its CPU is normal; {@code gpu} at WARN, because the deployment asked for a GPU. The
 * line says why and what runs instead, for example {@code no NVIDIA GPU (libcuda.so.1 not found):
 * H.264 on libopenh264}. A GPU that is found but whose NVENC refuses to open (driver without NVENC,
 * session limit) also falls back, with its own line.
 */
public final class EncoderSelection {

  private static final Logger LOG = LoggerFactory.getLogger(EncoderSelection.class);

  private final EncoderPreference preference;
  private final GpuProbe.Result gpus;
  private final Set<VideoCodec> noGpuLogged = EnumSet.noneOf(VideoCodec.class);
  private final Set<VideoCodec> nvencFailureLogged = EnumSet.noneOf(VideoCodec.class);
  private volatile boolean nvencBroken;

  public EncoderSelection(EncoderPreference preference, GpuProbe.Result gpus) {
    this.preference = Objects.requireNonNull(preference, "preference");
    this.gpus = Objects.requireNonNull(gpus, "gpus");
  }

  /** With the process-wide {@link GpuProbe#detect()} result. */
  public static EncoderSelection probing(EncoderPreference preference) {
    return new EncoderSelection(preference, GpuProbe.detect());
  }

  public EncoderPreference preference() {
    return preference;
  }

  public GpuProbe.Result gpus() {
    return gpus;
  }

  /** The encoder a new session of {@code codec} gets. */
  public EncoderImplementation select(VideoCodec codec) {
    EncoderImplementation cpu = EncoderImplementation.cpu(codec);
    if (preference == EncoderPreference.CPU || codec != VideoCodec.H264) return cpu;
    if (!gpus.available()) {
      logOnce(noGpuLogged, codec, "no NVIDIA GPU (" + gpus.reason() + "): " + runsOn(cpu));
      return cpu;
    }
    if (nvencBroken) return cpu;
    return EncoderImplementation.NVENC_H264;
  }

  /**
   * Opens the selected encoder. When NVENC is selected but refuses to open, falls back to the CPU
   * encoder (logged once) and stays on the CPU for later sessions.
   */
  public FfmpegVideoEncoder open(VideoCodec codec, EncoderConfig config) {
    EncoderImplementation chosen = select(codec);
    if (!chosen.gpu()) return new FfmpegVideoEncoder(chosen, config);
    try {
      return new FfmpegVideoEncoder(chosen, config);
    } catch (EncoderOpenException e) {
      nvencBroken = true;
      EncoderImplementation cpu = EncoderImplementation.cpu(codec);
      logOnce(
          nvencFailureLogged,
          codec,
          "NVENC did not open (" + e.getMessage() + "): " + runsOn(cpu));
      return new FfmpegVideoEncoder(cpu, config);
    }
  }

  private static String runsOn(EncoderImplementation impl) {
    String codec = impl.codec() == VideoCodec.H264 ? "H.264" : impl.codec().name();
    return codec + " on " + impl.ffmpegName();
  }

  private void logOnce(Set<VideoCodec> logged, VideoCodec codec, String line) {
    synchronized (logged) {
      if (!logged.add(codec)) return;
    }
    Level level = preference == EncoderPreference.GPU ? Level.WARN : Level.INFO;
    LOG.atLevel(level).log(line);
  }
}
