package org.streamstack.cluster.ams;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.ams.instances.InstanceEntity;
import org.streamstack.cluster.ams.instances.InstanceIds;
import org.streamstack.cluster.ams.nodes.NodeRegistry;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.Subjects;

/**
 * What media nodes publish, taken off the bus by every AMS member of the region (one of them gets
 * each message: the AMS queue group) and handed on: heartbeats to the node registry, instance
 * events to their instance. A message that is not what its subject promises is dropped, counted
 * and logged.
 */
public final class BusListener {

  private static final Logger log = LoggerFactory.getLogger(BusListener.class);

  private final ActorRef<NodeRegistry.Command> nodes;
  private final ClusterSharding sharding;
  private final AtomicLong dropped = new AtomicLong();

  private BusListener(ActorSystem<?> system, ActorRef<NodeRegistry.Command> nodes) {
    this.nodes = nodes;
    this.sharding = ClusterSharding.get(system);
  }

  public static BusListener subscribe(ActorSystem<?> system, Connection nats, String region,
      ActorRef<NodeRegistry.Command> nodes) {
    BusListener listener = new BusListener(system, nodes);
    Dispatcher dispatcher = nats.createDispatcher();
    dispatcher.subscribe(Subjects.nodeHeartbeat(region), Subjects.amsQueue(region), listener::onHeartbeat);
    dispatcher.subscribe(Subjects.nodeInstanceEvent(region), Subjects.amsQueue(region), listener::onInstanceEvent);
    log.info("Listening for the media nodes of region {} on NATS", region);
    return listener;
  }

  /** Messages dropped because they were not what their subject carries. */
  public long dropped() {
    return dropped.get();
  }

  private void onHeartbeat(Message message) {
    NodeHeartbeat heartbeat;
    try {
      heartbeat = NatsJson.read(message.getData(), NodeHeartbeat.class);
    } catch (NatsJson.MalformedMessageException e) {
      drop(message, e.getMessage());
      return;
    }
    if (!Subjects.isToken(heartbeat.nodeId())) {
      drop(message, "node id '" + heartbeat.nodeId() + "' cannot name a node (letters, digits, - and _)");
      return;
    }
    if (heartbeat.capacity() == null) {
      drop(message, "heartbeat of media node " + heartbeat.nodeId() + " states no capacity");
      return;
    }
    nodes.tell(new NodeRegistry.HeartbeatReceived(heartbeat));
  }

  private void onInstanceEvent(Message message) {
    InstanceEvent event;
    try {
      event = NatsJson.read(message.getData(), InstanceEvent.class);
    } catch (NatsJson.MalformedMessageException e) {
      drop(message, e.getMessage());
      return;
    }
    if (event.kind() == null || !InstanceIds.plausible(event.instanceId())) {
      drop(message, "instance event without a kind or with instance id '" + event.instanceId() + "'");
      return;
    }
    sharding.entityRefFor(InstanceEntity.TYPE_KEY, event.instanceId()).tell(new InstanceEntity.NodeEventReceived(event));
  }

  private void drop(Message message, String why) {
    log.warn("Dropped a message on {} ({} dropped so far): {}", message.getSubject(), dropped.incrementAndGet(), why);
  }
}
