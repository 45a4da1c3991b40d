package org.streamstack.cluster.gateway.signaling;

/** The two ends of a session's signalling (PROTOCOL.md 4). */
public enum Side {
  CLIENT,
  INSTANCE;

  public Side other() {
    return this == CLIENT ? INSTANCE : CLIENT;
  }

  public String pathName() {
    return this == CLIENT ? "client" : "instance";
  }
}
