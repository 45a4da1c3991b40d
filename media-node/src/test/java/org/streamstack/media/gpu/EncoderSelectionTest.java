package org.streamstack.media.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import org.slf4j.LoggerFactory;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
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
  void autoFallsBackToOpenH264OnThisMachineWithOneLogLine() {
    Assumptions.assumeFalse(Files.exists(Path.of("/dev/nvidiactl")), "this machine has a GPU");
    EncoderSelection selection = EncoderSelection.probing(EncoderPreference.AUTO);
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
        "no NVIDIA GPU (libcuda.so.1 not found): H.264 on libopenh264",
        lines.get(0).getFormattedMessage());
  }

  @Test
  void gpuPreferenceFallsBackWithAWarning() {
    EncoderSelection selection =
        new EncoderSelection(EncoderPreference.GPU, GpuProbe.Result.none("libcuda.so.1 not found"));
    for (int i = 0; i < 3; i++) {
      assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    }
    assertEquals(1, lines().size());
    assertEquals(Level.WARN, lines().get(0).getLevel());
    assertEquals(
        "no NVIDIA GPU (libcuda.so.1 not found): H.264 on libopenh264",
        lines().get(0).getFormattedMessage());
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
    EncoderSelection selection = new EncoderSelection(EncoderPreference.GPU, FAKE_GPU);
    try (FfmpegVideoEncoder first = selection.open(VideoCodec.H264, CONFIG);
        FfmpegVideoEncoder second = selection.open(VideoCodec.H264, CONFIG)) {
      assertEquals("libopenh264", first.implementationName());
      assertEquals("libopenh264", second.implementationName());
    }
    assertEquals(EncoderImplementation.OPENH264, selection.select(VideoCodec.H264));
    List<ILoggingEvent> lines = lines();
    assertEquals(1, lines.size(), "lines: " + lines);
    assertEquals(Level.WARN, lines.get(0).getLevel());
    String line = lines.get(0).getFormattedMessage();
    assertTrue(line.startsWith("NVENC did not open (avcodec_open2 h264_nvenc"), line);
    assertTrue(line.endsWith("): H.264 on libopenh264"), line);
  }
}
