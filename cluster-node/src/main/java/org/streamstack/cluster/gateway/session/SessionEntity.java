package org.streamstack.cluster.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.actor.typed.PostStop;
import org.streamstack.cluster.metrics.NodeMetrics;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.accounts.Credentials;
import org.streamstack.cluster.gateway.agents.AgentClient;
import org.streamstack.cluster.gateway.signaling.Side;
import org.streamstack.cluster.gateway.signaling.SignalingChannel;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.signaling.ScreenNotice;
import org.streamstack.protocol.gateway.SessionStatus;
import org.streamstack.protocol.nats.StopInstance;

/**
 * One session of the gateway: sharded, event sourced. States created → active (the instance
 * connected its socket) → terminating → terminated, or error with a reason. A session nobody
 * attends ends at its grace or idle deadline; the timer is re-armed from the journal when the
 * entity recovers, and remember-entities brings every live session back after a restart, so the
 * deadline holds across restarts. Error and terminated are final for everything the instance side
 * reports: only the owner (DELETE) or a deadline moves an errored session on, to terminated.
 * Whenever a session ends for any reason but its instance stopping, its region's agent is told to
 * stop the instance.
 */
public final class SessionEntity
    extends EventSourcedBehavior<SessionEntity.Command, SessionEntity.Event, SessionEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Session");

  // --- protocol -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** What a client asked for, checked and completed with defaults by the gateway. */
  public record Spec(
      String owner,
      String app,
      Integer appVersion,
      String region,
      boolean joinable,
      boolean ephemeral,
      int idleTimeMin,
      Screen screen,
      String extraData,
      String instanceId)
      implements CborSerializable {}

  public record Create(Spec spec, ActorRef<Reply> replyTo) implements Command {}

  /** {@code requester} is the account asking; null for the operator, who may see every session. */
  public record Get(String requester, ActorRef<Reply> replyTo) implements Command {}

  /** Join ({@code join} true, joinable sessions only) or connect: a new client socket credential. */
  public record IssueClientCredential(String requester, boolean join, Screen screen, ActorRef<Reply> replyTo)
      implements Command {}

  /** The instance side's credential, for whoever runs the instance (operator or agent). */
  public record IssueInstanceCredential(ActorRef<Reply> replyTo) implements Command {}

  public record AuthorizeSocket(Side side, String credential, ActorRef<Reply> replyTo) implements Command {}

  /**
   * The client went away (reported by the media node through AMS and the agent): a joinable session
   * starts its grace period, any other session terminates.
   */
  public record DetachClient(String reason, ActorRef<Reply> replyTo) implements Command {}

  /** The region's agent started the session's instance. */
  public record AssignInstance(String instanceId, ActorRef<Reply> replyTo) implements Command {}

  /** The session's instance stopped on its own: the session terminates, with no stop sent back. */
  public record InstanceStopped(String reason, ActorRef<Reply> replyTo) implements Command {}

  public record Fail(String reason, ActorRef<Reply> replyTo) implements Command {}

  public record Terminate(String requester, String reason, ActorRef<Reply> replyTo) implements Command {}

  private record DeadlineReached() implements Command {}

  // Shares (issue 6). A foreign requester gets NOT_FOUND for a share: its existence is not revealed.

  /** A new share; {@code expiryAt} is already checked against the gateway's clock. */
  public record CreateShare(String requester, String type, String description, Instant expiryAt,
      ActorRef<Reply> replyTo) implements Command {}

  /** The live shares of the session, for its owner ({@link SharesListed}). */
  public record ListShares(String requester, ActorRef<Reply> replyTo) implements Command {}

  /** Changes what is not null. */
  public record ChangeShare(String requester, String shareId, String description, Instant expiryAt,
      ActorRef<Reply> replyTo) implements Command {}

  /** Deletes a share, cutting its peers. */
  public record EndShare(String requester, String shareId, ActorRef<Reply> replyTo) implements Command {}

  /** Anyone holding the share's link: a new peer and its socket credential ({@link PeerAdmitted}). */
  public record JoinShare(String shareId, String secret, ActorRef<Reply> replyTo) implements Command {}

  /**
   * The signalling channel saw a share peer's client socket close. The peer is not gone for that
   * (a client may close its socket once ICE connected, PROTOCOL.md 4); it just no longer counts
   * as present against its view share's bound once its credential is stale too.
   */
  public record SharePeerSocketClosed(String peerId) implements Command {}

  private record ShareExpiryDue(String shareId) implements Command {}

  private record PassivateIfEnded() implements Command {}

  public sealed interface Reply extends CborSerializable {}

  /** The session after the command; {@code credential} is the new secret when one was issued. */
  public record Accepted(SessionRecord session, String credential) implements Reply {}

  public record Refused(Refusal refusal, String message) implements Reply {}

  /** A share after the command; {@code secret} only when it was created. */
  public record ShareAccepted(Shares.Share share, String secret) implements Reply {}

  public record SharesListed(List<Shares.Share> shares) implements Reply {}

  /** A new peer of a share and its client socket credential. */
  public record PeerAdmitted(Shares.Share share, String peerId, String credential) implements Reply {}

  /** A share peer's client socket may open; {@code role} is its share's type. */
  public record PeerSocketAccepted(String peerId, String role) implements Reply {}

  public enum Refusal {
    NOT_FOUND,
    FORBIDDEN,
    NOT_JOINABLE,
    ENDED,
    UNAUTHORIZED,
    CONFLICT
  }

  public sealed interface Event extends CborSerializable {}

  public record Created(SessionRecord session) implements Event {}

  public record ClientCredentialIssued(String digest, Instant expiresAt, Screen screen) implements Event {}

  public record InstanceConnected(Instant at) implements Event {}

  public record ClientAttached(Instant at) implements Event {}

  public record ClientDetached(Instant at) implements Event {}

  public record Failed(String reason, Instant at) implements Event {}

  public record InstanceAssigned(String instanceId) implements Event {}

  public record TerminationStarted(String reason, Instant at) implements Event {}

  public record Terminated(String reason, Instant at) implements Event {}

  public record ShareCreated(Shares.Share share) implements Event {}

  /** Null fields are unchanged. */
  public record ShareChanged(String shareId, String description, Instant expiryAt) implements Event {}

  public record ShareEnded(String shareId, String reason) implements Event {}

  /** A peer joined; {@code dropped} are the share's peers this join replaces (a control share's previous one). */
  public record SharePeerJoined(String shareId, Shares.Peer peer, List<String> dropped) implements Event {}

  public sealed interface State extends CborSerializable {}

  public record NotCreated() implements State {}

  public record Live(SessionRecord session, Shares shares) implements State {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Live {
      if (shares == null) shares = Shares.NONE;
    }

    public Live(SessionRecord session) {
      this(session, Shares.NONE);
    }

    Live with(SessionRecord next) {
      return new Live(next, shares);
    }
  }

  // --- sharding -------------------------------------------------------------------------------

  /** {@code agents} is told to stop the instance of every session that ends. */
  public static void initSharding(ActorSystem<?> system, GatewaySettings settings, Clock clock, AgentClient agents) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    entity ->
                        // Every log line of the entity carries its session id (JSON logs: a field).
                        Behaviors.withMdc(Command.class, java.util.Map.of("sessionId", entity.getEntityId()),
                            Behaviors.setup(
                                context ->
                                    Behaviors.withTimers(
                                        timers ->
                                            new SessionEntity(
                                                entity.getEntityId(), entity.getShard(), context, timers, settings,
                                                clock, agents)))))
                .withRole("gateway")
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  private static final String DEADLINE_TIMER = "deadline";
  private static final String PASSIVATION_TIMER = "passivation";

  private final String sessionId;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final GatewaySettings.Sessions settings;
  private final GatewaySettings.Shares shareSettings;
  /** Share peers whose client socket is open (as far as this incarnation saw), not persisted. */
  private final java.util.Set<String> attachedPeers = new java.util.HashSet<>();
  /** Timer keys of the share expiry timers that are armed. */
  private final java.util.Set<String> shareTimers = new java.util.HashSet<>();
  private final Clock clock;
  private final AgentClient agents;
  private final NodeMetrics metrics;
  /** The status this entity is counted under in the sessions metric; null before recovery ends. */
  private SessionStatus counted;
  private boolean recovered;

  private SessionEntity(
      String sessionId,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      GatewaySettings settings,
      Clock clock,
      AgentClient agents) {
    super(PersistenceId.of(TYPE_KEY.name(), sessionId));
    this.sessionId = sessionId;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.settings = settings.sessions();
    this.shareSettings = settings.shares();
    this.clock = clock;
    this.agents = agents;
    this.metrics = NodeMetrics.get(context.getSystem());
    // Logged under this class, not under the persistence plugin's internal one.
    context.setLoggerName(SessionEntity.class);
  }

  /**
   * Registers a new session in its owner's index, then creates it: registered first, so that a
   * session that exists is always listed (a listed id whose creation failed is dropped by the listing).
   */
  public static CompletionStage<Reply> registerAndCreate(ActorSystem<?> system, GatewaySettings.Sessions settings,
      String sessionId, Spec spec, Instant now) {
    Duration timeout = settings.askTimeout();
    return SessionIndex.bucket(system, spec.owner(), sessionId, settings.indexBuckets())
        .<org.apache.pekko.Done>ask(replyTo -> new SessionIndex.Register(sessionId, now, replyTo), timeout)
        .thenCompose(registered -> ClusterSharding.get(system).entityRefFor(TYPE_KEY, sessionId)
            .<Reply>ask(replyTo -> new Create(spec, replyTo), timeout));
  }

  @Override
  public State emptyState() {
    return new NotCreated();
  }

  /**
   * A session takes no snapshots (it has no retention criteria), so looking for one is a wasted
   * query on every entity start: one in five SQL statements of a session create. Whoever adds
   * snapshots here must drop this.
   */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  // --- commands -------------------------------------------------------------------------------

  /**
   * One dispatching method rather than the handler builder: the builder allocates its cases for
   * every entity, about 2 KB each, more than a third of an idle session's heap.
   */
  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return this::onCommand;
  }

  private Effect<Event, State> onCommand(State state, Command command) {
    if (state instanceof NotCreated notCreated) {
      if (command instanceof Create create) return onCreate(notCreated, create);
      if (command instanceof PassivateIfEnded) return passivate();
      if (command instanceof DeadlineReached) return Effect().none();
      if (command instanceof SharePeerSocketClosed || command instanceof ShareExpiryDue) return Effect().none();
      return onUnknownSession(notCreated, command);
    }
    Live live = (Live) state;
    if (command instanceof Get get) return onGet(live, get);
    if (command instanceof AuthorizeSocket authorize) return onAuthorizeSocket(live, authorize);
    if (command instanceof IssueClientCredential issue) return onIssueClientCredential(live, issue);
    if (command instanceof IssueInstanceCredential issue) return onIssueInstanceCredential(live, issue);
    if (command instanceof DetachClient detach) return onDetachClient(live, detach);
    if (command instanceof AssignInstance assign) return onAssignInstance(live, assign);
    if (command instanceof InstanceStopped stopped) return onInstanceStopped(live, stopped);
    if (command instanceof Fail fail) return onFail(live, fail);
    if (command instanceof Terminate terminate) return onTerminate(live, terminate);
    if (command instanceof DeadlineReached deadline) return onDeadlineReached(live, deadline);
    if (command instanceof PassivateIfEnded passivate) return onPassivateIfEnded(live, passivate);
    if (command instanceof CreateShare create) return onCreateShare(live, create);
    if (command instanceof ListShares list) return onListShares(live, list);
    if (command instanceof ChangeShare change) return onChangeShare(live, change);
    if (command instanceof EndShare end) return onEndShare(live, end);
    if (command instanceof JoinShare join) return onJoinShare(live, join);
    if (command instanceof SharePeerSocketClosed closed) return onSharePeerSocketClosed(closed);
    if (command instanceof ShareExpiryDue due) return onShareExpiryDue(live, due);
    Create create = (Create) command;
    return Effect().reply(create.replyTo(), new Refused(Refusal.CONFLICT, "session " + sessionId + " exists already"));
  }

  private Effect<Event, State> onCreate(NotCreated state, Create command) {
    Spec spec = command.spec();
    Instant now = clock.instant();
    String clientCredential = Credentials.newSecret();
    SessionRecord session =
        new SessionRecord(sessionId, spec.owner(), spec.app(), spec.appVersion(), spec.region(), spec.joinable(),
            spec.ephemeral(), spec.idleTimeMin(), spec.screen(), spec.extraData(), now, SessionStatus.CREATED, null,
            Credentials.digest(clientCredential), now.plus(settings.clientCredentialTtl()),
            // The instance credential is only ever handed out through IssueInstanceCredential.
            Credentials.digest(Credentials.newSecret()), now, spec.instanceId());
    return Effect()
        .persist(new Created(session))
        .thenRun(this::armDeadline)
        .thenReply(command.replyTo(), created -> new Accepted(live(created), clientCredential));
  }

  private Effect<Event, State> onUnknownSession(NotCreated state, Command command) {
    ActorRef<Reply> replyTo = replyToOf(command);
    // An entity started only to be asked about a session that does not exist leaves at once, so
    // that remember-entities does not bring it back.
    context.getSelf().tell(new PassivateIfEnded());
    if (replyTo == null) return Effect().none();
    return Effect().reply(replyTo, new Refused(Refusal.NOT_FOUND, "no session " + sessionId));
  }

  private Effect<Event, State> onGet(Live state, Get command) {
    Refused refused = refuseForeign(state.session(), command.requester(), false);
    return Effect().reply(command.replyTo(), refused != null ? refused : new Accepted(state.session(), null));
  }

  private Effect<Event, State> onIssueClientCredential(Live state, IssueClientCredential command) {
    SessionRecord session = state.session();
    Refused refused = refuseForeign(session, command.requester(), true);
    if (refused == null && command.join() && !session.joinable()) {
      refused = new Refused(Refusal.NOT_JOINABLE, "session " + sessionId + " is not joinable");
    }
    if (refused == null && session.status() == SessionStatus.ERROR) {
      refused = new Refused(Refusal.CONFLICT, "session " + sessionId + " is in error: " + session.statusMessage());
    }
    if (refused != null) return Effect().reply(command.replyTo(), refused);
    Screen newScreen = command.screen() == null ? null : command.screen().orDefaults(session.screen());
    Screen changedScreen = Objects.equals(newScreen, session.screen()) ? null : newScreen;
    String credential = Credentials.newSecret();
    Instant expiresAt = clock.instant().plus(settings.clientCredentialTtl());
    return Effect()
        .persist(new ClientCredentialIssued(Credentials.digest(credential), expiresAt, changedScreen))
        .thenRun(issued -> {
          // PROTOCOL.md 3: a join with a changed screen resizes the running instance; it hears so
          // on its socket (held for it until it connects).
          if (changedScreen != null) tellInstance(ScreenNotice.of(changedScreen).toJson());
        })
        .thenReply(command.replyTo(), issued -> new Accepted(live(issued), credential));
  }

  /** A notice of the gateway's own to the session's instance socket ({@link SignalingChannel.FromGateway}). */
  private void tellInstance(String notice) {
    ClusterSharding.get(context.getSystem())
        .entityRefFor(SignalingChannel.TYPE_KEY, sessionId)
        .tell(new SignalingChannel.FromGateway(notice));
  }

  private Effect<Event, State> onIssueInstanceCredential(Live state, IssueInstanceCredential command) {
    if (state.session().ended()) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.ENDED, "session " + sessionId + " has ended"));
    }
    // The credential is derived afresh on every request; the digest of the newest one is kept.
    String credential = Credentials.newSecret();
    return Effect()
        .persist(new InstanceCredentialIssued(Credentials.digest(credential)))
        .thenReply(command.replyTo(), issued -> new Accepted(live(issued), credential));
  }

  /** The digest of a newly issued instance credential (replacing the previous one). */
  public record InstanceCredentialIssued(String digest) implements Event {}

  private Effect<Event, State> onAuthorizeSocket(Live state, AuthorizeSocket command) {
    SessionRecord session = state.session();
    if (session.ended()) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.ENDED, "session " + sessionId + " has ended"));
    }
    Instant now = clock.instant();
    String digest = command.credential() == null ? null : Credentials.digest(command.credential());
    if (command.side() == Side.CLIENT && Shares.peerOfCredential(command.credential()) != null) {
      return onAuthorizePeerSocket(state, command, digest, now);
    }
    if (command.side() == Side.CLIENT) {
      boolean valid = Credentials.sameDigest(digest, session.clientCredentialDigest())
          && now.isBefore(session.clientCredentialExpiresAt());
      if (!valid) return Effect().reply(command.replyTo(), unauthorized(Side.CLIENT));
      if (session.clientAttached()) return Effect().reply(command.replyTo(), new Accepted(session, null));
      return Effect()
          .persist(new ClientAttached(now))
          .thenRun(this::armDeadline)
          .thenReply(command.replyTo(), attached -> new Accepted(live(attached), null));
    }
    if (!Credentials.sameDigest(digest, session.instanceCredentialDigest())) {
      return Effect().reply(command.replyTo(), unauthorized(Side.INSTANCE));
    }
    if (session.status() != SessionStatus.CREATED) return Effect().reply(command.replyTo(), new Accepted(session, null));
    return Effect()
        .persist(new InstanceConnected(now))
        .thenReply(command.replyTo(), connected -> new Accepted(live(connected), null));
  }

  private Refused unauthorized(Side side) {
    return new Refused(Refusal.UNAUTHORIZED,
        "the " + side.pathName() + " credential of session " + sessionId + " is wrong or has expired");
  }

  private Effect<Event, State> onDetachClient(Live state, DetachClient command) {
    SessionRecord session = state.session();
    if (session.ended() || session.status() == SessionStatus.ERROR) {
      return Effect().reply(command.replyTo(), new Accepted(session, null));
    }
    String why = command.reason() == null || command.reason().isBlank() ? "no reason given" : command.reason();
    if (!session.joinable()) {
      context.getLog().info("Session {} ends: its client left ({})", sessionId, why);
      return terminate("the client left: " + why, true)
          .thenReply(command.replyTo(), ended -> new Accepted(live(ended), null));
    }
    if (!session.clientAttached()) return Effect().reply(command.replyTo(), new Accepted(session, null));
    context.getLog().info("Session {}: its client left ({}); it may rejoin within {} s",
        sessionId, why, settings.gracePeriod().toSeconds());
    return Effect()
        .persist(new ClientDetached(clock.instant()))
        .thenRun(this::armDeadline)
        .thenReply(command.replyTo(), detached -> new Accepted(live(detached), null));
  }

  private Effect<Event, State> onAssignInstance(Live state, AssignInstance command) {
    SessionRecord session = state.session();
    if (command.instanceId().equals(session.instanceId())) {
      return Effect().reply(command.replyTo(), new Accepted(session, null));
    }
    if (session.instanceId() != null) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.CONFLICT,
          "session " + sessionId + " is served by instance " + session.instanceId() + " already"));
    }
    if (session.ended()) {
      // The session ended while its instance was being started: the stop sent then may have found
      // nothing to stop, so this late instance is stopped now.
      agents.stopInstance(session.region(),
          new StopInstance(sessionId, command.instanceId(), "session " + sessionId + " had ended: " + session.statusMessage()));
      return Effect().reply(command.replyTo(), new Accepted(session, null));
    }
    return Effect()
        .persist(new InstanceAssigned(command.instanceId()))
        .thenReply(command.replyTo(), assigned -> new Accepted(live(assigned), null));
  }

  private Effect<Event, State> onInstanceStopped(Live state, InstanceStopped command) {
    SessionRecord session = state.session();
    if (session.ended() || session.status() == SessionStatus.ERROR) {
      return Effect().reply(command.replyTo(), new Accepted(session, null));
    }
    context.getLog().info("Session {} ends: {}", sessionId, command.reason());
    return terminate(command.reason(), false).thenReply(command.replyTo(), ended -> new Accepted(live(ended), null));
  }

  private Effect<Event, State> onFail(Live state, Fail command) {
    SessionRecord session = state.session();
    // The first failure is the one that explains the session; later ones are its consequences.
    if (session.ended() || session.status() == SessionStatus.ERROR) {
      return Effect().reply(command.replyTo(), new Accepted(session, null));
    }
    context.getLog().info("Session {} is in error: {}", sessionId, command.reason());
    return Effect()
        .persist(new Failed(command.reason(), clock.instant()))
        .thenReply(command.replyTo(), failed -> new Accepted(live(failed), null));
  }

  private Effect<Event, State> onTerminate(Live state, Terminate command) {
    Refused refused = refuseForeign(state.session(), command.requester(), false);
    if (refused != null) return Effect().reply(command.replyTo(), refused);
    if (state.session().ended()) return Effect().reply(command.replyTo(), new Accepted(state.session(), null));
    context.getLog().info("Session {} ends: {}", sessionId, command.reason());
    return terminate(command.reason(), true).thenReply(command.replyTo(), ended -> new Accepted(live(ended), null));
  }

  private Effect<Event, State> onDeadlineReached(Live state, DeadlineReached command) {
    SessionRecord session = state.session();
    Instant deadline = session.unattendedDeadline(settings.gracePeriod());
    if (deadline == null) return Effect().none();
    if (clock.instant().isBefore(deadline)) {
      armDeadline(state);
      return Effect().none();
    }
    context.getLog().info("Session {} ends: {}", sessionId, session.unattendedReason(settings.gracePeriod()));
    return terminate(session.unattendedReason(settings.gracePeriod()), true).thenNoReply();
  }

  private Effect<Event, State> onPassivateIfEnded(Live state, PassivateIfEnded command) {
    return state.session().status() == SessionStatus.TERMINATED ? passivate() : Effect().none();
  }

  /**
   * The instance is stopped by its agent and AMS without the session waiting for it, so terminating
   * and terminated are written at once; the signalling sockets are closed after. {@code stopInstance}
   * is false when the end came from the instance itself.
   */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> terminate(String reason,
      boolean stopInstance) {
    Instant now = clock.instant();
    return Effect()
        .persist(List.of(new TerminationStarted(reason, now), new Terminated(reason, now)))
        .thenRun(ended -> {
          timers.cancel(DEADLINE_TIMER);
          shareTimers.forEach(timers::cancel);
          shareTimers.clear();
          // The channel's Close cuts the share peers it holds (gateway:peer-left, then their sockets).
          ClusterSharding.get(context.getSystem())
              .entityRefFor(SignalingChannel.TYPE_KEY, sessionId)
              .tell(new SignalingChannel.Close("session " + sessionId + " has terminated: " + reason));
          SessionRecord session = live(ended);
          if (stopInstance) agents.stopInstance(session.region(), new StopInstance(sessionId, session.instanceId(), reason));
          if (session.ephemeral()) {
            SessionIndex.forget(context.getSystem(), session.owner(), sessionId, settings.indexBuckets());
          }
          timers.startSingleTimer(PASSIVATION_TIMER, new PassivateIfEnded(), settings.terminatedPassivation());
        });
  }

  // --- shares ---------------------------------------------------------------------------------

  private Effect<Event, State> onCreateShare(Live state, CreateShare command) {
    SessionRecord session = state.session();
    Refused refused = refuseForeign(session, command.requester(), false);
    if (refused == null && session.status() == SessionStatus.TERMINATED) {
      refused = new Refused(Refusal.NOT_FOUND, "session " + sessionId + " has terminated");
    }
    if (refused == null && (session.ended() || session.status() == SessionStatus.ERROR)) {
      refused = new Refused(Refusal.CONFLICT, "session " + sessionId + " has ended: " + session.statusMessage());
    }
    if (refused == null && state.shares().live().size() >= shareSettings.maxPerSession()) {
      refused = new Refused(Refusal.CONFLICT, "session " + sessionId + " has " + shareSettings.maxPerSession()
          + " shares already (the most it may have); delete one first");
    }
    if (refused != null) return Effect().reply(command.replyTo(), refused);
    String secret = Credentials.newSecret();
    Shares.Share share = new Shares.Share(Shares.newShareId(sessionId), command.type(),
        command.description() == null ? "" : command.description(), command.expiryAt(), clock.instant(),
        Credentials.digest(secret), 0, List.of());
    context.getLog().info("Session {}: {} share {} created, until {}", sessionId, share.type(), share.id(),
        share.expiryAt());
    return Effect()
        .persist(new ShareCreated(share))
        .thenRun(created -> armShareExpiry(share))
        .thenReply(command.replyTo(), created -> new ShareAccepted(share, secret));
  }

  private Effect<Event, State> onListShares(Live state, ListShares command) {
    if (refuseForeign(state.session(), command.requester(), false) != null) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.NOT_FOUND, "no shares of session " + sessionId));
    }
    return Effect().reply(command.replyTo(), new SharesListed(state.shares().live()));
  }

  /** The requester's share of that id, or null when it has none (someone else's counts as none). */
  private Shares.Share ownShare(Live state, String requester, String shareId) {
    if (refuseForeign(state.session(), requester, false) != null) return null;
    return state.shares().find(shareId);
  }

  private Refused noShare(Live state, String shareId) {
    String reason = state.shares().endedReason(shareId);
    return new Refused(Refusal.NOT_FOUND, reason != null ? reason : "no share " + shareId);
  }

  private Effect<Event, State> onChangeShare(Live state, ChangeShare command) {
    Shares.Share share = ownShare(state, command.requester(), command.shareId());
    if (share == null) return Effect().reply(command.replyTo(), noShare(state, command.shareId()));
    return Effect()
        .persist(new ShareChanged(share.id(), command.description(), command.expiryAt()))
        .thenRun(changed -> armShareExpiry(((Live) changed).shares().find(share.id())))
        .thenReply(command.replyTo(), changed -> new ShareAccepted(((Live) changed).shares().find(share.id()), null));
  }

  private Effect<Event, State> onEndShare(Live state, EndShare command) {
    Shares.Share share = ownShare(state, command.requester(), command.shareId());
    if (share == null) return Effect().reply(command.replyTo(), noShare(state, command.shareId()));
    return endShare(share, "share " + share.id() + " was deleted by its owner")
        .thenReply(command.replyTo(), ended -> new ShareAccepted(share, null));
  }

  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> endShare(Shares.Share share,
      String reason) {
    context.getLog().info("Session {}: {}", sessionId, reason);
    return Effect()
        .persist(new ShareEnded(share.id(), reason))
        .thenRun(ended -> {
          String key = shareTimerKey(share.id());
          timers.cancel(key);
          shareTimers.remove(key);
          cutPeers(share.peerIds(), reason);
        });
  }

  private Effect<Event, State> onJoinShare(Live state, JoinShare command) {
    SessionRecord session = state.session();
    if (session.ended() || session.status() == SessionStatus.ERROR) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.ENDED,
          "the session of share " + command.shareId() + " has ended"));
    }
    Shares.Share share = state.shares().find(command.shareId());
    if (share == null) return Effect().reply(command.replyTo(), noShare(state, command.shareId()));
    Instant now = clock.instant();
    if (!now.isBefore(share.expiryAt())) {
      return endShare(share, "share " + share.id() + " expired")
          .thenReply(command.replyTo(), ended -> new Refused(Refusal.NOT_FOUND, "share " + share.id() + " expired"));
    }
    if (command.secret() == null
        || !Credentials.sameDigest(Credentials.digest(command.secret()), share.secretDigest())) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.FORBIDDEN,
          "the secret of share " + share.id() + " is wrong"));
    }
    // A control share has one peer: the new one replaces it. A view share keeps its peers until
    // it ends (to cut them then); those present count against its bound: a peer is present while
    // its client socket is open or its credential is fresh. Once a client closed its socket after
    // ICE connected, the gateway cannot see it any more (the media node bounds what it streams).
    long present = share.peers().stream().filter(p -> present(p, now)).count();
    List<String> dropped = share.control() ? share.peerIds() : oldestAbsentBeyondKept(share, now);
    if (!share.control() && present >= shareSettings.maxPeersPerShare()) {
      return Effect().reply(command.replyTo(), new Refused(Refusal.CONFLICT, "share " + share.id() + " has "
          + present + " peers connecting or connected, the most a view share may have at once"));
    }
    String peerId = share.id() + "." + (share.joins() + 1);
    String credential = peerId + "." + Credentials.newSecret();
    Shares.Peer peer = new Shares.Peer(peerId, Credentials.digest(credential), now.plus(settings.clientCredentialTtl()));
    return Effect()
        .persist(new SharePeerJoined(share.id(), peer, List.copyOf(dropped)))
        .thenRun(joined -> {
          cutPeers(dropped, share.control() ? "replaced by a newer peer of control share " + share.id()
              : "one of the oldest peers of view share " + share.id() + ", which keeps its newest "
                  + keptPeers());
          ClusterSharding.get(context.getSystem()).entityRefFor(SignalingChannel.TYPE_KEY, sessionId)
              .tell(new SignalingChannel.AdmitPeer(peerId, share.type()));
        })
        .thenReply(command.replyTo(), joined -> new PeerAdmitted(share, peerId, credential));
  }

  private boolean present(Shares.Peer peer, Instant now) {
    return attachedPeers.contains(peer.id()) || now.isBefore(peer.credentialExpiresAt());
  }

  /** How many peers a view share keeps, the new one included: the journal and state stay bounded. */
  private int keptPeers() {
    return 4 * shareSettings.maxPeersPerShare();
  }

  /**
   * The oldest peers of a view share that are not present, as many as must go for the new one to
   * fit within {@link #keptPeers()}. They are cut, not only forgotten, so that the instance hears
   * peer-left for them now rather than never (the share's end cuts only the peers it keeps).
   * Fewer than the bound are present, so absent ones always suffice.
   */
  private List<String> oldestAbsentBeyondKept(Shares.Share share, Instant now) {
    int excess = share.peers().size() + 1 - keptPeers();
    List<String> oldest = new ArrayList<>();
    for (Shares.Peer peer : share.peers()) {
      if (oldest.size() >= excess) break;
      if (!present(peer, now)) oldest.add(peer.id());
    }
    return oldest;
  }

  private Effect<Event, State> onAuthorizePeerSocket(Live state, AuthorizeSocket command, String digest, Instant now) {
    String peerId = Shares.peerOfCredential(command.credential());
    Shares.Share share = state.shares().find(Shares.shareOfPeer(peerId));
    Shares.Peer peer = share == null ? null
        : share.peers().stream().filter(p -> p.id().equals(peerId)).findFirst().orElse(null);
    boolean valid = peer != null && Credentials.sameDigest(digest, peer.credentialDigest())
        && now.isBefore(peer.credentialExpiresAt()) && now.isBefore(share.expiryAt());
    if (!valid) return Effect().reply(command.replyTo(), unauthorized(Side.CLIENT));
    attachedPeers.add(peerId);
    return Effect().reply(command.replyTo(), new PeerSocketAccepted(peerId, share.type()));
  }

  private Effect<Event, State> onSharePeerSocketClosed(SharePeerSocketClosed command) {
    attachedPeers.remove(command.peerId());
    return Effect().none();
  }

  private Effect<Event, State> onShareExpiryDue(Live state, ShareExpiryDue command) {
    shareTimers.remove(shareTimerKey(command.shareId()));
    Shares.Share share = state.shares().find(command.shareId());
    if (share == null) return Effect().none();
    if (clock.instant().isBefore(share.expiryAt())) {
      armShareExpiry(share);
      return Effect().none();
    }
    return endShare(share, "share " + share.id() + " expired").thenNoReply();
  }

  private void armShareExpiry(Shares.Share share) {
    if (share == null) return;
    String key = shareTimerKey(share.id());
    Duration wait = Duration.between(clock.instant(), share.expiryAt());
    timers.startSingleTimer(key, new ShareExpiryDue(share.id()), wait.isNegative() ? Duration.ZERO : wait);
    shareTimers.add(key);
  }

  private static String shareTimerKey(String shareId) {
    return "share:" + shareId;
  }

  /** Tells the signalling channel to cut these peers: gateway:peer-left, then their sockets closed. */
  private void cutPeers(List<String> peerIds, String reason) {
    if (peerIds.isEmpty()) return;
    peerIds.forEach(attachedPeers::remove);
    ClusterSharding.get(context.getSystem()).entityRefFor(SignalingChannel.TYPE_KEY, sessionId)
        .tell(new SignalingChannel.CutPeers(List.copyOf(peerIds), reason));
  }

  private Effect<Event, State> passivate() {
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return Effect().none();
  }

  private Refused refuseForeign(SessionRecord session, String requester, boolean mustBeLive) {
    if (requester != null && !requester.equals(session.owner())) {
      return new Refused(Refusal.FORBIDDEN, "session " + sessionId + " belongs to another account");
    }
    if (session.ephemeral() && session.status() == SessionStatus.TERMINATED) {
      return new Refused(Refusal.NOT_FOUND, "no session " + sessionId);
    }
    if (mustBeLive && session.ended()) {
      return new Refused(Refusal.ENDED, "session " + sessionId + " has ended");
    }
    return null;
  }

  private void armDeadline(State state) {
    if (!(state instanceof Live)) return;
    Instant deadline = ((Live) state).session().unattendedDeadline(settings.gracePeriod());
    if (deadline == null) {
      timers.cancel(DEADLINE_TIMER);
    } else {
      Duration wait = Duration.between(clock.instant(), deadline);
      timers.startSingleTimer(DEADLINE_TIMER, new DeadlineReached(), wait.isNegative() ? Duration.ZERO : wait);
    }
  }

  private static SessionRecord live(State state) {
    return ((Live) state).session();
  }

  private static ActorRef<Reply> replyToOf(Command command) {
    if (command instanceof Get get) return get.replyTo();
    if (command instanceof IssueClientCredential issue) return issue.replyTo();
    if (command instanceof IssueInstanceCredential issue) return issue.replyTo();
    if (command instanceof AuthorizeSocket authorize) return authorize.replyTo();
    if (command instanceof DetachClient detach) return detach.replyTo();
    if (command instanceof AssignInstance assign) return assign.replyTo();
    if (command instanceof InstanceStopped stopped) return stopped.replyTo();
    if (command instanceof Fail fail) return fail.replyTo();
    if (command instanceof Terminate terminate) return terminate.replyTo();
    if (command instanceof CreateShare create) return create.replyTo();
    if (command instanceof ListShares list) return list.replyTo();
    if (command instanceof ChangeShare change) return change.replyTo();
    if (command instanceof EndShare end) return end.replyTo();
    if (command instanceof JoinShare join) return join.replyTo();
    return null;
  }

  // --- events ---------------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return this::applyAndCount;
  }

  /** Replayed events are not counted one by one: recovery counts the state it ends in. */
  private State applyAndCount(State state, Event event) {
    State next = apply(state, event);
    if (recovered) count(next);
    return next;
  }

  private void count(State state) {
    SessionStatus status = state instanceof Live live ? live.session().status() : null;
    metrics.sessionMoved(counted, status);
    counted = status;
  }

  private static State apply(State state, Event event) {
    if (event instanceof Created created) return new Live(created.session());
    Live live = (Live) state;
    SessionRecord session = live.session();
    Shares shares = live.shares();
    if (event instanceof ShareCreated created) return new Live(session, shares.with(created.share()));
    if (event instanceof ShareChanged changed) {
      Shares.Share share = shares.find(changed.shareId());
      if (share == null) return live;
      return new Live(session, shares.with(new Shares.Share(share.id(), share.type(),
          changed.description() != null ? changed.description() : share.description(),
          changed.expiryAt() != null ? changed.expiryAt() : share.expiryAt(),
          share.createdAt(), share.secretDigest(), share.joins(), share.peers())));
    }
    if (event instanceof ShareEnded ended) return new Live(session, shares.without(ended.shareId(), ended.reason()));
    if (event instanceof SharePeerJoined joined) {
      return new Live(session, shares.peerJoined(joined.shareId(), joined.peer(), java.util.Set.copyOf(joined.dropped())));
    }
    if (event instanceof ClientCredentialIssued issued) {
      return live.with(session.withClientCredential(issued.digest(), issued.expiresAt(), issued.screen()));
    }
    if (event instanceof InstanceCredentialIssued issued) return live.with(session.withInstanceCredential(issued.digest()));
    if (event instanceof InstanceConnected) return live.with(session.withStatus(SessionStatus.ACTIVE, null));
    if (event instanceof ClientAttached) return live.with(session.withUnattendedSince(null));
    if (event instanceof ClientDetached detached) return live.with(session.withUnattendedSince(detached.at()));
    if (event instanceof Failed failed) return live.with(session.withStatus(SessionStatus.ERROR, failed.reason()));
    if (event instanceof InstanceAssigned assigned) return live.with(session.withInstanceId(assigned.instanceId()));
    if (event instanceof TerminationStarted started) {
      return live.with(session.withStatus(SessionStatus.TERMINATING, started.reason()));
    }
    Terminated terminated = (Terminated) event;
    // The session's end ends its shares (their peers were cut with the signalling channel).
    return new Live(session.withStatus(SessionStatus.TERMINATED, terminated.reason()), Shares.NONE);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          recovered = true;
          count(state);
          armDeadline(state);
          if (state instanceof Live live) live.shares().live().forEach(this::armShareExpiry);
          if (state instanceof Live live && live.session().status() == SessionStatus.TERMINATED) {
            timers.startSingleTimer(PASSIVATION_TIMER, new PassivateIfEnded(), settings.terminatedPassivation());
          }
        })
        // Passivated, moved to another member (which counts it from then on) or stopped with the member.
        .onSignal(PostStop.instance(), state -> {
          metrics.sessionMoved(counted, null);
          counted = null;
        })
        .build();
  }
}
