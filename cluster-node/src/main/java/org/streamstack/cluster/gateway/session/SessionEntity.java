package org.streamstack.cluster.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  private record PassivateIfEnded() implements Command {}

  public sealed interface Reply extends CborSerializable {}

  /** The session after the command; {@code credential} is the new secret when one was issued. */
  public record Accepted(SessionRecord session, String credential) implements Reply {}

  public record Refused(Refusal refusal, String message) implements Reply {}

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

  public sealed interface State extends CborSerializable {}

  public record NotCreated() implements State {}

  public record Live(SessionRecord session) implements State {}

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
    SessionRecord session = live(state);
    if (event instanceof ClientCredentialIssued issued) {
      return new Live(session.withClientCredential(issued.digest(), issued.expiresAt(), issued.screen()));
    }
    if (event instanceof InstanceCredentialIssued issued) return new Live(session.withInstanceCredential(issued.digest()));
    if (event instanceof InstanceConnected) return new Live(session.withStatus(SessionStatus.ACTIVE, null));
    if (event instanceof ClientAttached) return new Live(session.withUnattendedSince(null));
    if (event instanceof ClientDetached detached) return new Live(session.withUnattendedSince(detached.at()));
    if (event instanceof Failed failed) return new Live(session.withStatus(SessionStatus.ERROR, failed.reason()));
    if (event instanceof InstanceAssigned assigned) return new Live(session.withInstanceId(assigned.instanceId()));
    if (event instanceof TerminationStarted started) {
      return new Live(session.withStatus(SessionStatus.TERMINATING, started.reason()));
    }
    Terminated terminated = (Terminated) event;
    return new Live(session.withStatus(SessionStatus.TERMINATED, terminated.reason()));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          recovered = true;
          count(state);
          armDeadline(state);
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
