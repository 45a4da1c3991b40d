package org.streamstack.cluster.gateway.agents;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.accounts.AccountRegistry;
import org.streamstack.cluster.gateway.http.GatewayApi;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.signaling.InstanceSocketUrls;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * What the agents tell the gateway (one member of the gateway queue group handles each message):
 * an instance failed or stopped, the client of an instance left, and, instance first, an instance
 * needs a session. Each becomes a command to the session's entity. Malformed messages are dropped,
 * counted and logged, and a request among them is answered with a 400.
 */
public final class AgentListener {

  private static final Logger log = LoggerFactory.getLogger(AgentListener.class);

  private final ActorSystem<?> system;
  private final Connection nats;
  private final GatewaySettings settings;
  private final InstanceSocketUrls instanceSockets;
  private final Clock clock;
  private final Dispatcher dispatcher;
  private final AtomicLong malformed = new AtomicLong();

  private AgentListener(ActorSystem<?> system, Connection nats, GatewaySettings settings,
      InstanceSocketUrls instanceSockets, Clock clock) {
    this.system = system;
    this.nats = nats;
    this.settings = settings;
    this.instanceSockets = instanceSockets;
    this.clock = clock;
    this.dispatcher = nats.createDispatcher();
  }

  /** Subscribes; the subscriptions live until {@link #stop} or the connection closes. */
  public static AgentListener start(ActorSystem<?> system, Connection nats, GatewaySettings settings,
      InstanceSocketUrls instanceSockets, Clock clock) {
    AgentListener listener = new AgentListener(system, nats, settings, instanceSockets, clock);
    listener.dispatcher.subscribe(Subjects.GATEWAY_INSTANCE_STATUS, Subjects.GATEWAY_QUEUE, listener::onInstanceStatus);
    listener.dispatcher.subscribe(Subjects.GATEWAY_CLIENT_LEFT, Subjects.GATEWAY_QUEUE, listener::onClientLeft);
    listener.dispatcher.subscribe(Subjects.GATEWAY_CREATE_SESSION, Subjects.GATEWAY_QUEUE, listener::onCreateSession);
    return listener;
  }

  public void stop() {
    if (nats.getStatus() != Connection.Status.CLOSED) nats.closeDispatcher(dispatcher);
  }

  /** Messages from agents dropped because they were malformed, since start. */
  public long malformed() {
    return malformed.get();
  }

  // --- instance status and client left ----------------------------------------------------------

  private void onInstanceStatus(Message message) {
    InstanceStatus status = read(message, InstanceStatus.class);
    if (status == null) return;
    if (!GatewayApi.plausibleSessionId(status.sessionId())) {
      dropped(message, "sessionId '" + status.sessionId() + "' names no session");
      return;
    }
    String detail = status.message() == null || status.message().isBlank() ? null : status.message();
    if (InstanceStatus.ERROR.equals(status.status())) {
      String reason = detail != null ? detail : "its instance " + status.instanceId() + " failed";
      tellSession(status.sessionId(), replyTo -> new SessionEntity.Fail(reason, replyTo), "error of its instance");
    } else if (InstanceStatus.STOPPED.equals(status.status())) {
      String reason = "its instance stopped" + (detail != null ? ": " + detail : "");
      tellSession(status.sessionId(), replyTo -> new SessionEntity.InstanceStopped(reason, replyTo), "instance stop");
    } else {
      log.debug("Instance {} of session {} is {}", status.instanceId(), status.sessionId(), status.status());
    }
  }

  private void onClientLeft(Message message) {
    ClientLeft left = read(message, ClientLeft.class);
    if (left == null) return;
    if (!GatewayApi.plausibleSessionId(left.sessionId())) {
      dropped(message, "sessionId '" + left.sessionId() + "' names no session");
      return;
    }
    tellSession(left.sessionId(), replyTo -> new SessionEntity.DetachClient(left.reason(), replyTo), "client left");
  }

  private void tellSession(String sessionId, Function<ActorRef<SessionEntity.Reply>, SessionEntity.Command> command,
      String what) {
    ClusterSharding.get(system).entityRefFor(SessionEntity.TYPE_KEY, sessionId)
        .ask(command, settings.sessions().askTimeout())
        .whenComplete((reply, failure) -> {
          if (failure != null) {
            log.warn("Session {} did not take the {} an agent reported: {}", sessionId, what, failure.toString());
          } else if (reply instanceof SessionEntity.Refused refused) {
            log.info("The {} an agent reported is for no live session: {}", what, refused.message());
          }
        });
  }

