package org.streamstack.cluster.ams.nodes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.streamstack.cluster.ams.AmsSettings;
import org.streamstack.protocol.nats.NodeHeartbeat;

/**
 * The media nodes of one region as their heartbeats describe them, the encoder slots reserved on
 * each, and the decisions made from them: where an instance goes, and which nodes have stopped
 * beating. No actor, no clock: the {@link NodeRegistry} feeds it heartbeats and the time.
 *
 * <p>A node's free slots are its capacity less what is reserved on it by the instances placed
 * there. Reservations are made here on placement and released when an instance stops or fails;
 * every placed instance also re-announces its own now and then, so a table that is new (the
 * registry moved to another member) knows them all again within a node timeout.
 */
public final class NodeTable {

  /** One node: its latest heartbeat (null until the first), when it was last heard, whether it is offline. */
  private static final class Node {
    final String id;
    NodeHeartbeat last;
    Instant lastSeen;
    boolean offline;

    Node(String id, Instant lastSeen) {
      this.id = id;
      this.lastSeen = lastSeen;
    }
  }

  private record Reservation(String nodeId, int slots) {}

  /** The result of a placement: the node, or why there is none. */
  public record Placement(String nodeId, String refusal) {}

  /** A node that went offline, the instances that were on it, and why, in words for the instances. */
  public record Lost(String nodeId, List<String> instances, String reason) {}

  /** How a node looks from outside. */
  public record NodeView(String nodeId, String region, String address, boolean online,
      NodeHeartbeat.Capacity capacity, NodeHeartbeat.Load load, int encoderSlotsReserved, int freeEncoderSlots,
      List<String> instances, Instant lastSeenAt) {}

  private final String region;
  private final Duration timeout;
  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<String, Reservation> reservations = new HashMap<>();
  /** Timeouts count from no earlier than this; null while the bus is down and nobody times out. */
  private Instant window;

  public NodeTable(String region, Duration timeout, Instant now) {
    this.region = region;
    this.timeout = timeout;
    this.window = now;
  }

  /** What a heartbeat changed. */
  public enum Change {
    NONE,
    /** The first heartbeat of this node. */
    NEW,
    /** The node was offline: whatever it still runs was given up (its instances are in error). */
    BACK
  }

  /** Records a heartbeat. */
  public Change heartbeat(NodeHeartbeat heartbeat, Instant now) {
    Node node = nodes.computeIfAbsent(heartbeat.nodeId(), id -> new Node(id, now));
    Change change = node.offline ? Change.BACK : node.last == null ? Change.NEW : Change.NONE;
    node.last = heartbeat;
    node.lastSeen = now;
    node.offline = false;
    return change;
  }

  /** Places an instance needing {@code slots} on the online node with the most free slots (ties: by id). */
  public Placement place(String instanceId, int slots) {
    reservations.remove(instanceId);
    Node best = null;
    int bestFree = -1;
    List<Node> candidates = new ArrayList<>(nodes.values());
    candidates.sort(Comparator.comparing(node -> node.id));
    for (Node node : candidates) {
      if (node.offline || node.last == null) continue;
      int free = freeSlots(node);
      if (free >= slots && free > bestFree) {
        best = node;
        bestFree = free;
      }
    }
    if (best == null) {
      return new Placement(null, "no media node in region " + region + " has "
          + (slots == 1 ? "a free encoder slot" : slots + " free encoder slots"));
    }
    reservations.put(instanceId, new Reservation(best.id, slots));
    return new Placement(best.id, null);
  }

  /**
   * Records that an instance holds {@code slots} on a node (an instance recovering after a restart
   * says so). A node never heard of is expected to beat within the timeout like any other.
   */
  public void reserve(String instanceId, String nodeId, int slots, Instant now) {
    nodes.computeIfAbsent(nodeId, id -> new Node(id, now));
    reservations.put(instanceId, new Reservation(nodeId, slots));
  }

  public void release(String instanceId) {
    reservations.remove(instanceId);
  }

  /** The bus is down: nobody can be heard, so nobody times out. */
  public void holdTimeouts() {
    window = null;
  }

  /** The bus is back (or was reconnected): every node gets a full timeout from now. */
  public void restartTimeouts(Instant now) {
    window = now;
  }

  public boolean timeoutsHeld() {
    return window == null;
  }

  /** Marks offline every node not heard from for longer than the timeout, and answers them. */
  public List<Lost> expire(Instant now) {
    List<Lost> lost = new ArrayList<>();
    if (window == null) return lost;
    for (Node node : nodes.values()) {
      if (node.offline) continue;
      Instant since = node.lastSeen.isAfter(window) ? node.lastSeen : window;
      if (Duration.between(since, now).compareTo(timeout) <= 0) continue;
      List<String> instances = instancesOn(node);
      node.offline = true;
      reservations.values().removeIf(reservation -> reservation.nodeId().equals(node.id));
      lost.add(new Lost(node.id, instances, "media node " + node.id + " stopped responding (no heartbeat for "
          + AmsSettings.seconds(timeout) + ")"));
    }
    return lost;
  }

  public List<NodeView> nodes() {
    List<NodeView> views = new ArrayList<>();
    for (Node node : nodes.values()) {
      NodeHeartbeat last = node.last;
      boolean online = !node.offline && last != null;
      views.add(new NodeView(node.id, last == null ? region : last.region(), last == null ? null : last.address(),
          online, last == null ? null : last.capacity(), last == null ? null : last.load(), reservedSlots(node),
          online ? Math.max(0, freeSlots(node)) : 0, instancesOn(node), last == null ? null : node.lastSeen));
    }
    views.sort(Comparator.comparing(NodeView::nodeId));
    return views;
  }

  /** Free encoder slots of every online node together. */
  public int freeSlots() {
    int free = 0;
    for (Node node : nodes.values()) {
      if (!node.offline && node.last != null) free += Math.max(0, freeSlots(node));
    }
    return free;
  }

  private int freeSlots(Node node) {
    int capacity = node.last.capacity() == null ? 0 : node.last.capacity().encoderSlots();
    return capacity - reservedSlots(node);
  }

  private int reservedSlots(Node node) {
    int reserved = 0;
    for (Reservation reservation : reservations.values()) {
      if (reservation.nodeId().equals(node.id)) reserved += reservation.slots();
    }
    return reserved;
  }

  private List<String> instancesOn(Node node) {
    TreeSet<String> instances = new TreeSet<>();
    reservations.forEach((instanceId, reservation) -> {
      if (reservation.nodeId().equals(node.id)) instances.add(instanceId);
    });
    if (node.last != null && node.last.instances() != null && !node.offline) instances.addAll(node.last.instances());
    return List.copyOf(instances);
  }
}
