package org.streamstack.protocol.control;

/** A control channel message that is not what PROTOCOL.md 6 defines; the message says why. */
public final class MalformedControlMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedControlMessageException(String message) {
    super(message);
  }
}
