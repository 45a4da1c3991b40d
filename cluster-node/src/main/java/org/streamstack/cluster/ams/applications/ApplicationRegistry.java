package org.streamstack.cluster.ams.applications;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Pattern;
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
 * The applications AMS can launch, with all their versions. One entity for the whole cluster:
 * applications are few and change rarely. Versions are numbered 0, 1, 2... and never change once
 * written; an update adds one.
 */
public final class ApplicationRegistry
    extends EventSourcedBehavior<ApplicationRegistry.Command, ApplicationRegistry.Event, ApplicationRegistry.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ApplicationRegistry");
  private static final String ENTITY_ID = "applications";
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public sealed interface Command extends CborSerializable {}

  public record CreateApplication(String name, ApplicationChange change, ActorRef<Reply> replyTo) implements Command {}

  public record UpdateApplication(String name, ApplicationChange change, ActorRef<Reply> replyTo) implements Command {}

  public record GetApplication(String name, ActorRef<Reply> replyTo) implements Command {}

  public record ListApplications(ActorRef<Reply> replyTo) implements Command {}

  public record DeleteApplication(String name, ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record Found(Application application) implements Reply {}

  public record Applications(List<Application> applications) implements Reply {}

  /** {@code code} is the HTTP status that names the refusal (400, 404, 409). */
  public record Refused(int code, String message) implements Reply {}

  public sealed interface Event extends CborSerializable {}

  public record ApplicationCreated(String name, ApplicationVersion version, Instant at) implements Event {}

  public record VersionAdded(String name, ApplicationVersion version) implements Event {}

  public record ApplicationDeleted(String name, Instant at) implements Event {}

  /** Mutated in place by the event handler only. */
  public record State(HashMap<String, Application> applications) implements CborSerializable {}

  public static void initSharding(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, entity -> new ApplicationRegistry(clock)).withRole("ams"));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  private final Clock clock;

  private ApplicationRegistry(Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), ENTITY_ID));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(new HashMap<>());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CreateApplication.class, this::onCreate)
        .onCommand(UpdateApplication.class, this::onUpdate)
        .onCommand(GetApplication.class, this::onGet)
        .onCommand(ListApplications.class, this::onList)
        .onCommand(DeleteApplication.class, this::onDelete)
        .build();
  }

  private Effect<Event, State> onCreate(State state, CreateApplication command) {
    if (command.name() == null || !NAME.matcher(command.name()).matches()) {
      return Effect().reply(command.replyTo(), new Refused(400, "field 'name' must be 1 to 63 characters of a-z, 0-9"
          + " and '-', starting with a letter or digit"));
    }
    if (state.applications().containsKey(command.name())) {
      return Effect().reply(command.replyTo(), new Refused(409, "application " + command.name() + " exists already"));
    }
    Instant now = clock.instant();
    return Effect()
        .persist(new ApplicationCreated(command.name(), command.change().applyTo(null, 0, now), now))
        .thenReply(command.replyTo(), s -> new Found(s.applications().get(command.name())));
  }

  private Effect<Event, State> onUpdate(State state, UpdateApplication command) {
    Application application = state.applications().get(command.name());
    if (application == null) return Effect().reply(command.replyTo(), notFound(command.name()));
    ApplicationVersion latest = application.latest();
    // An update that changes nothing makes no version: sending the same PATCH twice is harmless.
    if (command.change().changesNothing(latest)) return Effect().reply(command.replyTo(), new Found(application));
    ApplicationVersion next = command.change().applyTo(latest, latest.version() + 1, clock.instant());
    return Effect()
        .persist(new VersionAdded(command.name(), next))
        .thenReply(command.replyTo(), s -> new Found(s.applications().get(command.name())));
  }

  private Effect<Event, State> onGet(State state, GetApplication command) {
    Application application = state.applications().get(command.name());
    return Effect().reply(command.replyTo(), application == null ? notFound(command.name()) : new Found(application));
  }

  private Effect<Event, State> onList(State state, ListApplications command) {
    List<Application> all = new ArrayList<>(state.applications().values());
    all.sort(Comparator.comparing(Application::name));
    return Effect().reply(command.replyTo(), new Applications(all));
  }

  private Effect<Event, State> onDelete(State state, DeleteApplication command) {
    Application application = state.applications().get(command.name());
    if (application == null) return Effect().reply(command.replyTo(), notFound(command.name()));
    return Effect()
        .persist(new ApplicationDeleted(command.name(), clock.instant()))
        .thenReply(command.replyTo(), s -> new Found(application));
  }

  private static Refused notFound(String name) {
    return new Refused(404, "no application " + name);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(ApplicationCreated.class, (state, event) -> {
          state.applications().put(event.name(), new Application(event.name(), List.of(event.version()), event.at()));
          return state;
        })
        .onEvent(VersionAdded.class, (state, event) -> {
          Application application = state.applications().get(event.name());
          List<ApplicationVersion> versions = new ArrayList<>(application.versions());
          versions.add(event.version());
          state.applications().put(event.name(), new Application(event.name(), List.copyOf(versions), application.createdAt()));
          return state;
        })
        .onEvent(ApplicationDeleted.class, (state, event) -> {
          state.applications().remove(event.name());
          return state;
        })
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }
}
