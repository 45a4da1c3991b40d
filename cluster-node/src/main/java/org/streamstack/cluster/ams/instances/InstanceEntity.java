package org.streamstack.cluster.ams.instances;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.ams.AmsBus;
import org.streamstack.cluster.ams.AmsSettings;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.nodes.NodeRegistry;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.Subjects;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.StopInstanceOnNode;

/**
 * One instance: sharded, event sourced, with the state machine of ARCHITECTURE.md (created →
 * scheduled → starting → running → stopping → stopped, error from any). It drives itself through
 * creation: the session from the agent (instance first), a node from the {@link NodeRegistry}, the
 * launch request to that node; and it follows what the node reports. Each status change of an
 * instance bound to a session is published for the agent, which relays it to the gateway.
 *
 * <p>The operations of {@code /1.0/operations} are part of its persisted record. Answers from the
 * bus carry the generation (start count) they belong to, so an answer to an earlier start is
 * recognised and ignored. Remember-entities brings every live instance back after a restart; it
 * then re-sends what it was waiting for (a launch, a stop) and tells the registry its reservation,
 * which it also repeats every node timeout while it is on a node (the registry is not persisted).
 */
public final class InstanceEntity
    extends EventSourcedBehavior<InstanceEntity.Command, InstanceEntity.Event, InstanceEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Instance");

  // --- protocol -------------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /**
   * What the API asks for, checked: the application version resolved, the screen complete, the
   * session (gateway first) given or not.
   */
  public record NewInstance(String app, ApplicationVersion application, boolean streaming, String sessionId,
      String instanceSocketUrl, Screen screen) implements CborSerializable {}

  /** Answered once the instance is placed on a node, or with why it could not be. */
  public record Create(NewInstance spec, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Answered like {@link Create}, once the instance is placed again. */
  public record Start(ActorRef<Reply> replyTo) implements Command {}

  /** Stop, or with {@code delete} stop and forget; answered at once with the operation. */
  public record Stop(boolean delete, ActorRef<Reply> replyTo) implements Command {}

  public record GetOperation(int seq, ActorRef<Reply> replyTo) implements Command {}

  /** Answered when the operation ends, or not at all when {@code patience} runs out first (the asker times out). */
  public record AwaitOperation(int seq, Duration patience, ActorRef<Reply> replyTo) implements Command {}

  /** What its media node reported. */
  public record NodeEventReceived(InstanceEvent event) implements Command {}

  /** Its media node went offline. */
  public record NodeLost(String nodeId, String reason) implements Command {}

  private record SessionAnswered(int generation, CreatedSession session, String failure) implements Command {}

  private record PlacementAnswered(int generation, NodeRegistry.PlaceReply reply, String failure) implements Command {}

  private record LaunchAnswered(int generation, String nodeId, Ack ack, String failure) implements Command {}

  private record StopAnswered(int generation, String nodeId, Ack ack, String failure) implements Command {}

  private enum PassivateIfStopped implements Command { INSTANCE }

  private enum ReannounceReservation implements Command { INSTANCE }

  public sealed interface Reply extends CborSerializable {}

  /** The instance after the command, and the operation it concerns (null for a plain read). */
  public record Answer(InstanceRecord instance, Operation operation) implements Reply {}

  /** {@code code} is the HTTP status that names the refusal. */
  public record Rejected(int code, String message) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record Created(InstanceRecord instance) implements Event {}

  public record SessionBound(String sessionId, String instanceSocketUrl, Instant at) implements Event {}

  public record Scheduled(String nodeId, Instant at) implements Event {}

  public record LaunchAccepted(Instant at) implements Event {}

  public record Started(Instant at) implements Event {}

  public record StopRequested(Operation operation, boolean delete, Instant at) implements Event {}

  public record Stopped(String message, Instant at) implements Event {}

  public record Failed(String message, Instant at) implements Event {}

  public record StartRequested(Operation operation, Instant at) implements Event {}

  public sealed interface State extends CborSerializable {}

  public record NotCreated() implements State {}

  public record Live(InstanceRecord instance) implements State {}

  // --- sharding -------------------------------------------------------------------------------

  public static void initSharding(ActorSystem<?> system, AmsSettings settings, AmsBus bus,
      ActorRef<NodeRegistry.Command> nodes, Clock clock) {
    ClusterSharding.get(system).init(
        // Every log line of the entity carries its instance id (JSON logs: a field).
        Entity.of(TYPE_KEY, entity -> Behaviors.withMdc(Command.class, java.util.Map.of("instanceId", entity.getEntityId()),
            Behaviors.<Command>setup(context -> Behaviors.withTimers(timers ->
                new InstanceEntity(entity.getEntityId(), entity.getShard(), context, timers, settings, bus, nodes,
                    clock)))))
            .withRole("ams")
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  private static final String PASSIVATION_TIMER = "passivation";
  private static final String RESERVATION_TIMER = "reservation";

  private record Waiter(int seq, Instant deadline, ActorRef<Reply> replyTo) {}

  private final String instanceId;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final AmsSettings settings;
  private final AmsBus bus;
  private final ActorRef<NodeRegistry.Command> nodes;
  private final Clock clock;

  /** Who waits for a create or start to be placed (not persisted: lost if the entity restarts). */
  private ActorRef<Reply> pendingReply;
  private int pendingSeq;
  /** The HTTP status a pending create or start is refused with when the instance fails now. */
  private int failureCode = 500;
  private final List<Waiter> waiters = new ArrayList<>();

  private InstanceEntity(String instanceId, ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> context,
      TimerScheduler<Command> timers, AmsSettings settings, AmsBus bus, ActorRef<NodeRegistry.Command> nodes,
      Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), instanceId));
    // Logged under this class, not under the persistence plugin's internal one.
    context.setLoggerName(InstanceEntity.class);
    this.instanceId = instanceId;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.bus = bus;
    this.nodes = nodes;
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new NotCreated();
  }

  /** Instances take no snapshots: a handful of events each. */
  @Override
  public Recovery recovery() {
    return Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
  }

  // --- commands -------------------------------------------------------------------------------

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return this::onCommand;
  }

  private Effect<Event, State> onCommand(State state, Command command) {
    if (state instanceof NotCreated) {
      if (command instanceof Create create) return onCreate(create);
      return onUnknownInstance(command);
    }
    InstanceRecord instance = ((Live) state).instance();
    if (command instanceof Get get) {
      return Effect().reply(get.replyTo(), instance.gone() ? notFound() : new Answer(instance, null));
    }
    if (command instanceof Start start) return onStart(instance, start);
    if (command instanceof Stop stop) return onStop(instance, stop);
    if (command instanceof GetOperation get) return onGetOperation(instance, get);
    if (command instanceof AwaitOperation await) return onAwaitOperation(instance, await);
    if (command instanceof NodeEventReceived received) return onNodeEvent(instance, received.event());
    if (command instanceof NodeLost lost) return onNodeLost(instance, lost);
    if (command instanceof SessionAnswered answered) return onSessionAnswered(instance, answered);
    if (command instanceof PlacementAnswered answered) return onPlacementAnswered(instance, answered);
    if (command instanceof LaunchAnswered answered) return onLaunchAnswered(instance, answered);
    if (command instanceof StopAnswered answered) return onStopAnswered(instance, answered);
    if (command instanceof PassivateIfStopped) return onPassivateIfStopped(instance);
    if (command instanceof ReannounceReservation) return onReannounceReservation(instance);
    Create create = (Create) command;
    return Effect().reply(create.replyTo(), new Rejected(409, "instance " + instanceId + " exists already"));
  }

  private Effect<Event, State> onCreate(Create create) {
    NewInstance spec = create.spec();
    InstanceRecord instance = InstanceRecord.created(instanceId, spec.app(), spec.application(), spec.streaming(),
        spec.sessionId(), spec.instanceSocketUrl(), spec.screen(), settings.region(), clock.instant());
    pendingReply = create.replyTo();
    pendingSeq = instance.lastOperation().seq();
    return persist(null, new Created(instance)).thenRun(created -> advance(live(created)));
  }

  private Effect<Event, State> onUnknownInstance(Command command) {
    ActorRef<Reply> replyTo = replyToOf(command);
    // An entity started only to be asked about an instance that does not exist leaves at once, so
    // that remember-entities does not bring it back.
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    if (command instanceof NodeEventReceived received) {
      InstanceEvent event = received.event();
      context.getLog().warn("Dropped {} from media node {} about instance {}, which does not exist",
          event.kind(), event.nodeId(), instanceId);
      if (event.kind() == InstanceEvent.Kind.RUNNING && Subjects.isToken(event.nodeId())) {
        bus.stop(event.nodeId(), new StopInstanceOnNode(instanceId, "AMS knows no instance " + instanceId));
      }
    }
    return replyTo == null ? Effect().none() : Effect().reply(replyTo, notFound());
  }

  private Effect<Event, State> onStart(InstanceRecord instance, Start start) {
    if (instance.deleted()) {
      return Effect().reply(start.replyTo(), instance.gone() ? notFound()
          : new Rejected(409, "instance " + instanceId + " is being deleted"));
    }
    InstanceState status = instance.status();
    if (status != InstanceState.STOPPED && status != InstanceState.ERROR) {
      return Effect().reply(start.replyTo(), new Rejected(409, "instance " + instanceId + " is " + status.wireName()
          + (status == InstanceState.STOPPING ? "; start it once it has stopped" : "; only a stopped instance can start")));
    }
    if (instance.streaming()) {
      return Effect().reply(start.replyTo(), new Rejected(409, "a streaming instance cannot start again: it served"
          + " session " + instance.sessionId() + ", which ended with it; launch a new instance"));
    }
    if (status == InstanceState.ERROR) stopOnNodeRegardless(instance, "the instance is started again after an error");
    Operation operation = instance.newOperation(Operation.Kind.START, clock.instant());
    pendingReply = start.replyTo();
    pendingSeq = operation.seq();
    return persist(instance, new StartRequested(operation, clock.instant())).thenRun(restarted -> advance(live(restarted)));
  }

  private Effect<Event, State> onStop(InstanceRecord instance, Stop stop) {
    Instant now = clock.instant();
    Operation.Kind kind = stop.delete() ? Operation.Kind.DELETE : Operation.Kind.STOP;
    if (instance.gone()) {
      // Deleting again answers the deletion that happened; anything else finds nothing.
      Operation deletion = lastOperationOf(instance, Operation.Kind.DELETE);
      return Effect().reply(stop.replyTo(), stop.delete() && deletion != null ? new Answer(instance, deletion) : notFound());
    }
    if (instance.status() == InstanceState.STOPPING && (instance.deleted() || !stop.delete())) {
      Operation running = instance.runningOperation();
      return Effect().reply(stop.replyTo(), new Answer(instance, running != null ? running : instance.lastOperation()));
    }
    Operation operation = instance.newOperation(kind, now);
    StopRequested requested = new StopRequested(operation, stop.delete(), now);
    EffectBuilder<Event, State> effect = switch (instance.status()) {
      case CREATED -> persist(instance, requested, new Stopped("stopped before it was placed on a node", now));
      case ERROR -> {
        stopOnNodeRegardless(instance, reasonOf(stop));
        yield persist(instance, requested, new Stopped("stopped after an error: " + instance.statusMessage(), now));
      }
      case SCHEDULED, STARTING, RUNNING -> persist(instance, requested).thenRun(stopping -> advance(live(stopping)));
      default -> persist(instance, requested);
    };
    return effect.thenReply(stop.replyTo(), after -> new Answer(live(after), live(after).operation(operation.seq())));
  }

  private Effect<Event, State> onGetOperation(InstanceRecord instance, GetOperation get) {
    Operation operation = instance.operation(get.seq());
    return Effect().reply(get.replyTo(), operation == null ? noOperation(get.seq()) : new Answer(instance, operation));
  }

  private Effect<Event, State> onAwaitOperation(InstanceRecord instance, AwaitOperation await) {
    Operation operation = instance.operation(await.seq());
    if (operation == null) return Effect().reply(await.replyTo(), noOperation(await.seq()));
    if (!operation.running()) return Effect().reply(await.replyTo(), new Answer(instance, operation));
    Instant now = clock.instant();
    waiters.removeIf(waiter -> waiter.deadline().isBefore(now));
    waiters.add(new Waiter(await.seq(), now.plus(await.patience()), await.replyTo()));
    return Effect().none();
  }

  // --- what the node reports ------------------------------------------------------------------

  private Effect<Event, State> onNodeEvent(InstanceRecord instance, InstanceEvent event) {
    if (event.nodeId() != null && !event.nodeId().equals(instance.node())) {
      context.getLog().warn("Dropped {} about instance {} from media node {}: the instance is on {}",
          event.kind(), instanceId, event.nodeId(), instance.node());
      return Effect().none();
    }
    InstanceState status = instance.status();
    Instant now = clock.instant();
    String message = event.message() == null || event.message().isBlank() ? null : event.message();
    switch (event.kind()) {
      case RUNNING:
        if (status == InstanceState.SCHEDULED || status == InstanceState.STARTING) {
          return persist(instance, new Started(now));
        }
        if (status == InstanceState.STOPPED || status == InstanceState.ERROR) {
          // A launch that crossed a stop, or one given up on: the node must not keep it running.
          context.getLog().info("Media node {} runs instance {}, which is {}: asking it to stop", instance.node(),
              instanceId, status.wireName());
          stopOnNodeRegardless(instance, "the instance is " + status.wireName());
          return Effect().none();
        }
        break;
      case ENDED:
        if (status == InstanceState.STOPPING) return persist(instance, new Stopped(null, now));
        if (status == InstanceState.SCHEDULED || status == InstanceState.STARTING) {
          return persist(instance, new Stopped("the instance ended before it ran" + (message == null ? "" : ": " + message), now));
        }
        if (status == InstanceState.RUNNING) {
          return persist(instance, new Stopped(message == null ? "the application exited" : message, now));
        }
        break;
      case FAILED:
        if (status.onNode()) {
          return fail(instance, 500, message == null ? "media node " + instance.node() + " reported a failure" : message);
        }
        break;
      case CLIENT_LEFT:
        if (instance.sessionId() != null) {
          context.getLog().info("The client of instance {} (session {}) left: {}", instanceId, instance.sessionId(), message);
          bus.publishClientLeft(new ClientLeft(instance.region(), instanceId, instance.sessionId(), message, now.toEpochMilli()));
        }
        return Effect().none();
      default:
        break;
    }
    context.getLog().debug("Instance {} is {}; ignored {} from its node", instanceId, status.wireName(), event.kind());
    return Effect().none();
  }

  private Effect<Event, State> onNodeLost(InstanceRecord instance, NodeLost lost) {
    if (!instance.status().onNode() || !lost.nodeId().equals(instance.node())) return Effect().none();
    return fail(instance, 503, lost.reason());
  }

  // --- the steps of a start -------------------------------------------------------------------

  /** Takes the next step the instance waits for in its state (also after a restart). */
  private void advance(InstanceRecord instance) {
    switch (instance.status()) {
      case CREATED -> {
        if (instance.awaitsSession()) requestSession(instance);
        else requestPlacement(instance);
      }
      case SCHEDULED -> requestLaunch(instance);
      case STOPPING -> requestStop(instance);
      default -> { }
    }
  }

  private void requestSession(InstanceRecord instance) {
    int generation = instance.generation();
    CreateSession request = new CreateSession(instance.region(), instanceId, instance.app(),
        instance.application().version(), instance.screen(), null);
    context.pipeToSelf(bus.createSession(request), (session, failure) -> failure == null
        ? new SessionAnswered(generation, session, null)
        : new SessionAnswered(generation, null, agentFailure(failure)));
  }

  private String agentFailure(Throwable failure) {
    Throwable cause = causeOf(failure);
    if (cause instanceof AmsBus.Unanswered unanswered && unanswered.nobodyListens) {
      return "no agent of region " + settings.region() + " answers, so no session can be made for the instance";
    }
    return "the agent of region " + settings.region() + " did not answer the session request: " + cause.getMessage();
  }

  private Effect<Event, State> onSessionAnswered(InstanceRecord instance, SessionAnswered answered) {
    if (answered.generation() != instance.generation() || instance.status() != InstanceState.CREATED
        || !instance.awaitsSession()) {
      return Effect().none();
    }
    if (answered.failure() != null) return fail(instance, 503, answered.failure());
    CreatedSession session = answered.session();
    if (!session.ok()) {
      return fail(instance, session.code() == null ? 502 : session.code(),
          "the gateway made no session for the instance: " + session.error());
    }
    if (session.sessionId() == null || session.sessionId().isBlank() || session.instanceSocketUrl() == null
        || session.instanceSocketUrl().isBlank()) {
      return fail(instance, 502, "the agent's answer names no session or no instance socket");
    }
    return persist(instance, new SessionBound(session.sessionId(), session.instanceSocketUrl(), clock.instant()))
        .thenRun(bound -> advance(live(bound)));
  }

  private void requestPlacement(InstanceRecord instance) {
    int generation = instance.generation();
    int slots = instance.application().resources().encoderSlots();
    context.ask(NodeRegistry.PlaceReply.class, nodes, settings.askTimeout(),
        replyTo -> new NodeRegistry.Place(instanceId, slots, replyTo),
        (reply, failure) -> new PlacementAnswered(generation, reply, failure == null ? null
            : "the node registry did not answer within " + AmsSettings.seconds(settings.askTimeout())));
  }

  private Effect<Event, State> onPlacementAnswered(InstanceRecord instance, PlacementAnswered answered) {
    if (answered.generation() != instance.generation() || instance.status() != InstanceState.CREATED) {
      // A placement nobody waits for any more must not keep its slots.
      if (answered.reply() instanceof NodeRegistry.Placed && !instance.status().onNode()) {
        nodes.tell(new NodeRegistry.Release(instanceId));
      }
      return Effect().none();
    }
    if (answered.failure() != null) return fail(instance, 503, answered.failure());
    if (answered.reply() instanceof NodeRegistry.NoCapacity none) return fail(instance, 503, none.message());
    String nodeId = ((NodeRegistry.Placed) answered.reply()).nodeId();
    return persist(instance, new Scheduled(nodeId, clock.instant())).thenRun(scheduled -> advance(live(scheduled)));
  }

  private void requestLaunch(InstanceRecord instance) {
    int generation = instance.generation();
    String nodeId = instance.node();
    ApplicationVersion version = instance.application();
    ApplicationVersion.Source source = version.source();
    LaunchInstance launch = new LaunchInstance(instanceId, instance.sessionId(), instance.region(),
        new LaunchInstance.Application(instance.app(), version.version(), source.type(), source.command(),
            source.workingDirectory(), source.environment(), version.videoCodecs(), version.videoEncoder()),
        instance.screen(), instance.instanceSocketUrl());
    context.pipeToSelf(bus.launch(nodeId, launch), (ack, failure) -> new LaunchAnswered(generation, nodeId, ack,
        failure == null ? null : "media node " + nodeId + " did not answer the launch request: " + causeOf(failure).getMessage()));
  }

  private Effect<Event, State> onLaunchAnswered(InstanceRecord instance, LaunchAnswered answered) {
    if (answered.generation() != instance.generation() || instance.status() != InstanceState.SCHEDULED
        || !answered.nodeId().equals(instance.node())) {
      return Effect().none();
    }
    if (answered.failure() != null) {
      // It may have got the request and be starting the instance: it must not run unaccounted for.
      stopOnNodeRegardless(instance, "the launch request was not answered in time");
      return fail(instance, 503, answered.failure());
    }
    Ack ack = answered.ack();
    // 409: the node has the instance already (the launch was sent again after a restart).
    if (!ack.ok() && (ack.code() == null || ack.code() != 409)) {
      return fail(instance, ack.code() == null ? 500 : ack.code(),
          "media node " + answered.nodeId() + " refused to launch the instance: " + ack.error());
    }
    return persist(instance, new LaunchAccepted(clock.instant()));
  }

  private void requestStop(InstanceRecord instance) {
    int generation = instance.generation();
    String nodeId = instance.node();
    String reason = instance.deleted() ? "the instance was deleted" : "the instance was stopped";
    context.pipeToSelf(bus.stop(nodeId, new StopInstanceOnNode(instanceId, reason)), (ack, failure) -> new StopAnswered(
        generation, nodeId, ack,
        failure == null ? null : "media node " + nodeId + " did not answer the stop request: " + causeOf(failure).getMessage()));
  }

  private Effect<Event, State> onStopAnswered(InstanceRecord instance, StopAnswered answered) {
    if (answered.generation() != instance.generation() || instance.status() != InstanceState.STOPPING
        || !answered.nodeId().equals(instance.node())) {
      return Effect().none();
    }
    if (answered.failure() != null) return fail(instance, 503, answered.failure());
    Ack ack = answered.ack();
    if (ack.ok()) return Effect().none(); // stopped once the node reports it ended
    if (ack.code() != null && ack.code() == 404) {
      return persist(instance, new Stopped("media node " + answered.nodeId() + " no longer had the instance", clock.instant()));
    }
    return fail(instance, ack.code() == null ? 500 : ack.code(),
        "media node " + answered.nodeId() + " refused to stop the instance: " + ack.error());
  }

  /** Tells the node to stop the instance and does not wait: cleanup where the outcome changes nothing. */
  private void stopOnNodeRegardless(InstanceRecord instance, String reason) {
    if (instance.node() == null) return;
    bus.stop(instance.node(), new StopInstanceOnNode(instanceId, reason)).whenComplete((ack, failure) -> {
      if (failure != null) {
        context.getSystem().log().debug("Stop of instance {} on media node {} not answered: {}", instanceId,
            instance.node(), causeOf(failure).getMessage());
      }
    });
  }

  // --- persisting and what follows ------------------------------------------------------------

  private EffectBuilder<Event, State> fail(InstanceRecord instance, int code, String message) {
    failureCode = code;
    return persist(instance, new Failed(message, clock.instant()));
  }

  /**
   * Persists and then does what every change requires: the status published (bound to a session),
   * the slots released (stopped, error), the index told (deleted), waiting requests answered.
   */
  private EffectBuilder<Event, State> persist(InstanceRecord before, Event... events) {
    return Effect().persist(List.of(events)).thenRun(after -> settle(before, live(after)));
  }

  private void settle(InstanceRecord before, InstanceRecord after) {
    if (before == null || before.status() != after.status()) {
      InstanceState status = after.status();
      String node = status.onNode() ? " on media node " + after.node() : "";
      String why = after.statusMessage() == null ? "" : ": " + after.statusMessage();
      if (status == InstanceState.ERROR) {
        context.getLog().warn("Instance {} of {} is in error{}{}", instanceId, after.app(), node, why);
      } else {
        context.getLog().info("Instance {} of {} is {}{}{}", instanceId, after.app(), status.wireName(), node, why);
      }
      if (after.sessionId() != null) {
        bus.publishStatus(new InstanceStatus(after.region(), instanceId, after.sessionId(), status.wireName(),
            after.statusMessage(), clock.millis()));
      }
      if (status == InstanceState.STOPPED || status == InstanceState.ERROR) {
        timers.cancel(RESERVATION_TIMER);
        nodes.tell(new NodeRegistry.Release(instanceId));
      } else if (status.onNode() && !timers.isTimerActive(RESERVATION_TIMER)) {
        timers.startTimerWithFixedDelay(RESERVATION_TIMER, ReannounceReservation.INSTANCE, settings.nodeTimeout());
      }
      if (status == InstanceState.STOPPED) {
        timers.startSingleTimer(PASSIVATION_TIMER, PassivateIfStopped.INSTANCE, settings.stoppedPassivation());
      }
    }
    if (after.gone() && (before == null || !before.gone())) {
      InstanceIndex.ref(context.getSystem()).tell(new InstanceIndex.Forget(instanceId));
    }
    answerPending(after);
    answerWaiters(after);
  }

  /** A create or start is answered once the instance is placed, or when it fails or stops before. */
  private void answerPending(InstanceRecord instance) {
    if (pendingReply == null || instance.status() == InstanceState.CREATED) return;
    if (instance.status() == InstanceState.ERROR) {
      pendingReply.tell(new Rejected(failureCode, instance.statusMessage()));
    } else {
      pendingReply.tell(new Answer(instance, instance.operation(pendingSeq)));
    }
    pendingReply = null;
  }

  private void answerWaiters(InstanceRecord instance) {
    Instant now = clock.instant();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      Operation operation = instance.operation(waiter.seq());
      if (operation == null || !operation.running()) {
        waiter.replyTo().tell(operation == null ? noOperation(waiter.seq()) : new Answer(instance, operation));
        it.remove();
      } else if (waiter.deadline().isBefore(now)) {
        it.remove();
      }
    }
  }

  /** Keeps the registry's reservation, in case the registry is new (it moved to another member). */
  private Effect<Event, State> onReannounceReservation(InstanceRecord instance) {
    if (instance.status().onNode() && instance.node() != null) {
      nodes.tell(new NodeRegistry.Reserve(instanceId, instance.node(), instance.application().resources().encoderSlots()));
    } else {
      timers.cancel(RESERVATION_TIMER);
    }
    return Effect().none();
  }

  private Effect<Event, State> onPassivateIfStopped(InstanceRecord instance) {
    if (instance.status() == InstanceState.STOPPED && waiters.isEmpty() && pendingReply == null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().none();
  }

  // --- events ---------------------------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return this::apply;
  }

  private State apply(State state, Event event) {
    if (event instanceof Created created) return new Live(created.instance());
    InstanceRecord instance = live(state);
    int kept = settings.operationsKept();
    if (event instanceof SessionBound bound) {
      return new Live(instance.withSession(bound.sessionId(), bound.instanceSocketUrl(), bound.at()));
    }
    if (event instanceof Scheduled scheduled) return new Live(instance.scheduledOn(scheduled.nodeId(), scheduled.at()));
    if (event instanceof LaunchAccepted accepted) {
      return new Live(instance.withStatus(InstanceState.STARTING, null, accepted.at()));
    }
    if (event instanceof Started started) return new Live(instance.withStatus(InstanceState.RUNNING, null, started.at()));
    if (event instanceof StopRequested requested) {
      return new Live(instance.stopRequested(requested.operation(), requested.delete(), kept, requested.at()));
    }
    if (event instanceof Stopped stopped) {
      return new Live(instance.withStatus(InstanceState.STOPPED, stopped.message(), stopped.at()));
    }
    if (event instanceof Failed failed) return new Live(instance.withStatus(InstanceState.ERROR, failed.message(), failed.at()));
    StartRequested requested = (StartRequested) event;
    return new Live(instance.restarted(requested.operation(), kept, requested.at()));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  /**
   * After a restart (remember-entities, a rebalance, a passivated instance asked again): the
   * registry learns the reservation, and what was waited for is asked for again; a node that got
   * a launch twice answers 409, one asked to stop what it no longer has answers 404.
   */
  private void onRecovered(State state) {
    if (!(state instanceof Live live)) return;
    InstanceRecord instance = live.instance();
    if (instance.status().onNode() && instance.node() != null) {
      nodes.tell(new NodeRegistry.Reserve(instanceId, instance.node(), instance.application().resources().encoderSlots()));
      timers.startTimerWithFixedDelay(RESERVATION_TIMER, ReannounceReservation.INSTANCE, settings.nodeTimeout());
    }
    if (instance.status() == InstanceState.STOPPED) {
      timers.startSingleTimer(PASSIVATION_TIMER, PassivateIfStopped.INSTANCE, settings.stoppedPassivation());
    }
    advance(instance);
  }

  // --- helpers --------------------------------------------------------------------------------

  private Rejected notFound() {
    return new Rejected(404, "no instance " + instanceId);
  }

  private Rejected noOperation(int seq) {
    return new Rejected(404, "no operation " + instanceId + "-" + seq);
  }

  private static String reasonOf(Stop stop) {
    return stop.delete() ? "the instance was deleted" : "the instance was stopped";
  }

  private static Operation lastOperationOf(InstanceRecord instance, Operation.Kind kind) {
    for (int i = instance.operations().size() - 1; i >= 0; i--) {
      if (instance.operations().get(i).kind() == kind) return instance.operations().get(i);
    }
    return null;
  }

  private static InstanceRecord live(State state) {
    return ((Live) state).instance();
  }

  private static Throwable causeOf(Throwable failure) {
    return Failures.cause(failure);
  }

  private static ActorRef<Reply> replyToOf(Command command) {
    if (command instanceof Get get) return get.replyTo();
    if (command instanceof Start start) return start.replyTo();
    if (command instanceof Stop stop) return stop.replyTo();
    if (command instanceof GetOperation get) return get.replyTo();
    if (command instanceof AwaitOperation await) return await.replyTo();
    return null;
  }
}
