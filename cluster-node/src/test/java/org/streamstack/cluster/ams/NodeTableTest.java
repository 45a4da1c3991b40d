package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.ams.nodes.NodeTable;
import org.streamstack.protocol.nats.NodeHeartbeat;

/** The scheduler's decisions and the node timeouts, with the time given by the test. */
class NodeTableTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final Instant start = Instant.parse("2026-03-01T12:00:00Z");

  private static NodeHeartbeat heartbeat(String nodeId, int slots, List<String> instances) {
    return new NodeHeartbeat(nodeId, "eu", "10.0.0.1", new NodeHeartbeat.Capacity(slots, 8, 16L << 30, List.of()),
        new NodeHeartbeat.Load(instances.size(), instances.size(), 0.5, 1L << 30), instances, 0);
  }

  @Test
  void placesOnTheNodeWithTheMostFreeSlotsAndTiesGoToTheFirstName() {
    NodeTable table = new NodeTable("eu", TIMEOUT, start);
    table.heartbeat(heartbeat("b", 3, List.of()), start);
    table.heartbeat(heartbeat("a", 2, List.of()), start);
    assertEquals("b", table.place("i1", 1).nodeId());
    assertEquals("a", table.place("i2", 1).nodeId());
    assertEquals("b", table.place("i3", 1).nodeId());
    assertEquals(2, table.freeSlots());
    NodeTable.Placement two = table.place("i4", 2);
    assertNull(two.nodeId());
    assertEquals("no media node in region eu has 2 free encoder slots", two.refusal());
    table.place("i5", 1);
    table.place("i6", 1);
    assertEquals("no media node in region eu has a free encoder slot", table.place("i7", 1).refusal());

    table.release("i1");
    assertEquals("b", table.place("i8", 1).nodeId());
  }

  @Test
  void placingAnInstanceAgainMovesItsReservation() {
    NodeTable table = new NodeTable("eu", TIMEOUT, start);
    table.heartbeat(heartbeat("a", 1, List.of()), start);
    assertEquals("a", table.place("i1", 1).nodeId());
    assertEquals("a", table.place("i1", 1).nodeId(), "its own earlier reservation does not count against it");
  }

  @Test
  void aSilentNodeGoesOfflineWithItsInstances() {
    NodeTable table = new NodeTable("eu", TIMEOUT, start);
    assertEquals(NodeTable.Change.NEW, table.heartbeat(heartbeat("a", 4, List.of()), start));
    table.place("i1", 1);
    assertEquals(NodeTable.Change.NONE, table.heartbeat(heartbeat("a", 4, List.of("i1", "orphan")), start.plusSeconds(1)));
    assertTrue(table.expire(start.plusSeconds(6)).isEmpty(), "exactly the timeout is not past it");
    List<NodeTable.Lost> lost = table.expire(start.plusSeconds(6).plusMillis(1));
    assertEquals(1, lost.size());
    assertEquals(List.of("i1", "orphan"), lost.get(0).instances());
    assertEquals("media node a stopped responding (no heartbeat for 5 s)", lost.get(0).reason());
    assertFalse(table.nodes().get(0).online());
    assertNull(table.place("i2", 1).nodeId(), "nothing is placed on an offline node");
    assertTrue(table.expire(start.plusSeconds(60)).isEmpty(), "a node goes offline once");

    assertEquals(NodeTable.Change.BACK, table.heartbeat(heartbeat("a", 4, List.of()), start.plusSeconds(61)));
    assertEquals(4, table.nodes().get(0).freeEncoderSlots(), "its lost instances no longer hold slots");
  }

  @Test
  void nobodyTimesOutWhileTheBusIsDownAndEveryoneGetsAFreshWindowAfter() {
    NodeTable table = new NodeTable("eu", TIMEOUT, start);
    table.heartbeat(heartbeat("a", 4, List.of()), start);
    table.holdTimeouts();
    assertTrue(table.expire(start.plusSeconds(60)).isEmpty());
    table.restartTimeouts(start.plusSeconds(60));
    assertTrue(table.expire(start.plusSeconds(65)).isEmpty());
    assertEquals(1, table.expire(start.plusSeconds(65).plusMillis(1)).size());
  }

  @Test
  void aReservationOnANodeNeverHeardOfExpiresLikeASilentNode() {
    NodeTable table = new NodeTable("eu", TIMEOUT, start);
    table.reserve("i1", "ghost", 1, start);
    NodeTable.NodeView ghost = table.nodes().get(0);
    assertFalse(ghost.online());
    assertEquals(List.of("i1"), ghost.instances());
    List<NodeTable.Lost> lost = table.expire(start.plusSeconds(6));
    assertEquals(List.of("i1"), lost.get(0).instances());
  }
}
