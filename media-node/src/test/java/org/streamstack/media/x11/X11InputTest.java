package org.streamstack.media.x11;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.media.x11.X11Input.FakeInput;
import org.streamstack.protocol.control.ControlMessage;

class X11InputTest {

  private final X11Input input = new X11Input("test", null, 640, 480);

  @Test
  void mouseMovesAreAbsoluteAndClampedToTheScreen() {
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, 0, 10, 20)),
        input.translate(new ControlMessage.MouseMove(10, 20, 1, 1)));
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, 0, 639, 479)),
        input.translate(new ControlMessage.MouseMove(5000, 900, 0, 0)));
  }

  @Test
  void aLockedPointersMovesAreRelativeMotionWithinInt16() {
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, X11Codec.RELATIVE_MOTION, -5, 12)),
        input.translate(new ControlMessage.RelativeMouseMove(-5, 12)));
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, X11Codec.RELATIVE_MOTION, 32767, -32768)),
        input.translate(new ControlMessage.RelativeMouseMove(100_000, -100_000)));
    assertEquals(List.of(), input.translate(new ControlMessage.RelativeMouseMove(0, 0)), "no motion, no event");
  }

  @Test
  void buttonsKeepTheirNumbers() {
    assertEquals(List.of(new FakeInput(X11Codec.BUTTON_PRESS, 3, 0, 0)),
        input.translate(new ControlMessage.MouseButton(3, true)));
    assertEquals(List.of(new FakeInput(X11Codec.BUTTON_RELEASE, 1, 0, 0)),
        input.translate(new ControlMessage.MouseButton(1, false)));
  }

  @Test
  void wheelStepsAreClicksOfButtonsFourToSeven() {
    assertEquals(List.of(new FakeInput(X11Codec.BUTTON_PRESS, 4, 0, 0), new FakeInput(X11Codec.BUTTON_RELEASE, 4, 0, 0)),
        input.translate(new ControlMessage.MouseWheel(0, -1)));
    assertEquals(List.of(new FakeInput(X11Codec.BUTTON_PRESS, 5, 0, 0), new FakeInput(X11Codec.BUTTON_RELEASE, 5, 0, 0),
        new FakeInput(X11Codec.BUTTON_PRESS, 7, 0, 0), new FakeInput(X11Codec.BUTTON_RELEASE, 7, 0, 0)),
        input.translate(new ControlMessage.MouseWheel(1, 1)));
    assertEquals(2, input.translate(new ControlMessage.MouseWheel(-1, 0)).size());
    assertEquals(6, input.translate(new ControlMessage.MouseWheel(-1, 0)).get(0).detail());
  }

  @Test
  void linuxKeyCodesBecomeEvdevKeycodes() {
    assertEquals(List.of(new FakeInput(X11Codec.KEY_PRESS, 38, 0, 0)), input.translate(new ControlMessage.Key(30, true)));
    assertEquals(List.of(new FakeInput(X11Codec.KEY_RELEASE, 9, 0, 0)), input.translate(new ControlMessage.Key(1, false)));
    // KEY_MAX (767) has no one-byte X keycode
    assertEquals(List.of(), input.translate(new ControlMessage.Key(ControlMessage.Key.KEY_MAX, true)));
  }

  @Test
  void theFirstFingerDrivesThePointer() {
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, 0, 100, 50), new FakeInput(X11Codec.BUTTON_PRESS, 1, 0, 0)),
        input.translate(new ControlMessage.TouchStart(7, 100, 50)));
    assertEquals(List.of(), input.translate(new ControlMessage.TouchStart(8, 300, 300)), "a second finger");
    assertEquals(List.of(), input.translate(new ControlMessage.TouchMove(8, 310, 300)));
    assertEquals(List.of(new FakeInput(X11Codec.MOTION_NOTIFY, 0, 120, 60)),
        input.translate(new ControlMessage.TouchMove(7, 120, 60)));
    assertEquals(List.of(), input.translate(new ControlMessage.TouchEnd(8, false)));
    assertEquals(List.of(new FakeInput(X11Codec.BUTTON_RELEASE, 1, 0, 0)),
        input.translate(new ControlMessage.TouchEnd(7, true)));
    assertEquals(List.of(), input.translate(new ControlMessage.TouchEnd(7, true)), "released once");
  }

  @Test
  void gamepadsAndOutOfBandDoNothingOnTheDisplay() {
    assertEquals(List.of(), input.translate(new ControlMessage.GamepadButton(0, 1, true)));
    assertEquals(List.of(), input.translate(new ControlMessage.GamepadAxes(0, 1, 0.5)));
    assertEquals(List.of(), input.translate(new ControlMessage.OutOfBand("app::hello", "{}")));
  }
}