  // --- instance first: create a session --------------------------------------------------------

  private void onCreateSession(Message message) {
    CreateSession create = read(message, CreateSession.class);
    if (create == null) return;
    String problem = problemOf(create);
    if (problem != null) {
      dropped(message, problem);
      return;
    }
    Duration timeout = settings.sessions().askTimeout();
    String sessionId = UUID.randomUUID().toString();
    Screen screen = create.screen() == null ? settings.defaultScreen() : create.screen().orDefaults(settings.defaultScreen());
    SessionEntity.Spec spec = new SessionEntity.Spec(create.owner(), create.app(), create.appVersion(), create.region(),
        true, false, 0, screen, null, create.instanceId());
    AccountRegistry.ref(system).<AccountRegistry.Reply>ask(AccountRegistry.ListAccounts::new, timeout)
        .thenCompose(reply -> {
          boolean exists = ((AccountRegistry.Accounts) reply).accounts().stream()
              .anyMatch(account -> account.name().equals(create.owner()));
          if (!exists) throw new Refusal(400, "no account '" + create.owner() + "'");
          return SessionEntity.registerAndCreate(system, settings.sessions(), sessionId, spec, clock.instant());
        })
        .thenCompose(created -> {
          if (created instanceof SessionEntity.Refused refused) throw new Refusal(409, refused.message());
          return ClusterSharding.get(system).entityRefFor(SessionEntity.TYPE_KEY, sessionId)
              .<SessionEntity.Reply>ask(SessionEntity.IssueInstanceCredential::new, timeout);
        })
        .thenApply(issued -> {
          if (issued instanceof SessionEntity.Refused refused) throw new Refusal(409, refused.message());
          String url = instanceSockets.url(sessionId, ((SessionEntity.Accepted) issued).credential());
          log.info("Session {} created for instance {} of region {} (instance first), owned by {}",
              sessionId, create.instanceId(), create.region(), create.owner());
          return CreatedSession.created(sessionId, url);
        })
        .exceptionally(failure -> refused(create, failure))
        .thenAccept(reply -> answer(message, reply));
  }

  private static String problemOf(CreateSession create) {
    if (create.instanceId() == null || create.instanceId().isBlank()) return "instanceId is required";
    if (create.owner() == null || create.owner().isBlank()) return "owner is required";
    if (create.app() == null || create.app().isBlank()) return "app is required";
    try {
      Subjects.token(create.region());
    } catch (IllegalArgumentException e) {
      return "region: " + e.getMessage();
    }
    if (create.appVersion() != null && create.appVersion() < 0) return "appVersion must not be negative";
    return create.screen() == null ? null : create.screen().problem();
  }

  private CreatedSession refused(CreateSession create, Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof Refusal refusal) {
      log.info("No session for instance {} of region {}: {}", create.instanceId(), create.region(), refusal.getMessage());
      return CreatedSession.failed(refusal.status, refusal.getMessage());
    }
    String why = cause instanceof TimeoutException ? "the cluster did not answer in time" : cause.toString();
    log.warn("No session for instance {} of region {}: {}", create.instanceId(), create.region(), why);
    return CreatedSession.failed(503, "the gateway could not create the session: " + why);
  }

  private static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  // --- wire ------------------------------------------------------------------------------------

  /** The message as {@code type}, or null when it is not one (then dropped, counted, and answered if asked). */
  private <T> T read(Message message, Class<T> type) {
    try {
      return NatsJson.read(message.getData(), type);
    } catch (NatsJson.MalformedMessageException e) {
      dropped(message, e.getMessage());
      return null;
    }
  }

  private void dropped(Message message, String why) {
    long count = malformed.incrementAndGet();
    log.warn("Dropped a malformed message from an agent on {} ({} so far): {}", message.getSubject(), count, why);
    answer(message, CreatedSession.failed(400, why));
  }

  private void answer(Message request, Object reply) {
    if (request.getReplyTo() == null) return;
    try {
      nats.publish(request.getReplyTo(), NatsJson.write(reply));
    } catch (IllegalStateException closed) {
      log.info("Cannot answer the agent on {}: the NATS connection is closed", request.getSubject());
    }
  }
}
