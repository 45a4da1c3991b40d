package org.streamstack.protocol.control;

import java.util.Objects;

/**
 * One message of the control channel (PROTOCOL.md 6): {@code {"type":"<type>","data":<object>}}
 * on the data channel named {@code control}. Read with {@link ControlMessages#parse}, written with
 * {@link ControlMessages#write}.
 *
 * <p>The records check their own ranges, so a message built in code always writes as JSON that
 * parses back to an equal record. Positions are in video pixels: the picture as the client
 * decodes it, not the element it shows it in.
 */
public sealed interface ControlMessage {

  /** The wire {@code type}. */
  String type();

  /**
   * The pointer moved: absolute position {@code x, y} and relative motion {@code rx, ry}, in
   * video pixels.
   */
  record MouseMove(int x, int y, int rx, int ry) implements ControlMessage {
    public static final String TYPE = "input::mouse-move";

    public MouseMove {
      requireNonNegative("x", x);
      requireNonNegative("y", y);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * The pointer moved by {@code rx, ry} video pixels, with no absolute position: what a client
   * whose pointer is locked (the Pointer Lock API) sends, as the same {@code input::mouse-move}
   * type carrying only {@code rx} and {@code ry} (PROTOCOL.md 6).
   */
  record RelativeMouseMove(int rx, int ry) implements ControlMessage {
    public static final String TYPE = MouseMove.TYPE;

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** A mouse button went down or up: 1 left, 2 middle, 3 right. */
  record MouseButton(int button, boolean pressed) implements ControlMessage {
    public static final String TYPE = "input::mouse-button";
    public static final int LEFT = 1;
    public static final int MIDDLE = 2;
    public static final int RIGHT = 3;

    public MouseButton {
      if (button < LEFT || button > RIGHT) {
        throw new IllegalArgumentException(
            "button must be 1 (left), 2 (middle) or 3 (right), got " + button);
      }
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** The wheel turned by one step or none on each axis: -1, 0 or 1. */
  record MouseWheel(int x, int y) implements ControlMessage {
    public static final String TYPE = "input::mouse-wheel";

    public MouseWheel {
      requireStep("x", x);
      requireStep("y", y);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * A key went down or up. {@code code} is a Linux input event code ({@code KEY_A} = 30), from 0
   * to {@link #KEY_MAX}.
   */
  record Key(int code, boolean pressed) implements ControlMessage {
    public static final String TYPE = "input::key";
    /** {@code KEY_MAX} of linux/input-event-codes.h: the highest key code there is. */
    public static final int KEY_MAX = 0x2ff;

    public Key {
      if (code < 0 || code > KEY_MAX) {
        throw new IllegalArgumentException("code must be a Linux key code 0-767, got " + code);
      }
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** Touch point {@code id} went down at {@code x, y}. */
  record TouchStart(int id, int x, int y) implements ControlMessage {
    public static final String TYPE = "input::touch-start";

    public TouchStart {
      requireNonNegative("id", id);
      requireNonNegative("x", x);
      requireNonNegative("y", y);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** Touch point {@code id} moved to {@code x, y}. */
  record TouchMove(int id, int x, int y) implements ControlMessage {
    public static final String TYPE = "input::touch-move";

    public TouchMove {
      requireNonNegative("id", id);
      requireNonNegative("x", x);
      requireNonNegative("y", y);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** Touch point {@code id} lifted; {@code last}: no other point is down any more. */
  record TouchEnd(int id, boolean last) implements ControlMessage {
    public static final String TYPE = "input::touch-end";

    public TouchEnd {
      requireNonNegative("id", id);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** Button {@code index} of gamepad {@code id} went down or up. */
  record GamepadButton(int id, int index, boolean pressed) implements ControlMessage {
    public static final String TYPE = "input::gamepad-button";

    public GamepadButton {
      requireNonNegative("id", id);
      requireNonNegative("index", index);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * Axis {@code index} of gamepad {@code id} is at {@code value}, from -1 to 1 as the W3C Gamepad
   * API reports axes.
   */
  record GamepadAxes(int id, int index, double value) implements ControlMessage {
    public static final String TYPE = "input::gamepad-axes";

    public GamepadAxes {
      requireNonNegative("id", id);
      requireNonNegative("index", index);
      if (!(value >= -1 && value <= 1)) {
        throw new IllegalArgumentException("value must be from -1 to 1, got " + value);
      }
      if (value == 0) value = 0; // -0.0 and 0.0 are one position; keep equals() and the wire simple
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** The client is leaving the session. */
  record StreamDisconnect() implements ControlMessage {
    public static final String TYPE = "stream::disconnect";

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * A message of a type this protocol does not define, for the application. {@code data} is the
   * JSON text of the {@code data} member exactly as it arrived (any JSON value), or {@code null}
   * (the JSON literal) when the member was absent.
   */
  record OutOfBand(String type, String data) implements ControlMessage {

    public OutOfBand {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(data, "data");
      if (ControlMessages.isKnownType(type)) {
        throw new IllegalArgumentException(
            "'" + type + "' is a control message type, not an out-of-band one");
      }
      ControlMessages.requireJsonValue(data);
    }
  }

  private static void requireNonNegative(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, got " + value);
    }
  }

  private static void requireStep(String field, int value) {
    if (value < -1 || value > 1) {
      throw new IllegalArgumentException(field + " must be -1, 0 or 1, got " + value);
    }
  }
}
