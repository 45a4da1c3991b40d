package org.streamstack.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the session part and each media section share: an ordered list of lines in which the
 * {@code a=} lines are attributes (RFC 8866 5.13). Order is kept because it carries meaning
 * (codec preference, candidate order) and so that a parsed description writes back unchanged.
 */
public interface SdpSection {

  /** The lines of this section in order, without the opening {@code v=0/o=/s=} or {@code m=}. */
  List<SdpLine> lines();

  default List<Attribute> attributes() {
    List<Attribute> attributes = new ArrayList<>();
    for (SdpLine line : lines()) {
      Attribute a = Attribute.of(line);
      if (a != null) attributes.add(a);
    }
    return attributes;
  }

  /** The first attribute with this name (names are compared exactly). */
  default Optional<Attribute> attribute(String name) {
    for (SdpLine line : lines()) {
      Attribute a = Attribute.of(line);
      if (a != null && a.name().equals(name)) return Optional.of(a);
    }
    return Optional.empty();
  }

  /** The value of the first attribute with this name; empty when absent, "" for a flag. */
  default Optional<String> attributeValue(String name) {
    return attribute(name).map(Attribute::valueOrEmpty);
  }

  /** The values of every attribute with this name, in order; "" for flags. */
  default List<String> attributeValues(String name) {
    List<String> values = new ArrayList<>();
    for (Attribute a : attributes()) {
      if (a.name().equals(name)) values.add(a.valueOrEmpty());
    }
    return values;
  }

  default boolean hasAttribute(String name) {
    return attribute(name).isPresent();
  }

  /** The first {@code c=} line of this section. */
  default Optional<Connection> connection() {
    for (SdpLine line : lines()) {
      if (line.type() == 'c') {
        try {
          return Optional.of(Connection.parse(line.value()));
        } catch (SdpException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The direction attribute of this section (RFC 8866 6.7, RFC 3264 5.1), if any; the last one
   * wins should a section carry more than one.
   */
  default Optional<Direction> direction() {
    Direction found = null;
    for (Attribute a : attributes()) {
      Direction d = a.isFlag() ? Direction.ofAttribute(a.name()) : null;
      if (d != null) found = d;
    }
    return Optional.ofNullable(found);
  }

  /** The a=candidate lines of this section, parsed (RFC 8839 5.1). */
  default List<IceCandidate> candidates() throws SdpException {
    List<IceCandidate> candidates = new ArrayList<>();
    for (String value : attributeValues("candidate")) candidates.add(IceCandidate.parse(value));
    return candidates;
  }
}
