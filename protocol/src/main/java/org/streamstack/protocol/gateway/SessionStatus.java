package org.streamstack.protocol.gateway;

import java.util.Locale;

/** The states of a session as PROTOCOL.md 3 names them on the wire. */
public enum SessionStatus {
  CREATED,
  ACTIVE,
  ERROR,
  TERMINATING,
  TERMINATED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named on the wire, or null for a name that is none. */
  public static SessionStatus fromWire(String name) {
    for (SessionStatus status : values()) {
      if (status.wireName().equals(name)) return status;
    }
    return null;
  }
}
