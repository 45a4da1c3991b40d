package org.streamstack.cluster.ams.nodes;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.streamstack.cluster.ams.AmsBus;
import org.streamstack.cluster.ams.AmsSettings;
import org.streamstack.cluster.ams.instances.InstanceEntity;
import org.streamstack.cluster.ams.instances.InstanceIds;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.StopInstanceOnNode;

/**
 * The media nodes of this member's region and the scheduler that places instances on them. One
 * per cluster (a singleton on the members with the role ams), so that every placement sees every
 * reservation. Heartbeats reach it from whichever AMS member received them.
 *
 * <p>A node that stops beating for {@code node-timeout} goes offline and its instances go to
 * error. That is only decided while this member's own NATS connection is up: a bus that is down
 * (or a nats-server restart) silences every node at once, and that must not kill their instances.
 * After a reconnect every node gets a full timeout again.
 */
public final class NodeRegistry extends AbstractBehavior<NodeRegistry.Command> {

  public sealed interface Command extends CborSerializable {}

  public record HeartbeatReceived(NodeHeartbeat heartbeat) implements Command {}

  /** Places an instance needing {@code slots} encoder slots and reserves them. */
  public record Place(String instanceId, int slots, ActorRef<PlaceReply> replyTo) implements Command {}

  /** An instance that holds slots on a node says so (after it recovered, and now and then), idempotent. */
  public record Reserve(String instanceId, String nodeId, int slots) implements Command {}

  /** The instance no longer holds slots anywhere (stopped, error), idempotent. */
  public record Release(String instanceId) implements Command {}

  public record ListNodes(ActorRef<Nodes> replyTo) implements Command {}

  private enum Tick implements Command { INSTANCE }

  public sealed interface PlaceReply extends CborSerializable {}

  public record Placed(String nodeId) implements PlaceReply {}

  public record NoCapacity(String message) implements PlaceReply {}

  /** Every node known, and the free encoder slots of the online ones together. */
  public record Nodes(List<NodeTable.NodeView> nodes, int freeSlots) implements CborSerializable {}

  /** Starts the singleton (or its proxy) and answers the proxy, which is how everybody reaches it. */
  public static ActorRef<Command> init(ActorSystem<?> system, AmsSettings settings, AmsBus bus, Clock clock) {
    return ClusterSingleton.get(system).init(
        SingletonActor.of(
                Behaviors.supervise(create(settings, bus, clock)).onFailure(SupervisorStrategy.restart()),
                "ams-node-registry")
            .withSettings(ClusterSingletonSettings.create(system).withRole("ams")));
  }

