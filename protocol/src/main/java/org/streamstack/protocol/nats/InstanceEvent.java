package org.streamstack.protocol.nats;

/** Media node → AMS: what happened to one of its instances. */
public record InstanceEvent(String instanceId, String nodeId, Kind kind, String message, long atMillis) {

  public enum Kind {
    /** The application runs (and, when streaming, its signalling socket is connecting). */
    RUNNING,
    /** The instance stopped: asked to, or its application exited normally. */
    ENDED,
    /** The instance could not start or died: {@code message} says why. */
    FAILED,
    /** The client of its stream went away: {@code message} says why. */
    CLIENT_LEFT
  }
}
