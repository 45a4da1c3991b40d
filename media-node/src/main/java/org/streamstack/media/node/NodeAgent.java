package org.streamstack.media.node;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.media.instance.InstanceSpec;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.StopInstanceOnNode;
import org.streamstack.protocol.nats.Subjects;

/**
 * The media node's link to the bus (ARCHITECTURE.md, media-node): it announces the node to AMS
 * with a {@link NodeHeartbeat} every interval, launches and stops instances when AMS asks on the
 * node's own subjects, and reports what happens to them as {@link InstanceEvent}s. Each instance
 * is an {@link InstanceRuntime} child.
 *
 * <p>Every instance holds one encoder slot from its launch until its actor has stopped, whether or
 * not a client watches it: the scheduler's picture must not change with viewers. A launch beyond
 * the node's slots is refused with 503. A launch of an id that runs already is answered as a
 * success (AMS may ask again after a lost reply); stopping an unknown id answers 404, which AMS
 * takes as stopped (no ENDED event follows).
 *
 * <p>Requests arrive on the NATS client's thread and are handled here, one at a time. One that
 * cannot be read is answered with a 400 {@link Ack}, counted and logged, and changes nothing.
 * Heartbeats are sent only while connected (a stale one replayed after a reconnect would mislead),
 * and the first one as soon as the connection is up; instance events wait in the client's buffer
 * for the connection to come back.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  public sealed interface Command {}

  /**
   * Stops every instance (each reported {@code ENDED}), sends a last heartbeat and closes the bus
   * connection; then replies and stops. New launches are refused meanwhile.
   */
  public record Drain(String reason, ActorRef<Done> replyTo) implements Command {}

  private record LaunchArrived(byte[] payload, String replyTo) implements Command {}

  private record StopArrived(byte[] payload, String replyTo) implements Command {}

  private record SendHeartbeat() implements Command {}

  private record FromInstance(InstanceRuntime.Event event) implements Command {}

  private record InstanceTerminated(String instanceId) implements Command {}

  private record DrainTimedOut() implements Command {}

  private record ConnectionClosed() implements Command {}

  /** Starts the behaviour of one instance; its events go to {@code owner}. */
  @FunctionalInterface
  public interface InstanceLauncher {
    Behavior<InstanceRuntime.Command> behavior(InstanceSpec spec, ActorRef<InstanceRuntime.Event> owner);
  }

  /**
   * Who this node is on the bus and what it can hold.
   *
   * @param address the host its peers' media reach, for the heartbeat
   * @param bus the connection ({@link NatsConnector#connect}), up or coming up; the agent closes it
   * @param defaultScreen what a launch without a screen (or with parts of one) runs at
   */
  public record Setup(String nodeId, String region, String address, Connection bus, String busUrl,
      Duration heartbeatInterval,
      Duration drainTimeout, NodeHeartbeat.Capacity capacity, HostResources host, Screen defaultScreen,
      InstanceLauncher launcher, InstantSource clock) {}

  /** One launched instance, until its actor has stopped. */
  private static final class Running {
    final ActorRef<InstanceRuntime.Command> ref;
    /** Asked to stop, or reported its end: no longer announced, not launched again until gone. */
    boolean leaving;
    /** ENDED or FAILED was published. */
    boolean reportedEnd;

    Running(ActorRef<InstanceRuntime.Command> ref) {
      this.ref = ref;
    }
  }

  /** For the thread that closes the connection, where the actor's own logger must not be used. */
  private static final Logger OFF_THREAD_LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Object HEARTBEAT_TIMER = "heartbeat";
  private static final Object HEARTBEAT_RETRY_TIMER = "heartbeat-retry";
  private static final Duration HEARTBEAT_RETRY = Duration.ofMillis(100);
  private static final Object DRAIN_TIMER = "drain";

  private final Setup setup;
  private final TimerScheduler<Command> timers;
  private final Connection connection;
  private final ActorRef<InstanceRuntime.Event> instanceEvents;
  private final Map<String, Running> instances = new LinkedHashMap<>();
  private final List<ActorRef<Done>> drainWaiters = new ArrayList<>();
  private long malformedRequests;
  private long launches;
  private boolean draining;
  private boolean closing;
  private boolean closed;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new NodeAgent(context, timers, setup)));
  }

  private NodeAgent(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup) {
    super(context);
    this.setup = setup;
    this.timers = timers;
    this.instanceEvents = context.messageAdapter(InstanceRuntime.Event.class, FromInstance::new);
    this.connection = setup.bus();
    ActorRef<Command> self = context.getSelf();
    Dispatcher requests = connection.createDispatcher();
    requests.subscribe(Subjects.nodeLaunch(setup.region(), setup.nodeId()),
        message -> self.tell(new LaunchArrived(message.getData(), message.getReplyTo())));
    requests.subscribe(Subjects.nodeStop(setup.region(), setup.nodeId()),
        message -> self.tell(new StopArrived(message.getData(), message.getReplyTo())));
    timers.startTimerAtFixedRate(HEARTBEAT_TIMER, new SendHeartbeat(), Duration.ZERO, setup.heartbeatInterval());
    context.getLog().info("Node {} of region {} on the bus at {}: {} encoder slots, {} CPUs, GPUs {}",
        setup.nodeId(), setup.region(), setup.busUrl(), setup.capacity().encoderSlots(),
        setup.capacity().cpus(), setup.capacity().gpus().isEmpty() ? "none" : setup.capacity().gpus());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LaunchArrived.class, this::onLaunch)
        .onMessage(StopArrived.class, this::onStop)
        .onMessage(SendHeartbeat.class, this::onSendHeartbeat)
        .onMessage(FromInstance.class, this::onInstanceEvent)
        .onMessage(InstanceTerminated.class, this::onInstanceTerminated)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainTimedOut.class, this::onDrainTimedOut)
        .onMessage(ConnectionClosed.class, this::onConnectionClosed)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // --- launch and stop ------------------------------------------------------------------------

  private Behavior<Command> onLaunch(LaunchArrived request) {
    LaunchInstance launch;
    InstanceSpec spec;
    try {
      launch = NatsJson.read(request.payload(), LaunchInstance.class);
      spec = InstanceSpec.fromLaunch(launch, setup.defaultScreen());
    } catch (NatsJson.MalformedMessageException | InstanceSpec.InvalidLaunchException e) {
      return refuseMalformed("launch", request.replyTo(), e.getMessage());
    }
    reply(request.replyTo(), launch(spec));
    return this;
  }

  private Ack launch(InstanceSpec spec) {
    String id = spec.instanceId();
    Running existing = instances.get(id);
    if (existing != null && !existing.leaving) {
      getContext().getLog().info("Node {}: instance {} runs already; launch acknowledged again", setup.nodeId(), id);
      return Ack.OK;
    }
    if (existing != null) {
      return Ack.failed(409, "instance " + id + " is stopping on node " + setup.nodeId() + "; launch it again once it has stopped");
    }
    if (draining) return Ack.failed(503, "media node " + setup.nodeId() + " is shutting down");
    int slots = setup.capacity().encoderSlots();
    if (instances.size() >= slots) {
      getContext().getLog().warn("Node {}: launch of instance {} refused: all {} encoder slots are in use",
          setup.nodeId(), id, slots);
      return Ack.failed(503, "media node " + setup.nodeId() + " has no free encoder slot (" + instances.size() + " of "
          + slots + " in use)");
    }
    ActorRef<InstanceRuntime.Command> ref;
    try {
      launches++;
      // A counter in the name: the actor of an earlier instance with this id may not be gone yet.
      ref = getContext().spawn(setup.launcher().behavior(spec, instanceEvents), "instance-" + id + "-" + launches,
          InstanceRuntime.props(spec));
    } catch (RuntimeException e) {
      getContext().getLog().error("Node {}: instance {} could not be started", setup.nodeId(), id, e);
      return Ack.failed(500, "instance " + id + " could not be started: " + e.getMessage());
    }
    getContext().watchWith(ref, new InstanceTerminated(id));
    instances.put(id, new Running(ref));
    getContext().getLog().info("Node {}: launching instance {} ({}x{} at {} fps, {}), {} of {} encoder slots in use",
        setup.nodeId(), id, spec.width(), spec.height(), spec.fps(),
        spec.streaming() ? "streaming" : "not streaming", instances.size(), slots);
    return Ack.OK;
  }

  private Behavior<Command> onStop(StopArrived request) {
    StopInstanceOnNode stop;
    try {
      stop = NatsJson.read(request.payload(), StopInstanceOnNode.class);
    } catch (NatsJson.MalformedMessageException e) {
      return refuseMalformed("stop", request.replyTo(), e.getMessage());
    }
    if (stop.instanceId() == null || stop.instanceId().isBlank()) {
      return refuseMalformed("stop", request.replyTo(), "instanceId is missing");
    }
    Running running = instances.get(stop.instanceId());
    if (running == null) {
      getContext().getLog().info("Node {}: stop of instance {}, which does not run here: nothing to do",
          setup.nodeId(), stop.instanceId());
      // 404 tells AMS the instance is stopped already: no ENDED event will follow for it.
      reply(request.replyTo(), Ack.failed(404, "instance " + stop.instanceId() + " does not run on node " + setup.nodeId()));
      return this;
    }
    if (!running.leaving) {
      String reason = stop.reason() == null || stop.reason().isBlank() ? "stopped by AMS" : stop.reason();
      running.leaving = true;
      running.ref.tell(new InstanceRuntime.Stop(reason));
    }
    reply(request.replyTo(), Ack.OK);
    return this;
  }

  private Behavior<Command> refuseMalformed(String what, String replyTo, String problem) {
    malformedRequests++;
    getContext().getLog().warn("Node {}: refused a {} request that cannot be used ({} so far): {}", setup.nodeId(),
        what, malformedRequests, problem);
    reply(replyTo, Ack.failed(400, problem));
    return this;
  }

  private void reply(String replyTo, Ack ack) {
    if (replyTo == null) {
      getContext().getLog().info("Node {}: a request came without a reply subject; its answer is dropped: {}",
          setup.nodeId(), ack.ok() ? "ok" : ack.error());
      return;
    }
    publish(replyTo, ack);
  }

  // --- instances ------------------------------------------------------------------------------

  private Behavior<Command> onInstanceEvent(FromInstance message) {
    InstanceRuntime.Event event = message.event();
    String id = event.instanceId();
    Running running = instances.get(id);
    if (event instanceof InstanceRuntime.Started) {
      publishEvent(id, InstanceEvent.Kind.RUNNING, null);
    } else if (event instanceof InstanceRuntime.ClientLeft left) {
      publishEvent(id, InstanceEvent.Kind.CLIENT_LEFT, left.reason());
    } else if (event instanceof InstanceRuntime.Ended ended) {
      markEnded(running);
      publishEvent(id, InstanceEvent.Kind.ENDED, ended.reason());
    } else if (event instanceof InstanceRuntime.Failed failed) {
      markEnded(running);
      publishEvent(id, InstanceEvent.Kind.FAILED, failed.reason());
    }
    return this;
  }

  private static void markEnded(Running running) {
    if (running == null) return;
    running.leaving = true;
    running.reportedEnd = true;
  }

  private Behavior<Command> onInstanceTerminated(InstanceTerminated terminated) {
    Running running = instances.remove(terminated.instanceId());
    if (running != null && !running.reportedEnd) {
      // Its actor stopped without saying why: a bug, or a crash it could not report.
      getContext().getLog().error("Node {}: instance {} stopped unexpectedly", setup.nodeId(), terminated.instanceId());
      publishEvent(terminated.instanceId(), InstanceEvent.Kind.FAILED, "the instance stopped unexpectedly");
    }
    if (draining && instances.isEmpty()) closeConnection();
    return this;
  }

  private List<String> liveInstances() {
    List<String> ids = new ArrayList<>();
    instances.forEach((id, running) -> {
      if (!running.leaving) ids.add(id);
    });
    return ids;
  }

  // --- heartbeat ------------------------------------------------------------------------------

  private Behavior<Command> onSendHeartbeat(SendHeartbeat tick) {
    if (connection.getStatus() == Connection.Status.CONNECTED) {
      publish(Subjects.nodeHeartbeat(setup.region()), heartbeat());
    } else if (!closing) {
      // Announce the node as soon as the connection is up (again), not an interval later.
      timers.startSingleTimer(HEARTBEAT_RETRY_TIMER, new SendHeartbeat(), HEARTBEAT_RETRY);
    }
    return this;
  }

  private NodeHeartbeat heartbeat() {
    List<String> live = liveInstances();
    HostResources host = setup.host();
    NodeHeartbeat.Load load = new NodeHeartbeat.Load(live.size(), instances.size(), host.cpuLoad(), host.memoryUsedBytes());
    return new NodeHeartbeat(setup.nodeId(), setup.region(), setup.address(), setup.capacity(), load, live,
        setup.clock().millis());
  }

  // --- shutdown -------------------------------------------------------------------------------

  private Behavior<Command> onDrain(Drain drain) {
    drainWaiters.add(drain.replyTo());
    if (draining) return this;
    draining = true;
    getContext().getLog().info("Node {}: stopping its {} instances: {}", setup.nodeId(), instances.size(), drain.reason());
    for (Running running : instances.values()) {
      if (running.leaving) continue;
      running.leaving = true;
      running.ref.tell(new InstanceRuntime.Stop(drain.reason()));
    }
    if (instances.isEmpty()) {
      closeConnection();
    } else {
      timers.startSingleTimer(DRAIN_TIMER, new DrainTimedOut(), setup.drainTimeout());
    }
    return this;
  }

  private Behavior<Command> onDrainTimedOut(DrainTimedOut timeout) {
    getContext().getLog().warn("Node {}: {} instances did not stop within {}; leaving the bus anyway", setup.nodeId(),
        instances.size(), setup.drainTimeout());
    closeConnection();
    return this;
  }

  /** The last heartbeat (without the stopped instances), then the connection closes off this actor's thread. */
  private void closeConnection() {
    if (closing) return;
    closing = true;
    timers.cancelAll();
    onSendHeartbeat(new SendHeartbeat());
    Executor blocking = getContext().getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    CompletableFuture<Void> done = CompletableFuture.runAsync(this::flushAndClose, blocking);
    getContext().pipeToSelf(done, (ok, failure) -> new ConnectionClosed());
  }

  /** Not on the actor's thread: only the connection is touched. */
  private void flushAndClose() {
    try {
      // Disconnected, what waits in the client's buffer is lost with the connection: no use waiting.
      if (connection.getStatus() == Connection.Status.CONNECTED) connection.flush(Duration.ofSeconds(1));
    } catch (TimeoutException | IllegalStateException e) {
      OFF_THREAD_LOG.warn("Node {}: the last messages may not have reached the bus: {}", setup.nodeId(),
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Behavior<Command> onConnectionClosed(ConnectionClosed message) {
    closed = true;
    getContext().getLog().info("Node {} has left the bus", setup.nodeId());
    drainWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (!closed && !closing) {
      // Stopped without a drain (the actor system went down first): do not leave the connection open.
      try {
        connection.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return this;
  }

  // --- bus ------------------------------------------------------------------------------------

  private void publishEvent(String instanceId, InstanceEvent.Kind kind, String message) {
    getContext().getLog().info("Node {}: instance {} {}{}", setup.nodeId(), instanceId, kind,
        message == null ? "" : ": " + message);
    publish(Subjects.nodeInstanceEvent(setup.region()),
        new InstanceEvent(instanceId, setup.nodeId(), kind, message, setup.clock().millis()));
  }

  private void publish(String subject, Object message) {
    try {
      connection.publish(subject, NatsJson.write(message));
    } catch (IllegalStateException e) {
      // Closed: only while leaving the bus.
      getContext().getLog().warn("Node {}: could not publish on {}: {}", setup.nodeId(), subject, e.getMessage());
    }
  }
}
