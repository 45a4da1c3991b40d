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

  /** Frees what the source holds; called after its last {@link #render}. */
  @Override
  void close();
}
