package org.streamstack.media.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.streamstack.media.app.LatencyProbe;
import org.streamstack.media.app.SyntheticApplication;
import org.streamstack.media.testing.AnnexB;
import org.streamstack.media.testing.TestDecoder;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoFrame;

class FfmpegVideoEncoderTest {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int FPS = 30;
  private static final long START_MILLIS = 1_767_225_600_123L;

  private final SyntheticApplication app = new SyntheticApplication(WIDTH, HEIGHT);

  private VideoFrame frame(long n) {
    return app.render(n, START_MILLIS + n * 1000 / FPS);
  }

  private static FfmpegVideoEncoder open(EncoderImplementation impl, int bitrate) {
    return new FfmpegVideoEncoder(impl, EncoderConfig.of(WIDTH, HEIGHT, FPS, bitrate));
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENH264", "LIBVPX_VP8"})
  void roundTripKeepsFramesKeyframesAndTheLatencyProbe(EncoderImplementation impl) {
    List<EncodedFrame> encoded = new ArrayList<>();
    // 500 kbit/s: the probe must survive a starved encoder, not only a generous one.
    try (FfmpegVideoEncoder encoder = open(impl, 500_000)) {
      for (int n = 0; n < 30; n++) {
        if (n == 17) encoder.requestKeyframe();
        EncodedFrame out = encoder.encode(frame(n));
        assertNotNull(out, "output for frame " + n);
        encoded.add(out);
      }
    }
    assertEquals(30, encoded.size());
    for (int n = 0; n < 30; n++) {
      EncodedFrame e = encoded.get(n);
      assertEquals(n, e.frameNumber());
      assertEquals(START_MILLIS + n * 1000 / FPS, e.captureTimeMillis());
      assertEquals(e.captureTimeMillis() * 90, e.pts90k());
      assertEquals(n == 0 || n == 17, e.keyframe(), "keyframe flag of frame " + n);
    }

    List<VideoFrame> decoded = new ArrayList<>();
    try (TestDecoder decoder = new TestDecoder(impl.codec())) {
      for (EncodedFrame e : encoded) decoded.addAll(decoder.decode(e));
      decoded.addAll(decoder.flush());
    }
    assertEquals(30, decoded.size(), "decoded pictures");
    for (int n = 0; n < 30; n++) {
      VideoFrame picture = decoded.get(n);
      assertEquals(WIDTH, picture.width());
      LatencyProbe.Reading probe = LatencyProbe.read(picture).orElseThrow();
      assertEquals(START_MILLIS + n * 1000 / FPS, probe.captureTimeMillis(), "time of " + n);
      assertTrue(probe.matchesFrame(n), "frame number of " + n + ": " + probe.frameNumber());
    }
  }

  @Test
  void h264WithoutItsLoopFilterStillDecodesWithTheProbeIntact() {
    List<EncodedFrame> encoded = new ArrayList<>();
    EncoderConfig unfiltered = new EncoderConfig(WIDTH, HEIGHT, FPS, 1_000_000, 10, 1,
        EncoderConfig.DEFAULT_VP8_CPU_USED, false);
    try (FfmpegVideoEncoder encoder = new FfmpegVideoEncoder(EncoderImplementation.OPENH264, unfiltered)) {
      for (int n = 0; n < 10; n++) encoded.add(encoder.encode(frame(n)));
    }
    List<VideoFrame> decoded = new ArrayList<>();
    try (TestDecoder decoder = new TestDecoder(EncoderImplementation.OPENH264.codec())) {
      for (EncodedFrame e : encoded) decoded.addAll(decoder.decode(e));
      decoded.addAll(decoder.flush());
    }
    assertEquals(10, decoded.size());
    assertTrue(LatencyProbe.read(decoded.get(9)).orElseThrow().matchesFrame(9));
  }

  @Test
  void h264CarriesSpsAndPpsBeforeEveryIdr() {
    int idrs = 0;
    try (FfmpegVideoEncoder encoder = open(EncoderImplementation.OPENH264, 1_000_000)) {
      for (int n = 0; n < 12; n++) {
        if (n % 4 == 0) encoder.requestKeyframe();
        EncodedFrame e = encoder.encode(frame(n));
        List<Integer> types = AnnexB.nalTypes(e.data());
        int idr = types.indexOf(5);
        assertEquals(e.keyframe(), idr >= 0, "IDR NAL iff keyframe, frame " + n + ": " + types);
        if (idr >= 0) {
          idrs++;
          int sps = types.indexOf(7);
          int pps = types.indexOf(8);
          assertTrue(sps >= 0 && sps < pps && pps < idr, "SPS, PPS, IDR order: " + types);
        } else {
          assertFalse(types.contains(7), "no SPS outside IDR access units: " + types);
          assertTrue(types.contains(1), "non-IDR slice: " + types);
        }
      }
    }
    assertEquals(3, idrs);
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENH264", "LIBVPX_VP8"})
  void targetBitrateShapesTheOutput(EncoderImplementation impl) {
    long low = encodedBytes(impl, 500_000, 60);
    long high = encodedBytes(impl, 4_000_000, 60);
    System.out.printf("%s 60 frames: %d bytes at 500 kbit/s, %d at 4000 kbit/s%n", impl, low, high);
    assertTrue(high > 2 * low, "4000 kbit/s: " + high + " bytes, 500 kbit/s: " + low);
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENH264", "LIBVPX_VP8"})
  void bitrateChangesWhileEncoding(EncoderImplementation impl) {
    try (FfmpegVideoEncoder encoder = open(impl, 500_000)) {
      long before = 0;
      long after = 0;
      List<Long> keyframes = new ArrayList<>();
      for (int n = 0; n < 120; n++) {
        if (n == 60) encoder.setTargetBitrate(4_000_000);
        EncodedFrame e = encoder.encode(frame(n));
        if (e.keyframe()) keyframes.add((long) n);
        // Skip the first 15 frames after each start: rate control settles.
        if (n >= 15 && n < 60) before += e.size();
        if (n >= 75) after += e.size();
      }
      System.out.printf(
          "%s: 45 frames %d bytes at 500 kbit/s, then %d at 4000 kbit/s; keyframes %s, reopens %d%n",
          impl, before, after, keyframes, encoder.reopens());
      assertTrue(after > 2 * before, "after " + after + " vs before " + before);
      assertEquals(4_000_000, encoder.appliedBitrate());
      if (impl == EncoderImplementation.LIBVPX_VP8) {
        assertEquals(List.of(0L), keyframes, "VP8 changes bitrate in place, no keyframe");
        assertEquals(0, encoder.reopens());
      } else {
        assertEquals(List.of(0L, 60L), keyframes, "OpenH264 re-opens: IDR at the change");
        assertEquals(1, encoder.reopens());
      }
    }
  }

  @Test
  void openH264DefersSmallAndEarlyChanges() {
    try (FfmpegVideoEncoder encoder = open(EncoderImplementation.OPENH264, 1_000_000)) {
      encoder.encode(frame(0));
      encoder.setTargetBitrate(1_100_000); // 10 %: below the threshold
      for (int n = 1; n < 40; n++) assertFalse(encoder.encode(frame(n)).keyframe());
      assertEquals(1_000_000, encoder.appliedBitrate());
      encoder.setTargetBitrate(2_000_000);
      assertTrue(encoder.encode(frame(40)).keyframe());
      assertEquals(2_000_000, encoder.appliedBitrate());
      encoder.setTargetBitrate(500_000); // within a second of the last open: waits
      assertFalse(encoder.encode(frame(41)).keyframe());
      assertEquals(2_000_000, encoder.appliedBitrate());
      encoder.requestKeyframe(); // a keyframe anyway: applied with it
      assertTrue(encoder.encode(frame(42)).keyframe());
      assertEquals(500_000, encoder.appliedBitrate());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"OPENH264", "LIBVPX_VP8"})
  void closeFreesNativeMemoryAndRefusesWork(EncoderImplementation impl) {
    FfmpegVideoEncoder encoder = open(impl, 1_000_000);
    encoder.encode(frame(0));
    assertTrue(encoder.holdsNativeMemory());
    encoder.close();
    assertFalse(encoder.holdsNativeMemory());
    assertTrue(encoder.isClosed());
    assertThrows(IllegalStateException.class, () -> encoder.encode(frame(1)));
    assertThrows(IllegalStateException.class, encoder::requestKeyframe);
    assertThrows(IllegalStateException.class, () -> encoder.setTargetBitrate(1_000_000));
    encoder.close(); // idempotent
  }

  @Test
  void openingAndClosingManyEncodersDoesNotGrowTheProcess() throws Exception {
    VideoFrame picture = frame(0);
    Runnable cycle =
        () -> {
          for (EncoderImplementation impl :
              new EncoderImplementation[] {
                EncoderImplementation.OPENH264, EncoderImplementation.LIBVPX_VP8
              }) {
            try (FfmpegVideoEncoder encoder = open(impl, 1_000_000)) {
              encoder.encode(picture);
            }
          }
        };
    for (int i = 0; i < 5; i++) cycle.run(); // allocator and JIT settle
    long before = residentKilobytes();
    for (int i = 0; i < 60; i++) cycle.run();
    long grownKb = residentKilobytes() - before;
    // A 640x360 encoder holds about 6 MB of native memory: leaking these 120 would add ~700 MB.
    assertTrue(grownKb < 150_000, "resident set grew by " + grownKb + " kB");
  }

  private static long residentKilobytes() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  @Test
  void directBuffersEncodeLikeHeapBuffers() {
    VideoFrame heap = frame(0);
    VideoFrame direct = VideoFrame.allocate(WIDTH, HEIGHT, true, heap.captureTimeMillis(), 0);
    direct.dataY().put(0, heap.dataY(), 0, heap.dataY().capacity());
    direct.dataU().put(0, heap.dataU(), 0, heap.dataU().capacity());
    direct.dataV().put(0, heap.dataV(), 0, heap.dataV().capacity());
    byte[] a;
    byte[] b;
    try (FfmpegVideoEncoder encoder = open(EncoderImplementation.OPENH264, 1_000_000)) {
      a = encoder.encode(heap).data();
    }
    try (FfmpegVideoEncoder encoder = open(EncoderImplementation.OPENH264, 1_000_000)) {
      b = encoder.encode(direct).data();
    }
    assertEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(b));
  }

  @Test
  void wrongSizeIsRefused() {
    try (FfmpegVideoEncoder encoder = open(EncoderImplementation.LIBVPX_VP8, 1_000_000)) {
      VideoFrame other = new SyntheticApplication(1280, 720).render(0, START_MILLIS);
      assertThrows(IllegalArgumentException.class, () -> encoder.encode(other));
    }
  }

  private long encodedBytes(EncoderImplementation impl, int bitrate, int frames) {
    long total = 0;
    try (FfmpegVideoEncoder encoder = open(impl, bitrate)) {
      for (int n = 0; n < frames; n++) total += encoder.encode(frame(n)).size();
    }
    return total;
  }
}
