package org.streamstack.cluster.ams.instances;

import java.time.Instant;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * One asynchronous request on an instance (create, start, stop, delete), as {@code
 * /1.0/operations/{id}} shows it. Operations live in their instance's persisted record, so any
 * AMS member can answer for them; the id names the instance and the operation's number in it.
 */
public record Operation(int seq, Kind kind, Status status, String err, Instant createdAt, Instant updatedAt)
    implements CborSerializable {

  public enum Kind {
    CREATE("Creating instance"),
    START("Starting instance"),
    STOP("Stopping instance"),
    DELETE("Deleting instance");

    public final String description;

    Kind(String description) {
      this.description = description;
    }

    /** Whether it ends when the instance runs (create, start) rather than when it stops. */
    public boolean endsRunning() {
      return this == CREATE || this == START;
    }
  }

  public enum Status {
    RUNNING("Running", 103),
    SUCCESS("Success", 200),
    FAILURE("Failure", 400);

    public final String wireName;
    public final int code;

    Status(String wireName, int code) {
      this.wireName = wireName;
      this.code = code;
    }
  }

  public static Operation started(int seq, Kind kind, Instant at) {
    return new Operation(seq, kind, Status.RUNNING, "", at, at);
  }

  public boolean running() {
    return status == Status.RUNNING;
  }

  public Operation succeeded(Instant at) {
    return new Operation(seq, kind, Status.SUCCESS, "", createdAt, at);
  }

  public Operation failed(String why, Instant at) {
    return new Operation(seq, kind, Status.FAILURE, why == null ? "" : why, createdAt, at);
  }

  /** The public id: {@code <instance id>-<seq>}. */
  public String id(String instanceId) {
    return instanceId + "-" + seq;
  }

  /** The instance and number an operation id names, or null when it cannot be one. */
  public record Ref(String instanceId, int seq) {
    public static Ref parse(String operationId) {
      int dash = operationId == null ? -1 : operationId.lastIndexOf('-');
      if (dash <= 0 || dash == operationId.length() - 1) return null;
      String instanceId = operationId.substring(0, dash);
      if (!InstanceIds.plausible(instanceId)) return null;
      try {
        int seq = Integer.parseInt(operationId.substring(dash + 1));
        return seq < 1 ? null : new Ref(instanceId, seq);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
