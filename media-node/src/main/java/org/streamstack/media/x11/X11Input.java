package org.streamstack.media.x11;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.app.InputSink;
import org.streamstack.protocol.control.ControlMessage;

/**
 * The client's input (PROTOCOL.md 6) as XTEST fake input on one display.
 *
 * <p>Translation is pure ({@link #translate}): pointer positions are video pixels, which are the
 * display's pixels (the display has the stream's size), clamped to the screen. A locked pointer's
 * relative moves ({@code rx, ry} only) are XTEST relative motion: the X server moves the pointer
 * from where it is and keeps it on the screen. Buttons 1-3 are
 * X's buttons 1-3; the wheel is X's buttons 4 (up), 5 (down), 6 (left) and 7 (right), one press
 * and release per step, as X servers report wheels to core clients. Keys are Linux input event
 * codes, which the X server's evdev keymap (the default of Xvfb's XKB rules) maps to X keycode =
 * code + 8. Touch drives the pointer: the first finger down moves it and holds button 1, its moves
 * move it, its lift releases; other fingers are ignored. Gamepads have no X11 equivalent: they
 * translate to nothing here ({@link X11Application} hands them to the program's message channel).
 */
public final class X11Input implements InputSink {

  private static final Logger LOG = LoggerFactory.getLogger(X11Input.class);

  /** Offset of the evdev keymap: X keycode = Linux key code + 8. */
  public static final int EVDEV_OFFSET = 8;

  /** One XTestFakeInput: a core event type and its detail (keycode, button) or position. */
  public record FakeInput(int type, int detail, int x, int y) {
    static FakeInput motion(int x, int y) {
      return new FakeInput(X11Codec.MOTION_NOTIFY, 0, x, y);
    }

    /** Relative motion: XTEST's MotionNotify with detail True, offsets within INT16. */
    static FakeInput relativeMotion(int dx, int dy) {
      return new FakeInput(X11Codec.MOTION_NOTIFY, X11Codec.RELATIVE_MOTION, clampInt16(dx), clampInt16(dy));
    }

    private static int clampInt16(int value) {
      return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, value));
    }

    static FakeInput button(int button, boolean pressed) {
      return new FakeInput(pressed ? X11Codec.BUTTON_PRESS : X11Codec.BUTTON_RELEASE, button, 0, 0);
    }

    static FakeInput key(int keycode, boolean pressed) {
      return new FakeInput(pressed ? X11Codec.KEY_PRESS : X11Codec.KEY_RELEASE, keycode, 0, 0);
    }
  }

  private final X11Connection connection;
  private volatile int width;
  private volatile int height;
  private final String instanceId;
  private final AtomicBoolean failureLogged = new AtomicBoolean();
  /** The touch point that drives the pointer, or -1. */
  private int pointerTouch = -1;

  /** @param connection null: translate only, as in tests */
  public X11Input(String instanceId, X11Connection connection, int width, int height) {
    this.instanceId = instanceId;
    this.connection = connection;
    this.width = width;
    this.height = height;
  }

  /** The screen's new size, which absolute positions are clamped to from now on. */
  public synchronized void setSize(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /** The X keycode of a Linux input event code. */
  public static int keycode(int linuxCode) {
    return linuxCode + EVDEV_OFFSET;
  }

  /** What one control message does on the display; nothing for messages that are not input. */
  public synchronized List<FakeInput> translate(ControlMessage message) {
    List<FakeInput> inputs = new ArrayList<>(4);
    if (message instanceof ControlMessage.MouseMove move) {
      inputs.add(FakeInput.motion(clampX(move.x()), clampY(move.y())));
    } else if (message instanceof ControlMessage.RelativeMouseMove move) {
      if (move.rx() != 0 || move.ry() != 0) inputs.add(FakeInput.relativeMotion(move.rx(), move.ry()));
    } else if (message instanceof ControlMessage.MouseButton button) {
      inputs.add(FakeInput.button(button.button(), button.pressed()));
    } else if (message instanceof ControlMessage.MouseWheel wheel) {
      if (wheel.y() != 0) click(inputs, wheel.y() < 0 ? 4 : 5);
      if (wheel.x() != 0) click(inputs, wheel.x() < 0 ? 6 : 7);
    } else if (message instanceof ControlMessage.Key key) {
      int keycode = keycode(key.code());
      // X keycodes are one byte, from the server's min-keycode (8) up: higher Linux codes have none.
      if (keycode <= 255) inputs.add(FakeInput.key(keycode, key.pressed()));
    } else if (message instanceof ControlMessage.TouchStart start) {
      if (pointerTouch < 0) {
        pointerTouch = start.id();
        inputs.add(FakeInput.motion(clampX(start.x()), clampY(start.y())));
        inputs.add(FakeInput.button(1, true));
      }
    } else if (message instanceof ControlMessage.TouchMove move) {
      if (move.id() == pointerTouch) inputs.add(FakeInput.motion(clampX(move.x()), clampY(move.y())));
    } else if (message instanceof ControlMessage.TouchEnd end) {
      if (end.id() == pointerTouch || (end.last() && pointerTouch >= 0)) {
        pointerTouch = -1;
        inputs.add(FakeInput.button(1, false));
      }
    }
    return inputs;
  }

  private static void click(List<FakeInput> inputs, int button) {
    inputs.add(FakeInput.button(button, true));
    inputs.add(FakeInput.button(button, false));
  }

  private int clampX(int x) {
    return Math.min(x, width - 1);
  }

  private int clampY(int y) {
    return Math.min(y, height - 1);
  }

  /** Injects the message into the display; a display that has gone away is logged once. */
  @Override
  public void apply(ControlMessage message) {
    List<FakeInput> inputs = translate(message);
    if (inputs.isEmpty() || connection == null) return;
    try {
      for (FakeInput input : inputs) {
        switch (input.type()) {
          case X11Codec.MOTION_NOTIFY -> {
            if (input.detail() == X11Codec.RELATIVE_MOTION) connection.movePointerBy(input.x(), input.y());
            else connection.movePointer(input.x(), input.y());
          }
          case X11Codec.BUTTON_PRESS, X11Codec.BUTTON_RELEASE ->
              connection.button(input.detail(), input.type() == X11Codec.BUTTON_PRESS);
          default -> connection.key(input.detail(), input.type() == X11Codec.KEY_PRESS);
        }
      }
    } catch (IOException e) {
      if (failureLogged.compareAndSet(false, true)) {
        LOG.warn("Instance {}: input cannot reach display :{} any more: {}", instanceId, connection.display(),
            e.getMessage());
      }
    }
  }
}
