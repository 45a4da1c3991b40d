package org.streamstack.media.app;

import org.streamstack.protocol.control.ControlMessage;

/**
 * Where an instance's application takes the client's input: the messages of the control channel
 * (PROTOCOL.md 6), called on the thread that reads the channel. Implementations return quickly
 * and are thread-safe: rendering runs on another thread.
 */
@FunctionalInterface
public interface InputSink {

  /** Acts on one message; messages the application has no use for are ignored. */
  void apply(ControlMessage message);
}
