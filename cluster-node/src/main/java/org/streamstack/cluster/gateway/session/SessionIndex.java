package org.streamstack.cluster.gateway.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * Which sessions an account owns, so that {@code GET /1.0/sessions} can list them: sharded
 * entities can be asked but not enumerated. One account's index is split into buckets by session
 * id, so that creates of one busy account are written in parallel rather than one after another.
 * A session is registered here before it is created, so a listed id may name a session whose
 * creation failed; the listing drops ids whose session does not answer.
 */
public final class SessionIndex
    extends EventSourcedBehavior<SessionIndex.Command, SessionIndex.Event, SessionIndex.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "SessionIndex");

  public sealed interface Command extends CborSerializable {}

  public record Register(String sessionId, Instant createdAt, ActorRef<Done> replyTo) implements Command {}

  public record Forget(String sessionId) implements Command {}

  public record ListSessions(ActorRef<Entries> replyTo) implements Command {}

  public record Entries(Map<String, Instant> sessions) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record Registered(String sessionId, Instant createdAt) implements Event {}

  public record Forgotten(String sessionId) implements Event {}

  /** Session id to creation time. Mutated in place by the event handler only. */
  public record State(HashMap<String, Instant> sessions) implements CborSerializable {}

  public static void initSharding(ActorSystem<?> system) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, entity -> new SessionIndex(entity.getEntityId())).withRole("gateway"));
  }

  public static String bucketId(String owner, String sessionId, int buckets) {
    return owner + "#" + Math.floorMod(sessionId.hashCode(), buckets);
  }

  public static EntityRef<Command> bucket(ActorSystem<?> system, String owner, String sessionId, int buckets) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, bucketId(owner, sessionId, buckets));
  }

  public static void forget(ActorSystem<?> system, String owner, String sessionId, int buckets) {
    bucket(system, owner, sessionId, buckets).tell(new Forget(sessionId));
  }

  /** Every session id of {@code owner} with its creation time, gathered from all buckets. */
  public static CompletionStage<Map<String, Instant>> listAll(
      ActorSystem<?> system, String owner, int buckets, java.time.Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    List<CompletionStage<Entries>> parts = new ArrayList<>(buckets);
    for (int i = 0; i < buckets; i++) {
      parts.add(sharding.entityRefFor(TYPE_KEY, owner + "#" + i).ask(ListSessions::new, timeout));
    }
    CompletionStage<Map<String, Instant>> all = java.util.concurrent.CompletableFuture.completedFuture(new HashMap<>());
    for (CompletionStage<Entries> part : parts) {
      all = all.thenCombine(part, (acc, entries) -> {
        acc.putAll(entries.sessions());
        return acc;
      });
    }
    return all;
  }

  private SessionIndex(String bucketId) {
    super(PersistenceId.of(TYPE_KEY.name(), bucketId));
  }

  @Override
  public State emptyState() {
    return new State(new HashMap<>());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Register.class, (state, command) -> state.sessions().containsKey(command.sessionId())
            ? Effect().reply(command.replyTo(), Done.getInstance())
            : Effect().persist(new Registered(command.sessionId(), command.createdAt()))
                .thenReply(command.replyTo(), s -> Done.getInstance()))
        .onCommand(Forget.class, (state, command) -> state.sessions().containsKey(command.sessionId())
            ? Effect().persist(new Forgotten(command.sessionId()))
            : Effect().none())
        .onCommand(ListSessions.class, (state, command) ->
            Effect().reply(command.replyTo(), new Entries(new HashMap<>(state.sessions()))))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, (state, event) -> {
          state.sessions().put(event.sessionId(), event.createdAt());
          return state;
        })
        .onEvent(Forgotten.class, (state, event) -> {
          state.sessions().remove(event.sessionId());
          return state;
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Recovery of a busy account's bucket reads one snapshot and at most this many events.
    return RetentionCriteria.snapshotEvery(500, 2);
  }
}
