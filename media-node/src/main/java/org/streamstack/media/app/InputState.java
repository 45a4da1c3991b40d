package org.streamstack.media.app;

import java.util.concurrent.atomic.AtomicReference;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessage.Key;
import org.streamstack.protocol.control.ControlMessage.MouseButton;
import org.streamstack.protocol.control.ControlMessage.MouseMove;
import org.streamstack.protocol.control.ControlMessage.RelativeMouseMove;

/**
 * What the synthetic application knows of the client's input: where the pointer is and how many
 * presses (keys and mouse buttons) there have been. A locked pointer's relative moves move it from
 * where it is, kept on the video. Written by the control channel's thread, read
 * by the render thread once per frame.
 *
 * <p>The state is one immutable {@link Snapshot} behind an atomic reference: a frame always sees
 * a position and a count that belong together, and neither thread ever waits for the other.
 */
public final class InputState implements InputSink {

  /**
   * @param cursorVisible whether the pointer has moved since the start: no cursor before that
   * @param cursorX pointer position in video pixels, as the last {@code input::mouse-move} said
   * @param cursorY see {@code cursorX}
   * @param presses key and mouse button presses so far (releases do not count)
   */
  public record Snapshot(boolean cursorVisible, int cursorX, int cursorY, long presses) {}

  private final AtomicReference<Snapshot> state =
      new AtomicReference<>(new Snapshot(false, 0, 0, 0));

  /** Where a relative move stops: the video's size, width high, height low (0: not bounded). */
  private volatile long bounds;

  /**
   * The video's size, which keeps a locked pointer's relative moves on the picture, as an X
   * server keeps its pointer on the screen.
   */
  public void setBounds(int width, int height) {
    bounds = ((long) width << 32) | height;
  }

  @Override
  public void apply(ControlMessage message) {
    if (message instanceof MouseMove m) {
      state.updateAndGet(s -> new Snapshot(true, m.x(), m.y(), s.presses()));
    } else if (message instanceof RelativeMouseMove m) {
      long size = bounds;
      int maxX = size == 0 ? Integer.MAX_VALUE : (int) (size >>> 32) - 1;
      int maxY = size == 0 ? Integer.MAX_VALUE : (int) size - 1;
      state.updateAndGet(s -> new Snapshot(true, clamp((long) s.cursorX() + m.rx(), maxX),
          clamp((long) s.cursorY() + m.ry(), maxY), s.presses()));
    } else if (message instanceof MouseButton b && b.pressed()
        || message instanceof Key k && k.pressed()) {
      state.updateAndGet(s -> new Snapshot(s.cursorVisible(), s.cursorX(), s.cursorY(), s.presses() + 1));
    }
  }

  private static int clamp(long value, int max) {
    return (int) Math.max(0, Math.min(max, value));
  }

  public Snapshot snapshot() {
    return state.get();
  }
}
