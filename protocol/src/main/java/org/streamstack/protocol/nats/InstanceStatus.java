package org.streamstack.protocol.nats;

/**
 * AMS → agent → gateway: an instance bound to a session changed state. The gateway acts on
 * {@code status} {@code error} (the session goes to error with {@code message}) and {@code stopped}
 * (the session terminates); the others are informational.
 *
 * @param status one of created, scheduled, starting, running, stopping, stopped, error
 */
public record InstanceStatus(String region, String instanceId, String sessionId, String status, String message,
    long atMillis) {

  public static final String RUNNING = "running";
  public static final String STOPPED = "stopped";
  public static final String ERROR = "error";
}
