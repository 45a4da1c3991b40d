package org.streamstack.media.app;

import org.streamstack.media.video.VideoFrame;

/**
 * What an instance streams: the pictures of its application, and where the client's input goes.
 * The built-in {@link SyntheticApplication} draws them; {@code x11.X11Application} grabs them from
 * a program's display.
 */
public interface FrameSource extends InputSink, AutoCloseable {

  /**
   * The picture now, for the instance's frame clock; called on that clock's thread only, and only
   * while an encoder wants it. Null when there is no picture this tick (the source is gone): the
   * tick is skipped.
   */
  VideoFrame render(long frameNumber, long captureTimeMillis);

  /**
   * The source at a new size (a session joined with a new screen, PROTOCOL.md 3): this one,
   * resized in place, or a new one that replaces it (this one is then closed by the caller).
   * Called on the instance's thread; {@link #render} may run meanwhile and sees either size.
   *
   * @throws java.io.IOException when it cannot take that size; it keeps its size and goes on
   */
  FrameSource resized(int width, int height) throws java.io.IOException;

  /** Frees what the source holds; called after its last {@link #render}. */
  @Override
  void close();
}
