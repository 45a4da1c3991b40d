package org.streamstack.media.x11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.media.app.FrameClock;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.testing.TestDecoder;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.protocol.control.ControlMessage;

/** xlogo on its own Xvfb: grabbed at the clock's rate, encoded, decoded, driven by input, and its exit seen. */
class X11ApplicationTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;
  private static final int FPS = 30;

  private static X11Application xlogo;

  @BeforeAll
  static void startXlogo() throws IOException {
    // No window manager: the window goes where its geometry says, covering the screen.
    xlogo = X11Application.start("xlogo-test", new X11Program(List.of("xlogo", "-geometry",
        WIDTH + "x" + HEIGHT + "+0+0"), null, Map.of()), "Xvfb", WIDTH, HEIGHT, true);
  }

  @AfterAll
  static void stopXlogo() {
    if (xlogo != null) xlogo.close();
  }

  /** Grabs until xlogo has drawn: its picture holds both its white background and its black X. */
  private static VideoFrame drawnFrame() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    VideoFrame frame = null;
    while (System.nanoTime() < deadline) {
      frame = xlogo.render(0, System.currentTimeMillis());
      if (frame != null && darkest(frame) < 40 && brightest(frame) > 200) return frame;
      Thread.sleep(50);
    }
    throw new AssertionError("xlogo never appeared on the display; last frame: "
        + (frame == null ? "none" : "luma " + darkest(frame) + "-" + brightest(frame)));
  }

  private static int darkest(VideoFrame frame) {
    int min = 255;
    for (int i = 0; i < frame.width() * frame.height(); i += 7) {
      min = Math.min(min, luma(frame, i));
    }
    return min;
  }

  private static int brightest(VideoFrame frame) {
    int max = 0;
    for (int i = 0; i < frame.width() * frame.height(); i += 7) {
      max = Math.max(max, luma(frame, i));
    }
    return max;
  }

  private static int luma(VideoFrame frame, int index) {
    int x = index % frame.width();
    int y = index / frame.width();
    return Byte.toUnsignedInt(frame.dataY().get(y * frame.strideY() + x));
  }

  @Test
  void framesComeAtTheClocksRate() throws Exception {
    drawnFrame();
    List<VideoFrame> frames = new CopyOnWriteArrayList<>();
    try (FrameClock clock = FrameClock.start("grab-test", FPS, (n, t) -> frames.add(xlogo.render(n, t)))) {
      Thread.sleep(1000);
    }
    // One second at 30 fps, give or take a tick at either end and a loaded machine.
    assertTrue(frames.size() >= FPS - 4 && frames.size() <= FPS + 1, frames.size() + " frames in a second");
    for (int i = 0; i < frames.size(); i++) {
      VideoFrame frame = frames.get(i);
      assertNotNull(frame, "frame " + i);
      assertEquals(i, frame.frameNumber());
      assertEquals(WIDTH, frame.width());
      assertEquals(HEIGHT, frame.height());
    }
  }

  @Test
  void aGrabbedScreenEncodesAndDecodesToTheSamePicture() throws Exception {
    VideoFrame screen = drawnFrame();
    List<EncodedFrame> encoded = new ArrayList<>();
    try (FfmpegVideoEncoder encoder = new FfmpegVideoEncoder(EncoderImplementation.OPENH264,
        EncoderConfig.of(WIDTH, HEIGHT, FPS, 1_000_000))) {
      for (int n = 0; n < 5; n++) encoded.add(encoder.encode(screen.withTiming(1000 + n, n)));
    }
    List<VideoFrame> decoded = new ArrayList<>();
    try (TestDecoder decoder = new TestDecoder(EncoderImplementation.OPENH264.codec())) {
      for (EncodedFrame e : encoded) decoded.addAll(decoder.decode(e));
      decoded.addAll(decoder.flush());
    }
    assertEquals(5, decoded.size());
    VideoFrame picture = decoded.get(4);
    assertTrue(darkest(picture) < 50 && brightest(picture) > 190,
        "decoded luma " + darkest(picture) + "-" + brightest(picture));
    // Same picture within the encoder's error, sample by sample on a grid.
    long error = 0;
    int samples = 0;
    for (int i = 0; i < WIDTH * HEIGHT; i += 13, samples++) error += Math.abs(luma(picture, i) - luma(screen, i));
    assertTrue(error / (double) samples < 8, "mean luma error " + error / (double) samples);
  }

  @Test
  void inputMovesThePointerAndPressesButtonsOnTheDisplay() throws IOException {
    X11Connection display = xlogo.display().connection();
    xlogo.apply(new ControlMessage.MouseMove(200, 100, 0, 0));
    X11Codec.PointerReply pointer = display.queryPointer();
    assertEquals(200, pointer.rootX());
    assertEquals(100, pointer.rootY());
    xlogo.apply(new ControlMessage.TouchStart(1, 20, 30));
    pointer = display.queryPointer();
    assertEquals(20, pointer.rootX());
    assertTrue((pointer.buttonMask() & 0x100) != 0, "touch holds button 1");
    xlogo.apply(new ControlMessage.TouchEnd(1, true));
    assertEquals(0, display.queryPointer().buttonMask() & 0x100);
  }

  @Test
  void aResizedApplicationGrabsItsScreenAtTheNewSize() throws Exception {
    try (X11Application resizable = X11Application.start("resize-test",
        new X11Program(List.of("xlogo"), null, Map.of()), "Xvfb", WIDTH, HEIGHT, true)) {
      assertEquals(WIDTH, resizable.render(0, 1_000).width());
      assertSame(resizable, resizable.resized(640, 360));
      VideoFrame larger = resizable.render(1, 1_033);
      assertEquals(640, larger.width());
      assertEquals(360, larger.height());
      assertEquals(new X11Codec.Size(640, 360), resizable.display().connection().screenSize());
      resizable.apply(new ControlMessage.MouseMove(600, 350, 0, 0));
      assertEquals(600, resizable.display().connection().queryPointer().rootX(), "input reaches the new area");
      assertThrows(IOException.class, () -> resizable.resized(4000, 3000));
      assertEquals(640, resizable.render(2, 1_066).width(), "a refused size changes nothing");
    }
  }

  @Test
  void aLockedPointersRelativeMovesMoveThePointerFromWhereItIs() throws IOException {
    X11Connection display = xlogo.display().connection();
    xlogo.apply(new ControlMessage.MouseMove(100, 100, 0, 0));
    xlogo.apply(new ControlMessage.RelativeMouseMove(15, -40));
    X11Codec.PointerReply pointer = display.queryPointer();
    assertEquals(115, pointer.rootX());
    assertEquals(60, pointer.rootY());
    xlogo.apply(new ControlMessage.RelativeMouseMove(-3, 7));
    pointer = display.queryPointer();
    assertEquals(112, pointer.rootX());
    assertEquals(67, pointer.rootY());
    // Past the edge the X server keeps it on the screen, like a real mouse pushed further.
    xlogo.apply(new ControlMessage.RelativeMouseMove(-100_000, 100_000));
    pointer = display.queryPointer();
    assertEquals(0, pointer.rootX());
    assertEquals(HEIGHT - 1, pointer.rootY());
    xlogo.apply(new ControlMessage.RelativeMouseMove(10, -10));
    pointer = display.queryPointer();
    assertEquals(10, pointer.rootX());
    assertEquals(HEIGHT - 11, pointer.rootY());
  }

  @Test
  void twoApplicationsNeverSeeEachOthersInputOrPicture() throws Exception {
    VideoFrame xlogoScreen = drawnFrame();
    // The other program draws nothing: its screen stays Xvfb's black root window.
    try (X11Application other = X11Application.start("other-test",
        new X11Program(List.of("sleep", "30"), null, Map.of()), "Xvfb", WIDTH, HEIGHT, true)) {
      assertTrue(other.display().number() != xlogo.display().number());
      X11Connection otherDisplay = other.display().connection();
      otherDisplay.movePointer(5, 6);
      xlogo.apply(new ControlMessage.MouseMove(300, 200, 0, 0));
      xlogo.apply(new ControlMessage.MouseButton(1, true));
      X11Codec.PointerReply untouched = otherDisplay.queryPointer();
      assertEquals(5, untouched.rootX());
      assertEquals(6, untouched.rootY());
      assertEquals(0, untouched.buttonMask() & 0x100, "the other display's button stays up");
      assertEquals(300, xlogo.display().connection().queryPointer().rootX());
      xlogo.apply(new ControlMessage.MouseButton(1, false));
      VideoFrame otherScreen = other.render(0, System.currentTimeMillis());
      assertTrue(brightest(otherScreen) < 40, "xlogo's picture is not on the other display");
      assertTrue(brightest(xlogoScreen) > 200);
    }
  }

  @Test
  void theProgramsExitStatusIsReportedAndItsDisplayStops() throws Exception {
    X11Application shell = X11Application.start("exit-test",
        new X11Program(List.of("sh", "-c", "test \"$DISPLAY\" != \"\" && test -r \"$XAUTHORITY\" && exit 3"),
            Path.of("/"), Map.of("SOMETHING", "1")), "Xvfb", 64, 64, false);
    try {
      assertEquals(3, shell.exited().get(10, TimeUnit.SECONDS), "exit 3 once DISPLAY and XAUTHORITY are set");
    } finally {
      shell.close();
    }
    assertFalse(shell.display().alive());
  }

  @Test
  void aProgramThatCannotRunIsAClearErrorAndLeavesNoDisplay() {
    IOException e = assertThrows(IOException.class, () -> X11Application.start("missing-test",
        new X11Program(List.of("/no/such/program"), null, Map.of()), "Xvfb", 64, 64, true));
    assertTrue(e.getMessage().contains("/no/such/program"), e.getMessage());
  }
}
