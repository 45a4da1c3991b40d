package org.streamstack.media.encoder;

/** An encoder could not be opened: missing in this FFmpeg build, or refused its settings or device. */
public final class EncoderOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EncoderOpenException(String message) {
    super(message);
  }
}
