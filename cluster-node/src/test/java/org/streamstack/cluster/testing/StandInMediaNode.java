package org.streamstack.cluster.testing;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.StopInstanceOnNode;
import org.streamstack.protocol.nats.Subjects;

/**
 * Stands in for a media node on a real NATS server, speaking its side of the bus: heartbeats with
 * a capacity, answers to launch and stop requests, instance events. The real media node lives in
 * another module and is covered by the end-to-end tests; this one lets AMS tests decide what the
 * node answers and when it reports.
 */
public final class StandInMediaNode implements AutoCloseable {

  /** How the node answers a launch. */
  public enum OnLaunch {
    /** Acknowledge, then report RUNNING. */
    RUN,
    /** Acknowledge and report nothing (the test reports). */
    ACCEPT,
    /** Refuse with an error Ack. */
    REFUSE,
    /** Never answer. */
    IGNORE
  }

  public final String nodeId;
  private final String region;
  private final int encoderSlots;
  private final Connection nats;
  private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "stand-in-media-node-heartbeat");
    thread.setDaemon(true);
    return thread;
  });
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  public final List<LaunchInstance> launches = new CopyOnWriteArrayList<>();
  public final List<StopInstanceOnNode> stops = new CopyOnWriteArrayList<>();
  private volatile boolean beating = true;
  private volatile OnLaunch onLaunch = OnLaunch.RUN;

  private StandInMediaNode(NatsServer server, String region, String nodeId, int encoderSlots) throws InterruptedException {
    this.nodeId = nodeId;
    this.region = region;
    this.encoderSlots = encoderSlots;
    this.nats = NatsConnector.connect(server.settings("stand-in media node " + nodeId));
    Dispatcher dispatcher = nats.createDispatcher();
    dispatcher.subscribe(Subjects.nodeLaunch(region, nodeId), this::onLaunch);
    dispatcher.subscribe(Subjects.nodeStop(region, nodeId), this::onStop);
    beats.scheduleWithFixedDelay(this::beat, 0, 200, TimeUnit.MILLISECONDS);
  }

  public static StandInMediaNode start(NatsServer server, String region, String nodeId, int encoderSlots) {
    try {
      return new StandInMediaNode(server, region, nodeId, encoderSlots);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public StandInMediaNode onLaunch(OnLaunch behaviour) {
    this.onLaunch = behaviour;
    return this;
  }

  public void pauseHeartbeats() {
    beating = false;
  }

  public void resumeHeartbeats() {
    beating = true;
  }

  public Set<String> running() {
    return Set.copyOf(running);
  }

  /** The launch request of this instance, or null. */
  public LaunchInstance launchOf(String instanceId) {
    for (LaunchInstance launch : launches) {
      if (launch.instanceId().equals(instanceId)) return launch;
    }
    return null;
  }

  public boolean stopped(String instanceId) {
    return stops.stream().anyMatch(stop -> stop.instanceId().equals(instanceId));
  }

  public void report(String instanceId, InstanceEvent.Kind kind, String message) {
    if (kind == InstanceEvent.Kind.RUNNING) running.add(instanceId);
    if (kind == InstanceEvent.Kind.ENDED || kind == InstanceEvent.Kind.FAILED) running.remove(instanceId);
    nats.publish(Subjects.nodeInstanceEvent(region),
        NatsJson.write(new InstanceEvent(instanceId, nodeId, kind, message, System.currentTimeMillis())));
  }

  private void beat() {
    if (!beating) return;
    try {
      List<String> instances = new ArrayList<>(running);
      nats.publish(Subjects.nodeHeartbeat(region), NatsJson.write(new NodeHeartbeat(nodeId, region, "127.0.0.1",
          new NodeHeartbeat.Capacity(encoderSlots, 4, 8L << 30, List.of(new NodeHeartbeat.Gpu("Stand-in GPU", 3))),
          new NodeHeartbeat.Load(instances.size(), instances.size(), 0.25, 1L << 30), instances,
          System.currentTimeMillis())));
    } catch (RuntimeException e) {
      // closed while beating: the next close stops the schedule
    }
  }

  private void onLaunch(Message message) {
    LaunchInstance launch;
    try {
      launch = NatsJson.read(message.getData(), LaunchInstance.class);
    } catch (NatsJson.MalformedMessageException e) {
      throw new AssertionError("AMS sent a malformed launch: " + e.getMessage());
    }
    launches.add(launch);
    switch (onLaunch) {
      case IGNORE -> { }
      case REFUSE -> nats.publish(message.getReplyTo(), NatsJson.write(Ack.failed(503, "no room for it here")));
      case ACCEPT -> {
        running.add(launch.instanceId());
        nats.publish(message.getReplyTo(), NatsJson.write(Ack.OK));
      }
      case RUN -> {
        nats.publish(message.getReplyTo(), NatsJson.write(Ack.OK));
        report(launch.instanceId(), InstanceEvent.Kind.RUNNING, null);
      }
    }
  }

  private void onStop(Message message) {
    StopInstanceOnNode stop;
    try {
      stop = NatsJson.read(message.getData(), StopInstanceOnNode.class);
    } catch (NatsJson.MalformedMessageException e) {
      throw new AssertionError("AMS sent a malformed stop: " + e.getMessage());
    }
    stops.add(stop);
    if (!running.contains(stop.instanceId())) {
      nats.publish(message.getReplyTo(), NatsJson.write(Ack.failed(404, "no instance " + stop.instanceId() + " here")));
      return;
    }
    nats.publish(message.getReplyTo(), NatsJson.write(Ack.OK));
    report(stop.instanceId(), InstanceEvent.Kind.ENDED, null);
  }

  @Override
  public void close() {
    beats.shutdownNow();
    try {
      nats.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
