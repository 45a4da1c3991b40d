package org.streamstack.cluster.agent;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.ClientLeft;
import org.streamstack.protocol.nats.CreateSession;
import org.streamstack.protocol.nats.CreatedSession;
import org.streamstack.protocol.nats.InstanceStatus;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.StartInstance;
import org.streamstack.protocol.nats.StartedInstance;
import org.streamstack.protocol.nats.StopInstance;
import org.streamstack.protocol.nats.Subjects;

/**
 * The stream agent of one region (ARCHITECTURE.md: the gateway's only way into a region). It holds
 * the region's AMS credential, reports the region to every gateway in a heartbeat (whether AMS
 * answers and has a media node online, the free slots, the applications), turns the gateway's
 * start and stop requests into AMS REST calls, and relays what AMS reports of instances bound to
 * sessions back to the gateway. The agents of one region share a queue group: one handles each message.
 */
public final class StreamAgent extends AbstractBehavior<StreamAgent.Command> {

  /** A plain logger: the AMS calls' callbacks log from outside the actor. */
  private static final Logger log = LoggerFactory.getLogger(StreamAgent.class);

  public sealed interface Command {}

  private record Beat() implements Command {}

  /** AMS's answer to a beat's questions, asked once {@code startsAnswered} instances had been started. */
  private record AmsReported(List<String> applications, List<AmsClient.Node> nodes, long startsAnswered)
      implements Command {}

  private record AmsSilent(String reason) implements Command {}

  /** AMS answered the create of a start: {@code instanceId}, or {@code failure}. */
  private record StartAnswered(Message request, StartInstance start, String instanceId, Throwable failure)
      implements Command {}

  /**
   * What the last heartbeat said, with the instances AMS listed on its nodes for it; null while
   * AMS is silent.
   */
  private record Report(boolean available, int freeSlots, Set<String> listed, long startsReflected) {}

  /** A message of the bus, handed over from the NATS dispatcher thread. */
  private record Received(Kind kind, Message message) implements Command {}

  private enum Kind { START_INSTANCE, STOP_INSTANCE, CREATE_SESSION, INSTANCE_STATUS, CLIENT_LEFT }

  /** Starts the agent of {@code settings.region()} on this member. */
  public static ActorRef<Command> start(ActorSystem<?> system, Connection nats, AgentSettings settings) {
    AmsClient ams = new AmsClient(settings.amsUrl(), settings.amsToken(), settings.requestTimeout());
    return system.systemActorOf(create(nats, settings, ams, system.address().toString()),
        "stream-agent-" + settings.region(), Props.empty());
  }