  static Behavior<Command> create(AmsSettings settings, AmsBus bus, Clock clock) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      Duration every = tickInterval(settings.nodeTimeout());
      timers.startTimerWithFixedDelay(Tick.INSTANCE, every);
      return new NodeRegistry(context, settings, bus, clock);
    }));
  }

  /** A tenth of the timeout, within 50 ms and 1 s: a dead node is noticed at most that late. */
  static Duration tickInterval(Duration timeout) {
    Duration tenth = timeout.dividedBy(10);
    if (tenth.compareTo(Duration.ofMillis(50)) < 0) return Duration.ofMillis(50);
    return tenth.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : tenth;
  }

  private final AmsSettings settings;
  private final AmsBus bus;
  private final Clock clock;
  private final NodeTable table;
  private final ClusterSharding sharding;
  private long reconnectsSeen;

  private NodeRegistry(ActorContext<Command> context, AmsSettings settings, AmsBus bus, Clock clock) {
    super(context);
    this.settings = settings;
    this.bus = bus;
    this.clock = clock;
    this.table = new NodeTable(settings.region(), settings.nodeTimeout(), clock.instant());
    this.sharding = ClusterSharding.get(context.getSystem());
    this.reconnectsSeen = bus.reconnects();
    context.getLog().info("Node registry of region {} runs on this member; a node silent for {} goes offline",
        settings.region(), AmsSettings.seconds(settings.nodeTimeout()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HeartbeatReceived.class, this::onHeartbeat)
        .onMessage(Place.class, this::onPlace)
        .onMessage(Reserve.class, this::onReserve)
        .onMessage(Release.class, this::onRelease)
        .onMessage(ListNodes.class, this::onListNodes)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onHeartbeat(HeartbeatReceived received) {
    NodeHeartbeat heartbeat = received.heartbeat();
    if (!settings.region().equals(heartbeat.region())) {
      getContext().getLog().warn("Dropped a heartbeat of media node {}: it says region {}, this AMS serves {}",
          heartbeat.nodeId(), heartbeat.region(), settings.region());
      return this;
    }
    NodeTable.Change change = table.heartbeat(heartbeat, clock.instant());
    if (change != NodeTable.Change.NONE) {
      NodeHeartbeat.Capacity capacity = heartbeat.capacity();
      getContext().getLog().info("Media node {} at {} is {} with {} encoder slots", heartbeat.nodeId(),
          heartbeat.address(), change == NodeTable.Change.BACK ? "back online" : "online",
          capacity == null ? 0 : capacity.encoderSlots());
    }
    if (change == NodeTable.Change.BACK && heartbeat.instances() != null && !heartbeat.instances().isEmpty()) {
      // Its instances went to error when it went offline; what it still runs nobody accounts for.
      getContext().getLog().info("Media node {} still runs {}, given up while it was offline: asking it to stop them",
          heartbeat.nodeId(), heartbeat.instances());
      for (String instanceId : heartbeat.instances()) {
        bus.stop(heartbeat.nodeId(), new StopInstanceOnNode(instanceId,
            "media node " + heartbeat.nodeId() + " was offline and its instances were given up"));
      }
    }
    return this;
  }

  private Behavior<Command> onPlace(Place place) {
    NodeTable.Placement placement = table.place(place.instanceId(), place.slots());
    if (placement.nodeId() == null) {
      getContext().getLog().info("Instance {} cannot be placed: {}", place.instanceId(), placement.refusal());
      place.replyTo().tell(new NoCapacity(placement.refusal()));
    } else {
      getContext().getLog().info("Instance {} placed on media node {} ({} encoder slot{})",
          place.instanceId(), placement.nodeId(), place.slots(), place.slots() == 1 ? "" : "s");
      place.replyTo().tell(new Placed(placement.nodeId()));
    }
    return this;
  }

  private Behavior<Command> onReserve(Reserve reserve) {
    table.reserve(reserve.instanceId(), reserve.nodeId(), reserve.slots(), clock.instant());
    return this;
  }

  private Behavior<Command> onRelease(Release release) {
    table.release(release.instanceId());
    return this;
  }

  private Behavior<Command> onListNodes(ListNodes list) {
    list.replyTo().tell(new Nodes(table.nodes(), table.freeSlots()));
    return this;
  }

  private Behavior<Command> onTick() {
    if (!bus.connected()) {
      if (!table.timeoutsHeld()) {
        getContext().getLog().warn("This member lost NATS: no media node is timed out until it is back");
        table.holdTimeouts();
      }
      return this;
    }
    long reconnects = bus.reconnects();
    if (table.timeoutsHeld() || reconnects != reconnectsSeen) {
      reconnectsSeen = reconnects;
      table.restartTimeouts(clock.instant());
      getContext().getLog().info("NATS is back: every media node has {} from now to be heard from",
          AmsSettings.seconds(settings.nodeTimeout()));
      return this;
    }
    for (NodeTable.Lost lost : table.expire(clock.instant())) {
      getContext().getLog().warn("{}; its instances go to error: {}", capitalised(lost.reason()), lost.instances());
      for (String instanceId : lost.instances()) {
        if (!InstanceIds.plausible(instanceId)) continue;
        sharding.entityRefFor(InstanceEntity.TYPE_KEY, instanceId)
            .tell(new InstanceEntity.NodeLost(lost.nodeId(), lost.reason()));
      }
    }
    return this;
  }

  private static String capitalised(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
