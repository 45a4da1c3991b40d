package org.streamstack.media.app;

import java.util.concurrent.atomic.AtomicReference;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessage.Key;
import org.streamstack.protocol.control.ControlMessage.MouseButton;
import org.streamstack.protocol.control.ControlMessage.MouseMove;

/**
 * What the synthetic application knows of the client's input: where the pointer is and how many
 * presses (keys and mouse buttons) there have been. Written by the control channel's thread, read
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

  @Override
  public void apply(ControlMessage message) {
    if (message instanceof MouseMove m) {
      state.updateAndGet(s -> new Snapshot(true, m.x(), m.y(), s.presses()));
    } else if (message instanceof MouseButton b && b.pressed()
        || message instanceof Key k && k.pressed()) {
      state.updateAndGet(s -> new Snapshot(s.cursorVisible(), s.cursorX(), s.cursorY(), s.presses() + 1));
    }
  }

  public Snapshot snapshot() {
    return state.get();
  }
}