  static Behavior<Command> create(Connection nats, AgentSettings settings, AmsClient ams, String agentId) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Beat(), settings.heartbeatInterval());
      context.getSelf().tell(new Beat());
      return new StreamAgent(context, nats, settings, ams, agentId);
    }));
  }

  private final Connection nats;
  private final AgentSettings settings;
  private final AmsClient ams;
  private final String agentId;
  private final Dispatcher dispatcher;

  private boolean beatInFlight;
  /** Instances started so far (answered to a gateway). */
  private long starts;
  /** Start number → instance, for starts no heartbeat has yet said AMS counts. */
  private final TreeMap<Long, String> unreflected = new TreeMap<>();
  private Report lastReport;
  private List<String> applications = List.of();
  /** The condition of the region last logged, so that a change is logged once, not every beat. */
  private String lastCondition;
  private long malformed;

  private StreamAgent(ActorContext<Command> context, Connection nats, AgentSettings settings, AmsClient ams,
      String agentId) {
    super(context);
    this.nats = nats;
    this.settings = settings;
    this.ams = ams;
    this.agentId = agentId;
    ActorRef<Command> self = context.getSelf();
    String region = settings.region();
    String queue = Subjects.agentQueue(region);
    this.dispatcher = nats.createDispatcher();
    subscribe(self, Subjects.agentStartInstance(region), queue, Kind.START_INSTANCE);
    subscribe(self, Subjects.agentStopInstance(region), queue, Kind.STOP_INSTANCE);
    subscribe(self, Subjects.agentCreateSession(region), queue, Kind.CREATE_SESSION);
    subscribe(self, Subjects.amsInstanceStatus(region), queue, Kind.INSTANCE_STATUS);
    subscribe(self, Subjects.amsClientLeft(region), queue, Kind.CLIENT_LEFT);
    log.info("Stream agent of region {} started: AMS at {}, heartbeat every {} ms", region,
        settings.amsUrl(), settings.heartbeatInterval().toMillis());
  }

  private void subscribe(ActorRef<Command> self, String subject, String queue, Kind kind) {
    dispatcher.subscribe(subject, queue, message -> self.tell(new Received(kind, message)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Beat.class, this::onBeat)
        .onMessage(AmsReported.class, this::onAmsReported)
        .onMessage(AmsSilent.class, this::onAmsSilent)
        .onMessage(StartAnswered.class, this::onStartAnswered)
        .onMessage(Received.class, this::onReceived)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  // --- heartbeat -------------------------------------------------------------------------------

  private Behavior<Command> onBeat(Beat beat) {
    // AMS may take up to the request timeout, longer than a beat: one question at a time.
    if (beatInFlight) return this;
    beatInFlight = true;
    // Read before asking: every start counted here was placed by AMS before this question.
    long startsAnswered = starts;
    CompletableFuture<AmsReported> report = ams.applications().thenCombine(ams.nodes(),
        (applications, nodes) -> new AmsReported(applications, nodes, startsAnswered));
    getContext().pipeToSelf(report, (reported, failure) ->
        failure == null ? reported : new AmsSilent(AmsClient.unwrap(failure).getMessage()));
    return this;
  }

  private Behavior<Command> onAmsReported(AmsReported reported) {
    beatInFlight = false;
    applications = reported.applications();
    List<AmsClient.Node> online = reported.nodes().stream().filter(AmsClient.Node::online).toList();
    int freeSlots = online.stream().mapToInt(AmsClient.Node::freeSlots).sum();
    if (online.isEmpty()) {
      logCondition("no-node", "Region {} takes no instances: AMS has no media node online ({} known)",
          settings.region(), reported.nodes().size());
    } else {
      logCondition("available", "Region {} takes instances: {} of {} media nodes online; applications {}",
          settings.region(), online.size(), reported.nodes().size(), applications);
    }
    Set<String> listed = new HashSet<>();
    for (AmsClient.Node node : reported.nodes()) listed.addAll(node.instances());
    unreflected.headMap(reported.startsAnswered(), true).clear();
    lastReport = new Report(!online.isEmpty(), freeSlots, listed, reflectedBy(reported.startsAnswered(), listed));
    publishHeartbeat(lastReport.available(), freeSlots, lastReport.startsReflected());
    return this;
  }

  /**
   * The highest start number up to which AMS's answer counts every start of this agent (so the
   * gateways stop counting those themselves, AgentHeartbeat): those answered before the question
   * ({@code answered}), since AMS answers a create once it has placed the instance, and after them
   * those whose instance AMS {@code listed} on a node. A start placed while AMS answered the
   * question may be in its free slots or not: unless listed it is not reflected yet.
   */
  private long reflectedBy(long answered, Set<String> listed) {
    long reflected = answered;
    for (Map.Entry<Long, String> start : unreflected.tailMap(answered, false).entrySet()) {
      if (!listed.contains(start.getValue())) break;
      reflected = start.getKey();
    }
    return reflected;
  }

  private Behavior<Command> onAmsSilent(AmsSilent silent) {
    beatInFlight = false;
    lastReport = null;
    logCondition("ams-silent", "Region {} takes no instances: {}", settings.region(), silent.reason());
    publishHeartbeat(false, 0, null);
    return this;
  }

  private void logCondition(String condition, String format, Object... arguments) {
    if (condition.equals(lastCondition)) return;
    lastCondition = condition;
    if (condition.equals("available")) {
      log.info(format, arguments);
    } else {
      log.warn(format, arguments);
    }
  }

  private void publishHeartbeat(boolean available, int freeSlots, Long startsReflected) {
    // Beats written while NATS reconnects would all arrive at once, stale; the next one will do.
    if (nats.getStatus() != Connection.Status.CONNECTED) return;
    AgentHeartbeat heartbeat = new AgentHeartbeat(settings.region(), agentId, available, freeSlots, applications,
        System.currentTimeMillis(), startsReflected);
    try {
      nats.publish(Subjects.agentHeartbeat(settings.region()), NatsJson.write(heartbeat));
    } catch (IllegalStateException closedMeanwhile) {
      log.debug("Heartbeat not sent: {}", closedMeanwhile.getMessage());
    }
  }

  // --- requests and reports from the bus -------------------------------------------------------

  private Behavior<Command> onReceived(Received received) {
    Message message = received.message();
    switch (received.kind()) {
      case START_INSTANCE -> {
        StartInstance start = read(message, StartInstance.class);
        if (start != null) startInstance(message, start);
      }
      case STOP_INSTANCE -> {
        StopInstance stop = read(message, StopInstance.class);
        if (stop != null) stopInstance(message, stop);
      }
      case CREATE_SESSION -> {
        CreateSession create = read(message, CreateSession.class);
        if (create != null) createSession(message, create);
      }
      case INSTANCE_STATUS -> {
        InstanceStatus status = read(message, InstanceStatus.class);
        if (status != null) relay(Subjects.GATEWAY_INSTANCE_STATUS, status.region() != null ? status
            : new InstanceStatus(settings.region(), status.instanceId(), status.sessionId(), status.status(),
                status.message(), status.atMillis()));
      }
      case CLIENT_LEFT -> {
        ClientLeft left = read(message, ClientLeft.class);
        if (left != null) relay(Subjects.GATEWAY_CLIENT_LEFT, left.region() != null ? left
            : new ClientLeft(settings.region(), left.instanceId(), left.sessionId(), left.reason(), left.atMillis()));
      }
    }
    return this;
  }

  private void startInstance(Message request, StartInstance start) {
    if (blank(start.sessionId()) || blank(start.app()) || blank(start.instanceSocketUrl())) {
      dropped(request, "sessionId, app and instanceSocketUrl are required");
      return;
    }
    getContext().pipeToSelf(ams.createInstance(start),
        (instanceId, failure) -> new StartAnswered(request, start, instanceId, failure));
  }

  private Behavior<Command> onStartAnswered(StartAnswered answered) {
    StartInstance start = answered.start();
    if (answered.failure() != null) {
      AmsClient.AmsException refused = amsFailure(answered.failure());
      log.info("No instance of '{}' for session {}: {} ({})", start.app(), start.sessionId(),
          refused.getMessage(), refused.code);
      reply(answered.request(), StartedInstance.failed(refused.code, refused.getMessage()));
      return this;
    }
    String instanceId = answered.instanceId();
    log.info("Instance {} started in region {} for session {} ({})", instanceId, settings.region(),
        start.sessionId(), start.app());
    // Counted once AMS has placed it (its create answers then), before the gateway hears of it.
    long number = ++starts;
    unreflected.put(number, instanceId);
    if (lastReport != null && lastReport.listed().contains(instanceId)) {
      // The last heartbeat's free slots already count this instance, placed while AMS answered
      // it: say so now, or the gateways would count its slot twice until the next beat.
      long reflected = reflectedBy(lastReport.startsReflected(), lastReport.listed());
      if (reflected > lastReport.startsReflected()) {
        lastReport = new Report(lastReport.available(), lastReport.freeSlots(), lastReport.listed(), reflected);
        publishHeartbeat(lastReport.available(), lastReport.freeSlots(), reflected);
      }
    }
    reply(answered.request(), StartedInstance.started(instanceId, agentId, number));
    return this;
  }

  private void stopInstance(Message request, StopInstance stop) {
    if (blank(stop.sessionId())) {
      dropped(request, "sessionId is required");
      return;
    }
    CompletableFuture<List<String>> instances = stop.instanceId() != null
        ? CompletableFuture.completedFuture(List.of(stop.instanceId()))
        : ams.instancesOfSession(stop.sessionId());
    instances.thenCompose(ids -> CompletableFuture.allOf(ids.stream().map(ams::deleteInstance)
                .toArray(CompletableFuture[]::new))
            .thenApply(deleted -> ids))
        .whenComplete((ids, failure) -> {
          if (failure == null) {
            if (ids.isEmpty()) {
              log.info("Session {} has no instance in region {} to stop", stop.sessionId(), settings.region());
            } else {
              log.info("Stopped instance(s) {} of session {}: {}", ids, stop.sessionId(), stop.reason());
            }
            reply(request, Ack.OK);
          } else {
            AmsClient.AmsException refused = amsFailure(failure);
            log.warn("Cannot stop the instance of session {}: {} ({})", stop.sessionId(),
                refused.getMessage(), refused.code);
            reply(request, Ack.failed(refused.code, refused.getMessage()));
          }
        });
  }

  private void createSession(Message request, CreateSession create) {
    CreateSession completed = new CreateSession(create.region() == null ? settings.region() : create.region(),
        create.instanceId(), create.app(), create.appVersion(), create.screen(),
        create.owner() == null ? settings.sessionOwner() : create.owner());
    CompletableFuture<Message> answer;
    try {
      answer = nats.requestWithTimeout(Subjects.GATEWAY_CREATE_SESSION, NatsJson.write(completed), settings.requestTimeout());
    } catch (IllegalStateException closed) {
      answer = CompletableFuture.failedFuture(closed);
    }
    answer.whenComplete((gatewayAnswer, failure) -> {
      if (failure == null) {
        replyRaw(request, gatewayAnswer.getData());
      } else {
        log.warn("No gateway answered the session request of instance {}", create.instanceId());
        reply(request, CreatedSession.failed(503, "no gateway answered within " + settings.requestTimeout().toMillis() + " ms"));
      }
    });
  }

  private void relay(String subject, Object report) {
    try {
      nats.publish(subject, NatsJson.write(report));
    } catch (IllegalStateException closed) {
      log.warn("Cannot relay to the gateway on {}: {}", subject, closed.getMessage());
    }
  }

  // --- wire ------------------------------------------------------------------------------------

  private <T> T read(Message message, Class<T> type) {
    try {
      return NatsJson.read(message.getData(), type);
    } catch (NatsJson.MalformedMessageException e) {
      dropped(message, e.getMessage());
      return null;
    }
  }

  private void dropped(Message message, String why) {
    malformed++;
    log.warn("Dropped a malformed message on {} ({} so far): {}", message.getSubject(), malformed, why);
    reply(message, Ack.failed(400, why));
  }

  private void reply(Message request, Object answer) {
    replyRaw(request, NatsJson.write(answer));
  }

  /** Called from futures' threads too: publishing on a jnats connection is thread-safe. */
  private void replyRaw(Message request, byte[] answer) {
    if (request.getReplyTo() == null) return;
    try {
      nats.publish(request.getReplyTo(), answer);
    } catch (IllegalStateException closed) {
      // The connection closed while AMS was answering: the requester times out.
    }
  }

  private static AmsClient.AmsException amsFailure(Throwable failure) {
    Throwable cause = AmsClient.unwrap(failure);
    return cause instanceof AmsClient.AmsException ams ? ams : new AmsClient.AmsException(503, cause.toString());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private Behavior<Command> onPostStop(PostStop stop) {
    if (nats.getStatus() != Connection.Status.CLOSED) nats.closeDispatcher(dispatcher);
    return this;
  }
}
