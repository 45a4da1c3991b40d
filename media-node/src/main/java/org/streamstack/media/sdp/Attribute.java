package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * An {@code a=} line (RFC 8866 5.13): either a property attribute {@code a=<name>} (a flag such as
 * {@code sendonly}; {@link #value()} is null) or a value attribute {@code a=<name>:<value>}. The
 * value is everything after the first colon, verbatim: {@code a=msid-semantic: WMS} keeps its
 * leading space so that what we read is what we write.
 */
public record Attribute(String name, String value) {

  public Attribute {
    Objects.requireNonNull(name, "name");
    if (!Tokens.isToken(name)) throw new IllegalArgumentException("bad attribute name '" + name + "'");
  }

  /** Splits the text after {@code a=}. */
  public static Attribute parse(String text) throws SdpException {
    int colon = text.indexOf(':');
    String name = colon < 0 ? text : text.substring(0, colon);
    if (name.isEmpty()) throw new SdpException("attribute has an empty name: 'a=" + text + "'");
    if (!Tokens.isToken(name)) throw new SdpException("bad attribute name '" + name + "'");
    return new Attribute(name, colon < 0 ? null : text.substring(colon + 1));
  }

  /** Reads an {@code a=} line; null for lines of other types. */
  static Attribute of(SdpLine line) {
    if (!line.isAttribute()) return null;
    try {
      return parse(line.value());
    } catch (SdpException e) {
      // Parsed lines were checked already; a line built by hand with a bad name is no attribute.
      return null;
    }
  }

  public boolean isFlag() {
    return value == null;
  }

  /** The value, or the empty string for a flag. */
  public String valueOrEmpty() {
    return value == null ? "" : value;
  }

  public SdpLine toLine() {
    return new SdpLine('a', toString());
  }

  @Override
  public String toString() {
    return value == null ? name : name + ":" + value;
  }
}
