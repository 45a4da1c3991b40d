package org.streamstack.media.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.EncoderOpenException;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.video.VideoCodec;

class EncoderSelectionTest {

  private static final EncoderConfig CONFIG = EncoderConfig.of(640, 360, 30, 1_000_000);
  private static final GpuProbe.Result FAKE_GPU =
      new GpuProbe.Result(List.of(new GpuProbe.Device(0, "Test GPU", 8L << 30)), "");

  private final Logger logger = (Logger) LoggerFactory.getLogger(EncoderSelection.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<ILoggingEvent> lines() {
    return List.copyOf(appender.list);
  }

  @Test
  void autoWithoutAGpuFallsBackToOpenH264WithOneLogLine(@TempDir Path noRenderNodes) {
    Assumptions.assumeFalse(GpuProbe.detect().available(), "this machine has an NVIDIA GPU");
    EncoderSelection selection =
        EncoderSelection.probing(EncoderPreference.AUTO, new RenderNode.Roots(noRenderNodes, noRenderNodes));
    assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    try (FfmpegVideoEncoder encoder = selection.open(VideoCodec.H264, CONFIG)) {
      assertEquals("libopenh264", encoder.implementationName());
      assertNotNull(encoder.encode(new SyntheticApplication(640, 360).render(0, 1_000)));
    }
    List<ILoggingEvent> lines = lines();
    assertEquals(1, lines.size(), "lines: " + lines);
    assertEquals(Level.INFO, lines.get(0).getLevel());
    assertEquals(
        "no GPU encoder for H.264 (NVIDIA: " + GpuProbe.detect().reason() + "; VA-API: no Intel or AMD render node in "
            + noRenderNodes + "): H.264 on libopenh264",
        lines.get(0).getFormattedMessage());
    selection.requireGpu(); // auto never fails because of the GPU
  }

  @Test
  void gpuPreferenceWithoutAnyGpuIsAClearErrorAtInstanceStart() {
    EncoderSelection selection =
        new EncoderSelection(EncoderPreference.GPU, GpuProbe.Result.none("libcuda.so.1 not found"));
    for (int i = 0; i < 3; i++) {
      assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    }
    assertEquals(1, lines().size());
    assertEquals(Level.WARN, lines().get(0).getLevel());
    IllegalStateException refused = assertThrows(IllegalStateException.class, selection::requireGpu);
    assertEquals("the application asks for the GPU encoders (encoder gpu) and this node has no GPU: NVIDIA:"
        + " libcuda.so.1 not found; VA-API: no Intel or AMD render node in /dev/dri", refused.getMessage());
  }

  @Test
  void cpuPreferenceAndVp8NeverAskForTheGpu() {
    EncoderSelection cpu = new EncoderSelection(EncoderPreference.CPU, FAKE_GPU);
    assertEquals(EncoderImplementation.OPENH264, cpu.select(VideoCodec.H264));
    assertEquals(EncoderImplementation.LIBVPX_VP8, cpu.select(VideoCodec.VP8));
    EncoderSelection auto = new EncoderSelection(EncoderPreference.AUTO, FAKE_GPU);
    assertEquals(EncoderImplementation.LIBVPX_VP8, auto.select(VideoCodec.VP8));
    assertEquals(List.of(), lines());
  }

  @Test
  void aGpuSelectsNvenc() {
    EncoderSelection selection = new EncoderSelection(EncoderPreference.AUTO, FAKE_GPU);
    assertEquals(EncoderImplementation.NVENC_H264, selection.select(VideoCodec.H264));
  }

  @Test
  void nvencThatDoesNotOpenFallsBackOnceAndForGood() {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has a GPU");
    // The probe is told there is a GPU; h264_nvenc then fails to load libcuda.so.1.
    EncoderSelection selection = new EncoderSelection(EncoderPreference.AUTO, FAKE_GPU);
    try (FfmpegVideoEncoder first = selection.open(VideoCodec.H264, CONFIG);
        FfmpegVideoEncoder second = selection.open(VideoCodec.H264, CONFIG)) {
      assertEquals("libopenh264", first.implementationName());
      assertEquals("libopenh264", second.implementationName());
    }
    assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    List<ILoggingEvent> lines = lines();
    assertEquals(1, lines.size(), "lines: " + lines);
    assertEquals(Level.INFO, lines.get(0).getLevel());
    String line = lines.get(0).getFormattedMessage();
    assertTrue(line.startsWith("h264_nvenc did not open (avcodec_open2 h264_nvenc"), line);
    assertTrue(line.endsWith("): H.264 on libopenh264"), line);
  }

  @Test
  void nvencThatDoesNotOpenIsAnErrorForTheGpuPreference() {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has a GPU");
    EncoderSelection selection = new EncoderSelection(EncoderPreference.GPU, FAKE_GPU);
    selection.requireGpu();
    EncoderOpenException e = assertThrows(EncoderOpenException.class, () -> selection.open(VideoCodec.H264, CONFIG));
    assertTrue(e.getMessage().startsWith("the GPU encoder h264_nvenc did not open (encoder gpu: no CPU fallback): "
        + "avcodec_open2 h264_nvenc"), e.getMessage());
  }

  // --- VA-API: a render node tree of a test's own -------------------------------------------

  @TempDir
  Path tree;

  /** /dev/dri and /sys/class/drm as a test's tree: an Intel render node, an NVIDIA one, a card node. */
  private RenderNode.Roots fakeIntelGpu() throws Exception {
    Path devices = Files.createDirectories(tree.resolve("dev/dri"));
    Path sysfs = Files.createDirectories(tree.resolve("sys/class/drm"));
    for (String node : List.of("card0", "renderD128", "renderD129")) Files.createFile(devices.resolve(node));
    Files.writeString(Files.createDirectories(sysfs.resolve("renderD128/device")).resolve("vendor"), "0x8086\n");
    Files.writeString(Files.createDirectories(sysfs.resolve("renderD129/device")).resolve("vendor"), "0x10de\n");
    Files.writeString(Files.createDirectories(sysfs.resolve("card0/device")).resolve("vendor"), "0x8086\n");
    return new RenderNode.Roots(devices, sysfs);
  }

  @Test
  void noRenderNodeHereMeansNoneDiscovered() {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/dri")), "this machine has render nodes");
    assertEquals(List.of(), RenderNode.discover(RenderNode.Roots.SYSTEM));
    assertEquals(List.of(), RenderNode.discover(new RenderNode.Roots(tree.resolve("none"), tree.resolve("none"))));
  }

  @Test
  void aFakeIntelRenderNodeIsDiscoveredAndChosenByName() throws Exception {
    RenderNode.Roots roots = fakeIntelGpu();
    List<RenderNode> nodes = RenderNode.discover(roots);
    assertEquals(List.of(new RenderNode(roots.devices().resolve("renderD128"), "Intel")), nodes,
        "the Intel render node; not NVIDIA's, not the card node");
    EncoderSelection auto = new EncoderSelection(EncoderPreference.AUTO, GpuProbe.Result.none("no"), nodes, roots);
    assertTrue(auto.anyGpu());
    assertEquals(EncoderImplementation.VAAPI_H264, auto.select(VideoCodec.H264));
    assertEquals("h264_vaapi", auto.select(VideoCodec.H264).ffmpegName());
    assertEquals(EncoderImplementation.VAAPI_VP8, auto.select(VideoCodec.VP8));
    EncoderSelection cpu = new EncoderSelection(EncoderPreference.CPU, GpuProbe.Result.none("no"), nodes, roots);
    assertEquals(EncoderImplementation.OPENH264, cpu.select(VideoCodec.H264));
    // NVENC comes first for H.264 where there is an NVIDIA GPU too; VP8 stays on VA-API.
    EncoderSelection both = new EncoderSelection(EncoderPreference.AUTO, FAKE_GPU, nodes, roots);
    assertEquals(EncoderImplementation.NVENC_H264, both.select(VideoCodec.H264));
    assertEquals(EncoderImplementation.VAAPI_VP8, both.select(VideoCodec.VP8));
    assertEquals(List.of(), lines());
  }

  @Test
  void aRenderNodeThatDoesNotOpenFallsBackCleanlyForAuto() throws Exception {
    RenderNode.Roots roots = fakeIntelGpu();
    EncoderSelection auto = new EncoderSelection(EncoderPreference.AUTO, GpuProbe.Result.none("no"),
        RenderNode.discover(roots), roots);
    SyntheticApplication app = new SyntheticApplication(640, 360);
    for (VideoCodec codec : VideoCodec.values()) {
      // libva cannot open a plain file as a GPU: the CPU encoder takes over, for this and later sessions.
      try (FfmpegVideoEncoder first = auto.open(codec, CONFIG); FfmpegVideoEncoder second = auto.open(codec, CONFIG)) {
        assertEquals(EncoderImplementation.cpu(codec), first.implementation());
        assertEquals(EncoderImplementation.cpu(codec), second.implementation());
        assertNotNull(first.encode(app.render(0, 1_000)));
      }
      assertEquals(EncoderImplementation.cpu(codec), auto.select(codec));
    }
    List<ILoggingEvent> lines = lines();
    assertEquals(2, lines.size(), "one line per VA-API encoder: " + lines);
    String line = lines.get(0).getFormattedMessage();
    assertEquals(Level.INFO, lines.get(0).getLevel());
    assertTrue(line.startsWith("h264_vaapi on " + roots.devices().resolve("renderD128") + " did not open ("), line);
    assertTrue(line.endsWith("): H.264 on libopenh264"), line);
    assertTrue(lines.get(1).getFormattedMessage().endsWith("): VP8 on libvpx"), lines.get(1).getFormattedMessage());
  }

  @Test
  void nvencThatDoesNotOpenLeavesVaapiBeforeTheCpu() throws Exception {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has a GPU");
    // Told there is an NVIDIA GPU (h264_nvenc then fails to load libcuda.so.1) and a render node
    // (a plain file libva cannot open): both are tried, in that order, before OpenH264.
    RenderNode.Roots roots = fakeIntelGpu();
    EncoderSelection auto = new EncoderSelection(EncoderPreference.AUTO, FAKE_GPU, RenderNode.discover(roots), roots);
    try (FfmpegVideoEncoder encoder = auto.open(VideoCodec.H264, CONFIG)) {
      assertEquals(EncoderImplementation.OPENH264, encoder.implementation());
    }
    List<String> lines = lines().stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(2, lines.size(), "one line per GPU encoder that did not open: " + lines);
    assertTrue(lines.get(0).startsWith("h264_nvenc did not open ("), lines.get(0));
    assertTrue(lines.get(0).endsWith("): H.264 on h264_vaapi"), lines.get(0));
    assertTrue(lines.get(1).startsWith("h264_vaapi on " + roots.devices().resolve("renderD128") + " did not open ("),
        lines.get(1));
    assertTrue(lines.get(1).endsWith("): H.264 on libopenh264"), lines.get(1));
  }

  @Test
  void aRenderNodeThatDoesNotOpenIsAClearErrorForGpu() throws Exception {
    RenderNode.Roots roots = fakeIntelGpu();
    EncoderSelection gpu = new EncoderSelection(EncoderPreference.GPU, GpuProbe.Result.none("no"),
        RenderNode.discover(roots), roots);
    gpu.requireGpu(); // there is a GPU, as far as the node can tell
    EncoderOpenException e = assertThrows(EncoderOpenException.class, () -> gpu.open(VideoCodec.H264, CONFIG));
    assertTrue(e.getMessage().startsWith("the GPU encoder h264_vaapi on " + roots.devices().resolve("renderD128")
        + " did not open (encoder gpu: no CPU fallback): "), e.getMessage());
    assertEquals(EncoderImplementation.VAAPI_H264, gpu.select(VideoCodec.H264), "gpu keeps asking for the GPU");
  }
}
