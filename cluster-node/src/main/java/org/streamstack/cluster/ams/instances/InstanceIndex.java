package org.streamstack.cluster.ams.instances;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * Which instances exist (and of which application), so that {@code GET /1.0/instances} can list
 * them: sharded entities can be asked but not enumerated. An instance is registered before it is
 * created and forgotten once it is deleted and stopped, so a listed id may name an instance whose
 * creation failed; listings drop ids whose instance does not answer.
 */
public final class InstanceIndex
    extends EventSourcedBehavior<InstanceIndex.Command, InstanceIndex.Event, InstanceIndex.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "InstanceIndex");
  private static final String ENTITY_ID = "instances";

  public sealed interface Command extends CborSerializable {}

  /** @param sessionId the gateway session the instance streams, or null */
  public record Register(String instanceId, String app, Instant createdAt, String sessionId, ActorRef<Done> replyTo)
      implements Command {}

  public record Forget(String instanceId) implements Command {}

  public record ListInstances(ActorRef<Entries> replyTo) implements Command {}

  /**
   * What a listing filters on without asking the instance. {@code sessionId} is null for an
   * instance without a session, and for one registered before the index kept session ids (its
   * entity must be asked).
   */
  public record Entry(String app, Instant createdAt, String sessionId) implements CborSerializable {

    /** False only when this instance surely streams another session than {@code session}. */
    public boolean mayStream(String session) {
      return sessionId == null || sessionId.equals(session);
    }
  }

  public record Entries(Map<String, Entry> instances) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  /** {@code sessionId} came last, and is null in events written before it. */
  public record Registered(String instanceId, String app, Instant createdAt, String sessionId) implements Event {}

  public record Forgotten(String instanceId) implements Event {}

  /** Mutated in place by the event handler only. */
  public record State(HashMap<String, Entry> instances) implements CborSerializable {}

  public static void initSharding(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, entity -> new InstanceIndex()).withRole("ams"));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  private InstanceIndex() {
    super(PersistenceId.of(TYPE_KEY.name(), ENTITY_ID));
  }

  @Override
  public State emptyState() {
    return new State(new HashMap<>());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Forget.class, this::onForget)
        .onCommand(ListInstances.class, this::onList)
        .build();
  }

  private Effect<Event, State> onRegister(State state, Register command) {
    if (state.instances().containsKey(command.instanceId())) return Effect().reply(command.replyTo(), Done.getInstance());
    return Effect()
        .persist(new Registered(command.instanceId(), command.app(), command.createdAt(), command.sessionId()))
        .thenReply(command.replyTo(), s -> Done.getInstance());
  }

  private Effect<Event, State> onForget(State state, Forget command) {
    if (!state.instances().containsKey(command.instanceId())) return Effect().none();
    return Effect().persist(new Forgotten(command.instanceId()));
  }

  private Effect<Event, State> onList(State state, ListInstances command) {
    return Effect().reply(command.replyTo(), new Entries(new HashMap<>(state.instances())));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, (state, event) -> {
          state.instances().put(event.instanceId(), new Entry(event.app(), event.createdAt(), event.sessionId()));
          return state;
        })
        .onEvent(Forgotten.class, (state, event) -> {
          state.instances().remove(event.instanceId());
          return state;
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Recovery reads one snapshot and at most this many events.
    return RetentionCriteria.snapshotEvery(500, 2);
  }
}
