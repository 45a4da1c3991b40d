package org.streamstack.media.sdp;

/**
 * The media direction attributes (RFC 8866 6.7, RFC 3264 5.1 and 6.1), seen from the side that
 * wrote the description. Absent means {@link #SENDRECV}.
 */
public enum Direction {
  SENDRECV("sendrecv"),
  SENDONLY("sendonly"),
  RECVONLY("recvonly"),
  INACTIVE("inactive");

  private final String attributeName;

  Direction(String attributeName) {
    this.attributeName = attributeName;
  }

  public String attributeName() {
    return attributeName;
  }

  public SdpLine toLine() {
    return SdpLine.flag(attributeName);
  }

  /** Whether the writer of the description will receive media in this section. */
  public boolean receives() {
    return this == SENDRECV || this == RECVONLY;
  }

  static Direction ofAttribute(String name) {
    for (Direction d : values()) {
      if (d.attributeName.equals(name)) return d;
    }
    return null;
  }
}
