package org.streamstack.media.x11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Xvfb: our XTEST client moves its pointer and presses buttons, and reads them back. */
class VirtualDisplayTest {

  private static VirtualDisplay display;

  @BeforeAll
  static void startDisplay() throws IOException {
    display = VirtualDisplay.start("Xvfb", 640, 480);
  }

  @AfterAll
  static void stopDisplay() {
    if (display != null) display.close();
  }

  @Test
  void theDisplayHasTheAskedSize() throws IOException {
    assertEquals(new X11Codec.Size(640, 480), display.connection().screenSize());
    assertEquals(8, display.connection().setup().minKeycode());
  }

  @Test
  void theScreenResizesThroughRandrAndBack() throws IOException {
    try (VirtualDisplay resizable = VirtualDisplay.start("Xvfb", 320, 240)) {
      resizable.resize(1280, 720);
      assertEquals(new X11Codec.Size(1280, 720), resizable.connection().screenSize());
      assertEquals(1280, resizable.width());
      resizable.connection().movePointer(1000, 700);
      assertEquals(1000, resizable.connection().queryPointer().rootX(), "the pointer reaches the new area");
      resizable.resize(320, 240);
      resizable.resize(1280, 720); // a size it had before: its RandR mode exists already
      resizable.resize(400, 300);
      assertEquals(new X11Codec.Size(400, 300), resizable.connection().screenSize());
      IOException tooLarge = assertThrows(IOException.class, () -> resizable.resize(4000, 3000));
      assertTrue(tooLarge.getMessage().contains("resizes up to 1920x1080"), tooLarge.getMessage());
      assertEquals(new X11Codec.Size(400, 300), resizable.connection().screenSize(), "kept its size");
    }
  }

  @Test
  void aDisplayLargerThanTheDefaultFramebufferStartsAtItsSize() throws IOException {
    try (VirtualDisplay large = VirtualDisplay.start("Xvfb", 2560, 1440)) {
      assertEquals(new X11Codec.Size(2560, 1440), large.connection().screenSize());
      large.resize(1920, 1200);
      assertEquals(new X11Codec.Size(1920, 1200), large.connection().screenSize());
      large.resize(2560, 1440); // its framebuffer is its own size, past the default one
      assertEquals(new X11Codec.Size(2560, 1440), large.connection().screenSize());
      IOException tooLarge = assertThrows(IOException.class, () -> large.resize(2600, 1440));
      assertTrue(tooLarge.getMessage().contains("resizes up to 2560x1440"), tooLarge.getMessage());
    }
  }

  @Test
  void fakeMotionMovesThePointerWhereAsked() throws IOException {
    X11Connection connection = display.connection();
    connection.movePointer(123, 321);
    X11Codec.PointerReply first = connection.queryPointer();
    assertEquals(123, first.rootX());
    assertEquals(321, first.rootY());
    connection.movePointer(639, 0);
    X11Codec.PointerReply second = connection.queryPointer();
    assertEquals(639, second.rootX());
    assertEquals(0, second.rootY());
  }

  @Test
  void fakeButtonShowsInThePointerMask() throws IOException {
    X11Connection connection = display.connection();
    connection.button(1, true);
    assertTrue((connection.queryPointer().buttonMask() & 0x100) != 0, "Button1Mask after a press");
    connection.button(1, false);
    assertEquals(0, connection.queryPointer().buttonMask() & 0x100, "no Button1Mask after the release");
  }

  @Test
  void everyButtonAndKeyWeSendIsOneTheDisplayHas() throws IOException {
    X11Connection connection = display.connection();
    long before = connection.errors();
    for (int button = 1; button <= 7; button++) {
      connection.button(button, true);
      connection.button(button, false);
    }
    for (int keycode : new int[] {8, 38, 255}) {
      connection.key(keycode, true);
      connection.key(keycode, false);
    }
    connection.queryPointer(); // a round trip: errors on the requests above have arrived
    assertEquals(before, connection.errors(), "errors on buttons 1-7 or keycodes 8-255");
    connection.button(0, true); // no button 0: the server reports BadValue
    connection.queryPointer();
    assertEquals(before + 1, connection.errors(), "an error is seen and counted");
  }

  @Test
  void manyInputsWithoutARoundTripKeepTheConnectionRead() throws IOException {
    X11Connection connection = display.connection();
    for (int i = 0; i < 3 * X11Connection.ROUND_TRIP_EVERY; i++) connection.movePointer(i % 640, 5);
    assertEquals((3 * X11Connection.ROUND_TRIP_EVERY - 1) % 640, connection.queryPointer().rootX());
  }

  @Test
  void linuxKeyCodesPlusEightAreTheDisplaysKeycodes() throws Exception {
    // The X server's default (evdev) keymap, read by xmodmap from the display with its cookie.
    ProcessBuilder builder = new ProcessBuilder("xmodmap", "-pk").redirectErrorStream(true);
    builder.environment().put("DISPLAY", display.name());
    builder.environment().put("XAUTHORITY", display.xauthorityFile().toString());
    Process process = builder.start();
    String keymap = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), keymap);
    assertTrue(Files.readAllBytes(display.xauthorityFile()).length > 16);
    // KEY_A 30, KEY_ENTER 28, KEY_LEFTSHIFT 42 (linux/input-event-codes.h)
    assertTrue(keymap.matches("(?s).*\\n\\s*" + X11Input.keycode(30) + "\\s+0x0061 \\(a\\).*"), keymap);
    assertTrue(keymap.matches("(?s).*\\n\\s*" + X11Input.keycode(28) + "\\s+0xff0d \\(Return\\).*"), keymap);
    assertTrue(keymap.matches("(?s).*\\n\\s*" + X11Input.keycode(42) + "\\s+0xffe1 \\(Shift_L\\).*"), keymap);
  }

  @Test
  void twoDisplaysNeverShareANumber() throws IOException {
    try (VirtualDisplay other = VirtualDisplay.start("Xvfb", 320, 240)) {
      assertNotEquals(display.number(), other.number());
      assertEquals(320, other.connection().screenSize().width());
      other.connection().movePointer(10, 10);
      assertEquals(10, other.connection().queryPointer().rootX());
    }
  }

  @Test
  void aClosedDisplayIsGone() throws IOException {
    VirtualDisplay other = VirtualDisplay.start("Xvfb", 320, 240);
    int number = other.number();
    other.close();
    assertFalse(other.alive());
    assertFalse(Files.exists(other.xauthorityFile()));
    assertThrows(IOException.class, () -> X11Connection.open(number, new byte[0]));
  }

  @Test
  void aMissingXvfbIsAClearError() {
    IOException e = assertThrows(IOException.class, () -> VirtualDisplay.start("no-such-Xvfb", 320, 240));
    assertTrue(e.getMessage().contains("xvfb"), e.getMessage());
  }
}
