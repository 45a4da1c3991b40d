package org.streamstack.media.gpu;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
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
 * found at startup: H.264 on NVENC when an NVIDIA GPU is there and wanted, else on VA-API when an
 * Intel or AMD render node is ({@link RenderNode}, the first one), else on OpenH264; VP8 on VA-API
 * when a render node is there, else on libvpx (NVENC has no VP8 encoder).
 *
 * <p>{@code auto} never fails because of the GPU: a codec with no GPU encoder runs on the CPU,
 * said in one INFO line per codec for the life of this selection (one per media node), not per
 * session, such as {@code no GPU encoder for H.264 (NVIDIA: libcuda.so.1 not found; VA-API: no
 * Intel or AMD render node in /dev/dri): H.264 on libopenh264}; a GPU encoder that is found but
 * does not open (a driver without the encoder, a session limit, a render node libva cannot open)
 * is left for good, with its own line, for the next choice: VA-API after NVENC, the CPU after
 * VA-API. {@code gpu} means the GPU: a node without any
 * GPU fails the instance at its start ({@link #requireGpu}), and a GPU encoder that does not open
 * is an error (the codec sends nothing), never a silent CPU encoder; a codec no GPU here encodes
 * (VP8 on NVENC) runs on the CPU with a WARN line.
 */
public final class EncoderSelection {

  private static final Logger LOG = LoggerFactory.getLogger(EncoderSelection.class);

  private final EncoderPreference preference;
  private final GpuProbe.Result gpus;
  private final List<RenderNode> renderNodes;
  private final RenderNode.Roots roots;
  private final Set<VideoCodec> noGpuLogged = EnumSet.noneOf(VideoCodec.class);
  private final Set<EncoderImplementation> failureLogged = EnumSet.noneOf(EncoderImplementation.class);
  private final Set<EncoderImplementation> broken = EnumSet.noneOf(EncoderImplementation.class);

  /** NVIDIA GPUs only, no render node. */
  public EncoderSelection(EncoderPreference preference, GpuProbe.Result gpus) {
    this(preference, gpus, List.of(), RenderNode.Roots.SYSTEM);
  }

  /**
   * @param renderNodes the VA-API render nodes found under {@code roots}
   * @param roots where they were looked for, for the log lines
   */
  public EncoderSelection(EncoderPreference preference, GpuProbe.Result gpus, List<RenderNode> renderNodes,
      RenderNode.Roots roots) {
    this.preference = Objects.requireNonNull(preference, "preference");
    this.gpus = Objects.requireNonNull(gpus, "gpus");
    this.renderNodes = List.copyOf(renderNodes);
    this.roots = Objects.requireNonNull(roots, "roots");
  }

  /** With the process-wide {@link GpuProbe#detect()} result and the system's render nodes. */
  public static EncoderSelection probing(EncoderPreference preference) {
    return probing(preference, RenderNode.Roots.SYSTEM);
  }

  /** With the process-wide {@link GpuProbe#detect()} result and the render nodes under {@code roots}. */
  public static EncoderSelection probing(EncoderPreference preference, RenderNode.Roots roots) {
    List<RenderNode> nodes = RenderNode.discover(roots);
    if (!nodes.isEmpty()) LOG.info("VA-API render nodes: {}", describe(nodes));
    return new EncoderSelection(preference, GpuProbe.detect(), nodes, roots);
  }

  /** The same GPUs under another preference. */
  public EncoderSelection withPreference(EncoderPreference other) {
    return new EncoderSelection(other, gpus, renderNodes, roots);
  }

  public EncoderPreference preference() {
    return preference;
  }

  public GpuProbe.Result gpus() {
    return gpus;
  }

  /** The Intel and AMD render nodes found, which VA-API encodes on. */
  public List<RenderNode> renderNodes() {
    return renderNodes;
  }

  /** Whether any GPU encoder could run here: an NVIDIA GPU or a VA-API render node. */
  public boolean anyGpu() {
    return gpus.available() || !renderNodes.isEmpty();
  }

  /**
   * For an instance about to start: with {@code gpu} and no GPU at all here, the clear reason it
   * cannot have what it asks for.
   *
   * @throws IllegalStateException with that reason
   */
  public void requireGpu() {
    if (preference == EncoderPreference.GPU && !anyGpu()) {
      throw new IllegalStateException("the application asks for the GPU encoders (encoder gpu) and this node has"
          + " no GPU: " + whyNoGpu());
    }
  }

  /** The encoder a new session of {@code codec} gets. */
  public EncoderImplementation select(VideoCodec codec) {
    EncoderImplementation cpu = EncoderImplementation.cpu(codec);
    if (preference == EncoderPreference.CPU) return cpu;
    if (codec == VideoCodec.H264 && gpus.available() && !isBroken(EncoderImplementation.NVENC_H264)) {
      return EncoderImplementation.NVENC_H264;
    }
    EncoderImplementation vaapi = EncoderImplementation.vaapi(codec);
    if (!renderNodes.isEmpty() && !isBroken(vaapi)) return vaapi;
    if (!isBroken(EncoderImplementation.NVENC_H264) && !isBroken(vaapi)) {
      // Nothing broke: there is simply no GPU encoder of this codec here.
      if (anyGpu()) {
        // An NVIDIA GPU but no render node: VP8 has no NVENC encoder. Normal for auto.
        if (preference == EncoderPreference.GPU) {
          logOnce(noGpuLogged, codec, "no GPU encoder for " + name(codec) + " (NVENC has none, VA-API: "
              + noRenderNode() + "): " + runsOn(cpu));
        }
      } else {
        logOnce(noGpuLogged, codec, "no GPU encoder for " + name(codec) + " (" + whyNoGpu() + "): " + runsOn(cpu));
      }
    }
    return cpu;
  }

  /**
   * Opens the selected encoder. A GPU encoder that does not open is, for {@code auto}, left for
   * the CPU encoder (logged once) for this and later sessions; for {@code gpu}, an error.
   *
   * @throws EncoderOpenException when the encoder does not open (for {@code gpu}, a GPU encoder too)
   */
  public FfmpegVideoEncoder open(VideoCodec codec, EncoderConfig config) {
    EncoderImplementation chosen = select(codec);
    if (!chosen.gpu()) return new FfmpegVideoEncoder(chosen, config);
    RenderNode node = chosen.vaapi() ? renderNodes.get(0) : null;
    String where = node == null ? chosen.ffmpegName() : chosen.ffmpegName() + " on " + node.device();
    try {
      return new FfmpegVideoEncoder(chosen, config, node == null ? null : node.device());
    } catch (EncoderOpenException e) {
      if (preference == EncoderPreference.GPU) {
        throw new EncoderOpenException("the GPU encoder " + where + " did not open (encoder gpu: no CPU fallback): "
            + e.getMessage());
      }
      synchronized (broken) {
        broken.add(chosen);
      }
      // Chosen again without it: NVENC that does not open leaves VA-API, where there is a render
      // node, before the CPU. Each GPU encoder breaks once, so this ends, at the CPU at the latest.
      EncoderImplementation next = select(codec);
      logOnce(failureLogged, chosen, where + " did not open (" + e.getMessage() + "): " + runsOn(next));
      return open(codec, config);
    }
  }

  private boolean isBroken(EncoderImplementation implementation) {
    synchronized (broken) {
      return broken.contains(implementation);
    }
  }

  /** Why neither GPU kind is here: "NVIDIA: libcuda.so.1 not found; VA-API: no Intel or AMD render node in /dev/dri". */
  private String whyNoGpu() {
    return "NVIDIA: " + gpus.reason() + "; VA-API: " + noRenderNode();
  }

  private String noRenderNode() {
    return "no Intel or AMD render node in " + roots.devices();
  }

  private static String describe(List<RenderNode> nodes) {
    return nodes.stream().map(RenderNode::describe).collect(Collectors.joining(", "));
  }

  private static String name(VideoCodec codec) {
    return codec == VideoCodec.H264 ? "H.264" : codec.name();
  }

  private static String runsOn(EncoderImplementation impl) {
    return name(impl.codec()) + " on " + impl.ffmpegName();
  }

  private <T> void logOnce(Set<T> logged, T key, String line) {
    synchronized (logged) {
      if (!logged.add(key)) return;
    }
    Level level = preference == EncoderPreference.GPU ? Level.WARN : Level.INFO;
    LOG.atLevel(level).log(line);
  }
}
