package org.streamstack.cluster.gateway.signaling;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.signaling.SignalingFrame;

/**
 * Pairs the client socket and the instance socket of one session, wherever in the cluster each is
 * connected, and relays their text frames opaquely (PROTOCOL.md 4). Frames for a side that is not
 * connected yet are held, in order, within bounds; past them the sender is closed with an error.
 * A side that connects again replaces the older connection. Sockets re-announce themselves
 * periodically, so that after this entity moves to another member it finds them again.
 *
 * <p>Not persisted: frames in flight are as durable as the sockets carrying them.
 */
public final class SignalingChannel extends AbstractBehavior<SignalingChannel.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "SignalingChannel");

  public sealed interface Command extends CborSerializable {}

  /** A socket of {@code side} is (still) connected; {@code connectedAt} orders reconnects. */
  public record Attach(Side side, Connection connection) implements Command {}

  public record Relay(Side side, Connection connection, String text) implements Command {}

  public record Detach(Side side, String connectionId) implements Command {}

  /**
   * A notice of the gateway itself for the instance side (its type starts with {@link
   * SignalingFrame#GATEWAY_PREFIX}): sent to the instance socket, or held for it like a relayed
   * frame; past the bounds it is dropped and logged, as there is no sender to close.
   */
  public record FromGateway(String text) implements Command {}

  /** The session ended: close both sockets with this reason. */
  public record Close(String reason) implements Command {}

  public record Stop() implements Command {}

  private record SocketGone(Side side, String connectionId) implements Command {}

  private record PendingExpired(Side side) implements Command {}

  /** One websocket: its id, when it connected (epoch ms), and where its outgoing frames go. */
  public record Connection(String id, long connectedAt, ActorRef<Outbound> socket) implements CborSerializable {
    boolean newerThan(Connection other) {
      return connectedAt > other.connectedAt || (connectedAt == other.connectedAt && id.compareTo(other.id) > 0);
    }
  }

  /** What the channel sends to a socket. {@link Closing} completes it after the frames before it. */
  public sealed interface Outbound extends CborSerializable {}

  public record Frame(String text) implements Outbound {}

  public record Closing(String reason) implements Outbound {}

  public static void initSharding(ActorSystem<?> system, GatewaySettings settings) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    entity ->
                        // The channel's id is its session's: every log line of it carries the session id.
                        Behaviors.withMdc(Command.class, java.util.Map.of("sessionId", entity.getEntityId()),
                            Behaviors.<Command>setup(context -> Behaviors.withTimers(timers ->
                                new SignalingChannel(context, timers, entity.getEntityId(), entity.getShard(),
                                    settings.signaling())))))
                .withRole("gateway")
                .withStopMessage(new Stop())
                // Held frames must not vanish with an idle entity: it passivates itself when empty.
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  private final TimerScheduler<Command> timers;
  private final String sessionId;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final GatewaySettings.Signaling settings;
  private final Map<Side, Connection> connected = new EnumMap<>(Side.class);
  private final Map<Side, ArrayDeque<String>> pending = new EnumMap<>(Side.class);
  private final Map<Side, Long> pendingBytes = new EnumMap<>(Side.class);
  private String closedReason;

  private SignalingChannel(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String sessionId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      GatewaySettings.Signaling settings) {
    super(context);
    this.timers = timers;
    this.sessionId = sessionId;
    this.shard = shard;
    this.settings = settings;
    for (Side side : Side.values()) {
      pending.put(side, new ArrayDeque<>());
      pendingBytes.put(side, 0L);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Relay.class, this::onRelay)
        .onMessage(FromGateway.class, this::onFromGateway)
        .onMessage(Detach.class, command -> onGone(command.side(), command.connectionId()))
        .onMessage(SocketGone.class, command -> onGone(command.side(), command.connectionId()))
        .onMessage(Close.class, this::onClose)
        .onMessage(PendingExpired.class, this::onPendingExpired)
        .onMessage(Stop.class, command -> Behaviors.stopped())
        .build();
  }

  private Behavior<Command> onAttach(Attach command) {
    adopt(command.side(), command.connection());
    return this;
  }

  private Behavior<Command> onRelay(Relay command) {
    if (!adopt(command.side(), command.connection())) {
      getContext().getLog().debug("Session {}: dropped a frame from a replaced {} socket", sessionId, command.side());
      return this;
    }
    Side target = command.side().other();
    Connection receiver = connected.get(target);
    if (receiver != null) {
      receiver.socket().tell(new Frame(command.text()));
      return this;
    }
    ArrayDeque<String> held = pending.get(target);
    long bytes = pendingBytes.get(target) + command.text().length();
    if (held.size() >= settings.maxPendingFrames() || bytes > settings.maxPendingBytes()) {
      String reason = "the " + target.pathName() + " side of session " + sessionId
          + " has not connected and the " + held.size() + " frames held for it fill the buffer";
      getContext().getLog().warn("Session {}: closing the {} socket: {}", sessionId, command.side().pathName(), reason);
      close(command.side(), reason);
      return this;
    }
    if (held.isEmpty()) timers.startSingleTimer(target, new PendingExpired(target), settings.pendingTtl());
    held.addLast(command.text());
    pendingBytes.put(target, bytes);
    return this;
  }

  private Behavior<Command> onFromGateway(FromGateway command) {
    if (closedReason != null) return this;
    Connection receiver = connected.get(Side.INSTANCE);
    if (receiver != null) {
      receiver.socket().tell(new Frame(command.text()));
      return this;
    }
    ArrayDeque<String> held = pending.get(Side.INSTANCE);
    long bytes = pendingBytes.get(Side.INSTANCE) + command.text().length();
    if (held.size() >= settings.maxPendingFrames() || bytes > settings.maxPendingBytes()) {
      getContext().getLog().warn("Session {}: dropped a gateway notice for the instance side, which has not "
          + "connected and whose {} held frames fill the buffer: {}", sessionId, held.size(), command.text());
      return this;
    }
    if (held.isEmpty()) timers.startSingleTimer(Side.INSTANCE, new PendingExpired(Side.INSTANCE), settings.pendingTtl());
    held.addLast(command.text());
    pendingBytes.put(Side.INSTANCE, bytes);
    return this;
  }

  /**
   * Makes {@code connection} the socket of {@code side} unless a newer one holds it; false when
   * the connection is stale and has been told to close.
   */
  private boolean adopt(Side side, Connection connection) {
    if (closedReason != null) {
      connection.socket().tell(new Frame(SignalingFrame.error(closedReason)));
      connection.socket().tell(new Closing(closedReason));
      return false;
    }
    Connection current = connected.get(side);
    if (current != null && current.id().equals(connection.id())) return true;
    if (current != null && !connection.newerThan(current)) {
      connection.socket().tell(new Closing("replaced by a newer " + side.pathName() + " connection"));
      return false;
    }
    if (current != null) {
      getContext().unwatch(current.socket());
      current.socket().tell(new Frame(SignalingFrame.error("replaced by a newer " + side.pathName() + " connection")));
      current.socket().tell(new Closing("replaced"));
      getContext().getLog().info("Session {}: a new {} socket replaces the previous one", sessionId, side.pathName());
    }
    connected.put(side, connection);
    getContext().watchWith(connection.socket(), new SocketGone(side, connection.id()));
    ArrayDeque<String> held = pending.get(side);
    if (!held.isEmpty()) {
      timers.cancel(side);
      while (!held.isEmpty()) connection.socket().tell(new Frame(held.pollFirst()));
      pendingBytes.put(side, 0L);
    }
    return true;
  }

  private Behavior<Command> onGone(Side side, String connectionId) {
    Connection current = connected.get(side);
    if (current != null && current.id().equals(connectionId)) {
      getContext().unwatch(current.socket());
      connected.remove(side);
    }
    passivateWhenEmpty();
    return this;
  }

  private Behavior<Command> onClose(Close command) {
    closedReason = command.reason();
    for (Side side : Side.values()) {
      if (connected.containsKey(side)) close(side, command.reason());
      pending.get(side).clear();
      pendingBytes.put(side, 0L);
      timers.cancel(side);
    }
    passivateWhenEmpty();
    return this;
  }

  private void close(Side side, String reason) {
    Connection connection = connected.remove(side);
    if (connection == null) return;
    getContext().unwatch(connection.socket());
    connection.socket().tell(new Frame(SignalingFrame.error(reason)));
    connection.socket().tell(new Closing(reason));
  }

  private Behavior<Command> onPendingExpired(PendingExpired command) {
    ArrayDeque<String> held = pending.get(command.side());
    if (!held.isEmpty()) {
      getContext().getLog().warn("Session {}: dropped {} frames held for the {} side, which did not connect within {}",
          sessionId, held.size(), command.side().pathName(), settings.pendingTtl());
      held.clear();
      pendingBytes.put(command.side(), 0L);
    }
    passivateWhenEmpty();
    return this;
  }

  private void passivateWhenEmpty() {
    if (connected.isEmpty() && pending.values().stream().allMatch(ArrayDeque::isEmpty)) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
  }
}
