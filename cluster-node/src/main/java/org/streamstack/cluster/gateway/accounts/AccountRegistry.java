package org.streamstack.cluster.gateway.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * The service accounts whose tokens may call the gateway (PROTOCOL.md 2). One entity for the
 * whole cluster: accounts are few and change rarely; tokens are checked through
 * {@link TokenVerifier}, which caches what this entity answers. Only token digests are stored.
 */
public final class AccountRegistry
    extends EventSourcedBehavior<AccountRegistry.Command, AccountRegistry.Event, AccountRegistry.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "AccountRegistry");
  private static final String ENTITY_ID = "accounts";
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public sealed interface Command extends CborSerializable {}

  /** {@code tokenTtl} null means the token never expires. */
  public record CreateAccount(String name, Duration tokenTtl, ActorRef<Reply> replyTo) implements Command {}

  public record DeleteAccount(String name, ActorRef<Reply> replyTo) implements Command {}

  public record ListAccounts(ActorRef<Reply> replyTo) implements Command {}

  public record Verify(String tokenDigest, ActorRef<Verification> replyTo) implements Command {}

  public sealed interface Reply extends CborSerializable {}

  public record AccountCreated(AccountSummary account, String token) implements Reply {}

  public record AccountDeleted(String name) implements Reply {}

  public record Accounts(List<AccountSummary> accounts) implements Reply {}

  public record Refused(boolean conflict, String message) implements Reply {}

  /** {@code account} is null when the digest belongs to no live token. */
  public record Verification(String account, Instant expiresAt) implements CborSerializable {}

  public record AccountSummary(String name, Instant createdAt, Instant tokenExpiresAt) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record AccountOpened(String name, String tokenDigest, Instant createdAt, Instant expiresAt)
      implements Event {}

  public record AccountClosed(String name) implements Event {}

  public record State(HashMap<String, Account> accounts, HashMap<String, String> accountByDigest)
      implements CborSerializable {}

  public record Account(String name, String tokenDigest, Instant createdAt, Instant expiresAt)
      implements CborSerializable {}

  public static void initSharding(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(TYPE_KEY, entity -> new AccountRegistry(clock)).withRole("gateway"));
  }

  public static EntityRef<Command> ref(ActorSystem<?> system) {
    return ClusterSharding.get(system).entityRefFor(TYPE_KEY, ENTITY_ID);
  }

  private final Clock clock;

  private AccountRegistry(Clock clock) {
    super(PersistenceId.of(TYPE_KEY.name(), ENTITY_ID));
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(new HashMap<>(), new HashMap<>());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CreateAccount.class, this::onCreate)
        .onCommand(DeleteAccount.class, this::onDelete)
        .onCommand(ListAccounts.class, this::onList)
        .onCommand(Verify.class, this::onVerify)
        .build();
  }

  private Effect<Event, State> onCreate(State state, CreateAccount command) {
    if (command.name() == null || !NAME.matcher(command.name()).matches()) {
      return Effect().reply(command.replyTo(), new Refused(false,
          "account names are 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"));
    }
    if (state.accounts().containsKey(command.name())) {
      return Effect().reply(command.replyTo(), new Refused(true, "account " + command.name() + " exists already"));
    }
    String token = Credentials.newSecret();
    Instant now = clock.instant();
    Instant expiresAt = command.tokenTtl() == null ? null : now.plus(command.tokenTtl());
    return Effect()
        .persist(new AccountOpened(command.name(), Credentials.digest(token), now, expiresAt))
        .thenReply(command.replyTo(), s -> new AccountCreated(summary(s.accounts().get(command.name())), token));
  }

  private Effect<Event, State> onDelete(State state, DeleteAccount command) {
    if (!state.accounts().containsKey(command.name())) {
      return Effect().reply(command.replyTo(), new Refused(false, "no account " + command.name()));
    }
    return Effect()
        .persist(new AccountClosed(command.name()))
        .thenReply(command.replyTo(), s -> new AccountDeleted(command.name()));
  }

  private Effect<Event, State> onList(State state, ListAccounts command) {
    List<AccountSummary> summaries = new ArrayList<>();
    for (Account account : state.accounts().values()) summaries.add(summary(account));
    summaries.sort(java.util.Comparator.comparing(AccountSummary::name));
    return Effect().reply(command.replyTo(), new Accounts(summaries));
  }

  private Effect<Event, State> onVerify(State state, Verify command) {
    String name = state.accountByDigest().get(command.tokenDigest());
    Account account = name == null ? null : state.accounts().get(name);
    boolean live = account != null && (account.expiresAt() == null || clock.instant().isBefore(account.expiresAt()));
    return Effect().reply(command.replyTo(),
        live ? new Verification(account.name(), account.expiresAt()) : new Verification(null, null));
  }

  private static AccountSummary summary(Account account) {
    return new AccountSummary(account.name(), account.createdAt(), account.expiresAt());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AccountOpened.class, (state, event) -> {
          state.accounts().put(event.name(),
              new Account(event.name(), event.tokenDigest(), event.createdAt(), event.expiresAt()));
          state.accountByDigest().put(event.tokenDigest(), event.name());
          return state;
        })
        .onEvent(AccountClosed.class, (state, event) -> {
          Account removed = state.accounts().remove(event.name());
          if (removed != null) state.accountByDigest().remove(removed.tokenDigest());
          return state;
        })
        .build();
  }

}
