package org.streamstack.cluster.ams.instances;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.gateway.Screen;

/**
 * What AMS knows of one instance. {@code application} is a copy of the version it was created
 * from, so that it launches the same way after the application changes or is deleted.
 * {@code streaming} and {@code sessionId} never change once set: an instance created without
 * streaming can never be streamed, and a streaming instance serves the one session it was made for.
 *
 * @param instanceSocketUrl where a streaming instance connects its signalling (carries the
 *     session's instance credential); null without streaming
 * @param node the media node it was last placed on, or null
 * @param generation counts the times the instance was started; answers from the bus for an earlier
 *     start are recognised by it and ignored
 * @param deleted set by DELETE: once stopped, the instance is no longer listed or shown
 */
public record InstanceRecord(
    String id,
    String app,
    ApplicationVersion application,
    boolean streaming,
    String sessionId,
    String instanceSocketUrl,
    Screen screen,
    String region,
    InstanceState status,
    String statusMessage,
    String node,
    int generation,
    boolean deleted,
    Instant createdAt,
    Instant updatedAt,
    List<Operation> operations,
    int nextOperationSeq)
    implements CborSerializable {

  /** A new instance in state created, with its create operation running. */
  public static InstanceRecord created(String id, String app, ApplicationVersion application, boolean streaming,
      String sessionId, String instanceSocketUrl, Screen screen, String region, Instant at) {
    return new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen, region,
        InstanceState.CREATED, null, null, 1, false, at, at, List.of(Operation.started(1, Operation.Kind.CREATE, at)), 2);
  }

  /** Instance first: still waiting for the session the agent creates for it. */
  public boolean awaitsSession() {
    return streaming && sessionId == null;
  }

  /** Deleted and stopped: gone for the API, but its operations are still readable. */
  public boolean gone() {
    return deleted && status == InstanceState.STOPPED;
  }

  public Operation operation(int seq) {
    for (Operation operation : operations) {
      if (operation.seq() == seq) return operation;
    }
    return null;
  }

  /** The newest operation that still runs, or null. */
  public Operation runningOperation() {
    for (int i = operations.size() - 1; i >= 0; i--) {
      if (operations.get(i).running()) return operations.get(i);
    }
    return null;
  }

  public Operation lastOperation() {
    return operations.get(operations.size() - 1);
  }

  public Operation newOperation(Operation.Kind kind, Instant at) {
    return Operation.started(nextOperationSeq, kind, at);
  }

  // --- transitions (the event handler's; pure) -------------------------------------------------

  public InstanceRecord withSession(String newSessionId, String socketUrl, Instant at) {
    return new InstanceRecord(id, app, application, streaming, newSessionId, socketUrl, screen, region, status,
        statusMessage, node, generation, deleted, createdAt, at, operations, nextOperationSeq);
  }

  public InstanceRecord scheduledOn(String nodeId, Instant at) {
    return new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen, region, status,
        statusMessage, nodeId, generation, deleted, createdAt, at, operations, nextOperationSeq)
        .withStatus(InstanceState.SCHEDULED, null, at);
  }

  /** A stopped (or failed) instance asked to start: back to created, on no node, one generation on. */
  public InstanceRecord restarted(Operation start, int kept, Instant at) {
    return new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen, region,
        InstanceState.CREATED, null, null, generation + 1, deleted, createdAt, at, operations, nextOperationSeq)
        .withOperation(start, kept);
  }

  /**
   * A stop or delete: the instance goes to stopping with the operation running, or, when it has
   * stopped already, the operation succeeds at once.
   */
  public InstanceRecord stopRequested(Operation stop, boolean delete, int kept, Instant at) {
    boolean alreadyStopped = status == InstanceState.STOPPED;
    InstanceRecord marked = new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen,
        region, status, statusMessage, node, generation, deleted || delete, createdAt, at, operations, nextOperationSeq)
        .withOperation(alreadyStopped ? stop.succeeded(at) : stop, kept);
    return alreadyStopped ? marked : marked.withStatus(InstanceState.STOPPING, null, at);
  }

  /**
   * The instance in {@code newStatus}, and the operations that this ends: running makes a create
   * or start succeed; stopped makes a stop or delete succeed and a create or start fail; error
   * fails whatever runs.
   */
  public InstanceRecord withStatus(InstanceState newStatus, String message, Instant at) {
    List<Operation> ops = new ArrayList<>(operations.size());
    for (Operation operation : operations) {
      Operation next = operation;
      if (operation.running()) {
        switch (newStatus) {
          case RUNNING -> {
            if (operation.kind().endsRunning()) next = operation.succeeded(at);
          }
          case STOPPED -> next = operation.kind().endsRunning()
              ? operation.failed(message == null ? "the instance stopped before it ran" : message, at)
              : operation.succeeded(at);
          case ERROR -> next = operation.failed(message, at);
          default -> { }
        }
      }
      ops.add(next);
    }
    return new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen, region, newStatus,
        message, node, generation, deleted, createdAt, at, List.copyOf(ops), nextOperationSeq);
  }

  private InstanceRecord withOperation(Operation operation, int kept) {
    List<Operation> ops = new ArrayList<>(operations);
    ops.add(operation);
    while (ops.size() > kept) ops.remove(0);
    return new InstanceRecord(id, app, application, streaming, sessionId, instanceSocketUrl, screen, region, status,
        statusMessage, node, generation, deleted, createdAt, updatedAt, List.copyOf(ops),
        Math.max(nextOperationSeq, operation.seq() + 1));
  }
}
