package org.streamstack.cluster.ams.instances;

import java.util.Locale;

/**
 * The states of an instance (ARCHITECTURE.md): created → scheduled → starting → running →
 * stopping → stopped, and error from any of them.
 */
public enum InstanceState {
  /** Accepted; waiting for its session (instance first) or for a node. */
  CREATED,
  /** Placed on a node, which was asked to launch it. */
  SCHEDULED,
  /** The node accepted the launch; the application is coming up. */
  STARTING,
  RUNNING,
  /** The node was asked to stop it. */
  STOPPING,
  STOPPED,
  ERROR;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code name} on the wire, or null. */
  public static InstanceState fromWire(String name) {
    for (InstanceState state : values()) {
      if (state.wireName().equals(name)) return state;
    }
    return null;
  }

  /** Whether the instance holds a place (encoder slots) on a node in this state. */
  public boolean onNode() {
    return this == SCHEDULED || this == STARTING || this == RUNNING || this == STOPPING;
  }
}
