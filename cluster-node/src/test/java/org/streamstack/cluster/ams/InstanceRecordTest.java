package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.instances.InstanceIds;
import org.streamstack.cluster.ams.instances.InstanceRecord;
import org.streamstack.cluster.ams.instances.InstanceState;
import org.streamstack.cluster.ams.instances.Operation;
import org.streamstack.protocol.gateway.Screen;

/** The transitions of an instance and how they end its operations. */
class InstanceRecordTest {

  private final Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
  private final String id = InstanceIds.next();

  private InstanceRecord created() {
    ApplicationVersion version = new ApplicationVersion(0, ApplicationVersion.Source.synthetic(),
        ApplicationVersion.Resources.defaults(), List.of("h264"), "auto", t0);
    return InstanceRecord.created(id, "demo", version, false, null, null, Screen.DEFAULT, "eu", t0);
  }

  @Test
  void runningEndsTheCreateOperationAndStoppedEndsTheStop() {
    InstanceRecord running = created().scheduledOn("node-1", t0.plusSeconds(1))
        .withStatus(InstanceState.STARTING, null, t0.plusSeconds(2))
        .withStatus(InstanceState.RUNNING, null, t0.plusSeconds(3));
    Operation create = running.operation(1);
    assertEquals(Operation.Status.SUCCESS, create.status());
    assertEquals(t0.plusSeconds(3), create.updatedAt());
    assertEquals("node-1", running.node());

    Operation stop = running.newOperation(Operation.Kind.STOP, t0.plusSeconds(4));
    InstanceRecord stopping = running.stopRequested(stop, false, 20, t0.plusSeconds(4));
    assertEquals(InstanceState.STOPPING, stopping.status());
    assertTrue(stopping.operation(2).running());
    InstanceRecord stopped = stopping.withStatus(InstanceState.STOPPED, null, t0.plusSeconds(5));
    assertEquals(Operation.Status.SUCCESS, stopped.operation(2).status());
    assertNull(stopped.runningOperation());
  }

  @Test
  void stoppingBeforeItRunsFailsTheCreateAndAnErrorFailsEverything() {
    InstanceRecord scheduled = created().scheduledOn("node-1", t0);
    InstanceRecord stopped = scheduled.stopRequested(scheduled.newOperation(Operation.Kind.STOP, t0), false, 20, t0)
        .withStatus(InstanceState.STOPPED, null, t0);
    assertEquals(Operation.Status.FAILURE, stopped.operation(1).status());
    assertEquals("the instance stopped before it ran", stopped.operation(1).err());
    assertEquals(Operation.Status.SUCCESS, stopped.operation(2).status());

    InstanceRecord failed = created().withStatus(InstanceState.ERROR, "no node", t0);
    assertEquals(Operation.Status.FAILURE, failed.operation(1).status());
    assertEquals("no node", failed.operation(1).err());
    assertEquals("no node", failed.statusMessage());
  }

  @Test
  void deletingAStoppedInstanceSucceedsAtOnceAndLeavesItGone() {
    InstanceRecord stopped = created().withStatus(InstanceState.STOPPED, null, t0);
    assertFalse(stopped.gone());
    InstanceRecord deleted = stopped.stopRequested(stopped.newOperation(Operation.Kind.DELETE, t0), true, 20, t0);
    assertEquals(InstanceState.STOPPED, deleted.status());
    assertEquals(Operation.Status.SUCCESS, deleted.lastOperation().status());
    assertTrue(deleted.gone());
  }

  @Test
  void aRestartIsANewGenerationOnNoNode() {
    InstanceRecord stopped = created().scheduledOn("node-1", t0).withStatus(InstanceState.STOPPED, null, t0);
    InstanceRecord restarted = stopped.restarted(stopped.newOperation(Operation.Kind.START, t0), 20, t0);
    assertEquals(InstanceState.CREATED, restarted.status());
    assertEquals(2, restarted.generation());
    assertNull(restarted.node());
    assertEquals(Operation.Kind.START, restarted.runningOperation().kind());
    assertEquals(3, restarted.nextOperationSeq());
  }

  @Test
  void onlyTheNewestOperationsAreKeptButNumbersKeepCounting() {
    InstanceRecord instance = created().withStatus(InstanceState.STOPPED, null, t0);
    for (int i = 0; i < 5; i++) {
      instance = instance.stopRequested(instance.newOperation(Operation.Kind.STOP, t0), false, 3, t0);
    }
    assertEquals(3, instance.operations().size());
    assertEquals(List.of(4, 5, 6), instance.operations().stream().map(Operation::seq).toList());
    assertNull(instance.operation(1));
  }

  @Test
  void operationIdsNameTheirInstance() {
    Operation operation = created().operation(1);
    Operation.Ref ref = Operation.Ref.parse(operation.id(id));
    assertEquals(id, ref.instanceId());
    assertEquals(1, ref.seq());
    for (String bad : new String[] {"", "-1", id, id + "-", id + "-x", id + "-0", "short-1", id + "-1-2"}) {
      assertNull(Operation.Ref.parse(bad), bad);
    }
  }
}
