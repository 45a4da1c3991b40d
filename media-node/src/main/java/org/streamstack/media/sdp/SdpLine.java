package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * One line of a session description, {@code <type>=<value>} (RFC 8866 5): the type is a single
 * case-significant letter, the value runs to the end of the line and is kept verbatim.
 * Lines of types this package does not interpret are kept as they came.
 */
public record SdpLine(char type, String value) {

  public SdpLine {
    Objects.requireNonNull(value, "value");
    if (!isTypeLetter(type)) throw new IllegalArgumentException("SDP line type must be a letter: " + type);
    if (hasLineBreak(value)) throw new IllegalArgumentException("SDP line value holds a line break");
  }

  /** {@code a=<name>:<value>}. */
  public static SdpLine attribute(String name, String value) {
    return new Attribute(name, value).toLine();
  }

  /** {@code a=<name>}, a property attribute. */
  public static SdpLine flag(String name) {
    return new Attribute(name, null).toLine();
  }

  public boolean isAttribute() {
    return type == 'a';
  }

  @Override
  public String toString() {
    return type + "=" + value;
  }

  static boolean isTypeLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean hasLineBreak(String s) {
    return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
  }
}
