package org.streamstack.cluster.gateway.signaling;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.signaling.SignalingFrame;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * Pairs the client socket and the instance socket of one session, wherever in the cluster each is
 * connected, and relays their text frames opaquely (PROTOCOL.md 4). Frames for a side that is not
 * connected yet are held, in order, within bounds; past them the sender is closed with an error.
 * A side that connects again replaces the older connection. Sockets re-announce themselves
 * periodically, so that after this entity moves to another member it finds them again.
 *
 * <p>Share peers (issue 6) have client sockets of their own, keyed by peer id, each with its own
 * bounded hold: their frames reach the instance socket tagged with {@code "peer"}, announced by a
 * {@code gateway:peer-joined} notice; instance frames tagged with a peer go to that peer's socket.
 * A cut peer (share deleted or expired, control peer replaced, session ended) is announced by
 * {@code gateway:peer-left} and its socket closed with an error frame. A peer whose socket closes
 * is not cut: like the owner's client, it may close it once ICE connected, or connect again.
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

  /** A share peer joined: frames for it are held until its client socket connects. */
  public record AdmitPeer(String peerId, String role) implements Command {}

  /** Cut these share peers: gateway:peer-left for each the instance heard of, their sockets closed. */
  public record CutPeers(List<String> peerIds, String reason) implements Command {}

  /** The session ended: close both sockets with this reason. */
  public record Close(String reason) implements Command {}

  public record Stop() implements Command {}

  private record SocketGone(Side side, String connectionId) implements Command {}

  private record PendingExpired(Side side) implements Command {}

  private record PeerSocketGone(String peerId, String connectionId) implements Command {}

  private record PeerPendingExpired(String peerId) implements Command {}

  /** The share peer a client socket belongs to, and its role (its share's type). */
  public record Peer(String id, String role) implements CborSerializable {}

  /**
   * One websocket: its id, when it connected (epoch ms), and where its outgoing frames go;
   * {@code peer} is null for the owner's client socket and the instance socket.
   */
  public record Connection(String id, long connectedAt, ActorRef<Outbound> socket, Peer peer)
      implements CborSerializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Connection {}

    public Connection(String id, long connectedAt, ActorRef<Outbound> socket) {
      this(id, connectedAt, socket, null);
    }

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
  private final Map<String, PeerSlot> peers = new LinkedHashMap<>();
  /** Peers cut lately: a late re-announce of their socket must not bring them back. */
  private final Set<String> cutPeers = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_CUT_PEERS_KEPT;
    }
  });

  private static final int MAX_CUT_PEERS_KEPT = 1024;

  /** Instance frames for a peer that is unknown or cut, dropped by all channels of this JVM. */
  public static final java.util.concurrent.atomic.AtomicLong DROPPED_PEER_FRAMES =
      new java.util.concurrent.atomic.AtomicLong();

  /** One share peer: its socket when connected, frames held for it, whether the instance heard of it. */
  private static final class PeerSlot {
    final String role;
    Connection connection;
    final ArrayDeque<String> held = new ArrayDeque<>();
    long heldBytes;
    boolean announced;

    PeerSlot(String role) {
      this.role = role;
    }
  }

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
        .onMessage(Detach.class, this::onDetach)
        .onMessage(SocketGone.class, command -> onGone(command.side(), command.connectionId()))
        .onMessage(Close.class, this::onClose)
        .onMessage(PendingExpired.class, this::onPendingExpired)
        .onMessage(AdmitPeer.class, this::onAdmitPeer)
        .onMessage(CutPeers.class, this::onCutPeers)
        .onMessage(PeerSocketGone.class, command -> onPeerGone(command.peerId(), command.connectionId()))
        .onMessage(PeerPendingExpired.class, this::onPeerPendingExpired)
        .onMessage(Stop.class, command -> Behaviors.stopped())
        .build();
  }

  private Behavior<Command> onAttach(Attach command) {
    if (command.connection().peer() != null) {
      adoptPeer(command.connection());
    } else {
      adopt(command.side(), command.connection());
    }
    return this;
  }

  private Behavior<Command> onRelay(Relay command) {
    Peer peer = command.connection().peer();
    if (peer != null) return onPeerRelay(command.connection(), command.text());
    if (command.side() == Side.INSTANCE) {
      String target = SignalingFrame.peerOf(command.text());
      if (target != null) return onRelayToPeer(command.connection(), target, command.text());
    }
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
    noticeToInstance(command.text());
    return this;
  }

  /** A gateway notice for the instance socket, held like a relayed frame; dropped past the bounds. */
  private void noticeToInstance(String text) {
    if (!toInstance(text)) {
      getContext().getLog().warn("Session {}: dropped a gateway notice for the instance side, which has not "
          + "connected and whose held frames fill the buffer: {}", sessionId, text);
    }
  }

  /** Sends to the instance socket or holds for it; false when the hold is full (nothing done). */
  private boolean toInstance(String text) {
    Connection receiver = connected.get(Side.INSTANCE);
    if (receiver != null) {
      receiver.socket().tell(new Frame(text));
      return true;
    }
    ArrayDeque<String> held = pending.get(Side.INSTANCE);
    long bytes = pendingBytes.get(Side.INSTANCE) + text.length();
    if (held.size() >= settings.maxPendingFrames() || bytes > settings.maxPendingBytes()) return false;
    if (held.isEmpty()) timers.startSingleTimer(Side.INSTANCE, new PendingExpired(Side.INSTANCE), settings.pendingTtl());
    held.addLast(text);
    pendingBytes.put(Side.INSTANCE, bytes);
    return true;
  }

  // --- share peers ----------------------------------------------------------------------------

  private Behavior<Command> onAdmitPeer(AdmitPeer command) {
    if (closedReason != null || cutPeers.contains(command.peerId())) return this;
    peers.computeIfAbsent(command.peerId(), id -> new PeerSlot(command.role()));
    return this;
  }

  /** A frame from a share peer's client socket: to the instance, tagged with the peer. */
  private Behavior<Command> onPeerRelay(Connection connection, String text) {
    if (!adoptPeer(connection)) {
      getContext().getLog().debug("Session {}: dropped a frame from a replaced or cut socket of peer {}",
          sessionId, connection.peer().id());
      return this;
    }
    String peerId = connection.peer().id();
    if (!toInstance(SignalingFrame.withPeer(text, peerId))) {
      // As for the owner's socket: the sender is closed (the peer stays, and may connect again).
      String reason = "the instance side of session " + sessionId
          + " has not connected and the frames held for it fill the buffer";
      getContext().getLog().warn("Session {}: closing the socket of peer {}: {}", sessionId, peerId, reason);
      PeerSlot slot = peers.get(peerId);
      getContext().unwatch(connection.socket());
      slot.connection = null;
      connection.socket().tell(new Frame(SignalingFrame.error(reason)));
      connection.socket().tell(new Closing(reason));
      socketClosed(peerId);
    }
    return this;
  }

  /** A frame of the instance for one share peer: to its socket, or held for it. */
  private Behavior<Command> onRelayToPeer(Connection instance, String peerId, String text) {
    if (!adopt(Side.INSTANCE, instance)) return this;
    PeerSlot slot = peers.get(peerId);
    if (slot == null) {
      long dropped = DROPPED_PEER_FRAMES.incrementAndGet();
      getContext().getLog().debug("Session {}: dropped an instance frame for peer {}, which is {}; {} dropped so far",
          sessionId, peerId, cutPeers.contains(peerId) ? "cut" : "unknown", dropped);
      return this;
    }
    if (slot.connection != null) {
      slot.connection.socket().tell(new Frame(text));
      return this;
    }
    long bytes = slot.heldBytes + text.length();
    if (slot.held.size() >= settings.maxPendingFrames() || bytes > settings.maxPendingBytes()) {
      // Not the instance's fault, so its socket stays: one peer that does not collect its frames
      // must not cut the stream of the others.
      long dropped = DROPPED_PEER_FRAMES.incrementAndGet();
      getContext().getLog().warn("Session {}: dropped an instance frame for peer {}, which is not connected and "
          + "whose {} held frames fill the buffer; {} dropped so far", sessionId, peerId, slot.held.size(), dropped);
      return this;
    }
    if (slot.held.isEmpty()) timers.startSingleTimer(peerTimer(peerId), new PeerPendingExpired(peerId), settings.pendingTtl());
    slot.held.addLast(text);
    slot.heldBytes = bytes;
    return this;
  }

  /**
   * Makes {@code connection} the socket of its peer unless a newer one holds it or the peer was
   * cut; the first time, the instance hears of the peer (gateway:peer-joined) before any of its
   * frames. False when the connection has been told to close.
   */
  private boolean adoptPeer(Connection connection) {
    Peer peer = connection.peer();
    String refusal = closedReason != null ? closedReason
        : cutPeers.contains(peer.id()) ? "peer " + peer.id() + " has been cut" : null;
    if (refusal != null) {
      connection.socket().tell(new Frame(SignalingFrame.error(refusal)));
      connection.socket().tell(new Closing(refusal));
      return false;
    }
    PeerSlot slot = peers.computeIfAbsent(peer.id(), id -> new PeerSlot(peer.role()));
    Connection current = slot.connection;
    if (current != null && current.id().equals(connection.id())) return true;
    if (current != null && !connection.newerThan(current)) {
      connection.socket().tell(new Closing("replaced by a newer connection of peer " + peer.id()));
      return false;
    }
    if (current != null) {
      getContext().unwatch(current.socket());
      current.socket().tell(new Frame(SignalingFrame.error("replaced by a newer connection of peer " + peer.id())));
      current.socket().tell(new Closing("replaced"));
    }
    slot.connection = connection;
    getContext().watchWith(connection.socket(), new PeerSocketGone(peer.id(), connection.id()));
    if (!slot.announced) {
      slot.announced = true;
      getContext().getLog().info("Session {}: share peer {} ({}) connected", sessionId, peer.id(), slot.role);
      noticeToInstance(SignalingFrame.peerNotice(SignalingMessage.PEER_JOINED, peer.id(), "role", slot.role));
    }
    if (!slot.held.isEmpty()) {
      timers.cancel(peerTimer(peer.id()));
      while (!slot.held.isEmpty()) connection.socket().tell(new Frame(slot.held.pollFirst()));
      slot.heldBytes = 0;
    }
    return true;
  }

  private Behavior<Command> onCutPeers(CutPeers command) {
    for (String peerId : command.peerIds()) cutPeer(peerId, command.reason());
    passivateWhenEmpty();
    return this;
  }

  /**
   * Cuts one peer: the instance hears gateway:peer-left (when it heard of the peer), the peer's
   * socket gets an error frame and closes, and a later socket of it is refused.
   */
  private void cutPeer(String peerId, String reason) {
    boolean cutBefore = !cutPeers.add(peerId);
    PeerSlot slot = peers.remove(peerId);
    // A peer this channel does not hold (it started afresh since) may still be known to the
    // instance: it hears of the cut too, unless the peer is known never to have connected.
    if (slot == null) {
      if (!cutBefore) noticeToInstance(SignalingFrame.peerNotice(SignalingMessage.PEER_LEFT, peerId, "reason", reason));
      return;
    }
    timers.cancel(peerTimer(peerId));
    if (slot.announced) noticeToInstance(SignalingFrame.peerNotice(SignalingMessage.PEER_LEFT, peerId, "reason", reason));
    if (slot.connection != null) {
      getContext().unwatch(slot.connection.socket());
      slot.connection.socket().tell(new Frame(SignalingFrame.error(reason)));
      slot.connection.socket().tell(new Closing(reason));
    }
    getContext().getLog().info("Session {}: share peer {} cut: {}", sessionId, peerId, reason);
  }

  /**
   * A share peer's socket closed. The peer stays (a client closes its socket once ICE connected,
   * PROTOCOL.md 4): frames for it are held as for the owner, and it may connect again.
   */
  private Behavior<Command> onPeerGone(String peerId, String connectionId) {
    PeerSlot slot = peers.get(peerId);
    if (slot == null || slot.connection == null || !slot.connection.id().equals(connectionId)) return this;
    getContext().unwatch(slot.connection.socket());
    slot.connection = null;
    getContext().getLog().info("Session {}: the socket of share peer {} closed", sessionId, peerId);
    socketClosed(peerId);
    return this;
  }

  private Behavior<Command> onPeerPendingExpired(PeerPendingExpired command) {
    PeerSlot slot = peers.get(command.peerId());
    if (slot != null && slot.connection == null && !slot.held.isEmpty()) {
      getContext().getLog().warn("Session {}: dropped {} frames held for peer {}, which did not connect within {}",
          sessionId, slot.held.size(), command.peerId(), settings.pendingTtl());
      slot.held.clear();
      slot.heldBytes = 0;
    }
    return this;
  }

  /** Tells the session that a peer's socket closed, so that the peer counts as present no more. */
  private void socketClosed(String peerId) {
    ClusterSharding.get(getContext().getSystem()).entityRefFor(SessionEntity.TYPE_KEY, sessionId)
        .tell(new SessionEntity.SharePeerSocketClosed(peerId));
  }

  private static String peerTimer(String peerId) {
    return "peer:" + peerId;
  }

  private Behavior<Command> onDetach(Detach command) {
    if (command.side() == Side.CLIENT) {
      for (Map.Entry<String, PeerSlot> entry : peers.entrySet()) {
        Connection peerConnection = entry.getValue().connection;
        if (peerConnection != null && peerConnection.id().equals(command.connectionId())) {
          return onPeerGone(entry.getKey(), command.connectionId());
        }
      }
    }
    return onGone(command.side(), command.connectionId());
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
    for (String peerId : List.copyOf(peers.keySet())) cutPeer(peerId, command.reason());
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
    if (connected.isEmpty() && peers.isEmpty() && pending.values().stream().allMatch(ArrayDeque::isEmpty)) {
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
  }
}
