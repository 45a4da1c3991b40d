package org.streamstack.protocol.nats;

/**
 * Every subject of the bus. Requests expect one reply (NATS request-reply); the others are
 * published. Subjects several members of one role listen to are consumed through the queue group
 * named beside them, so that one member handles each message.
 */
public final class Subjects {

  private static final String ROOT = "streamstack.v1";

  /** Queue group of gateway members for the subjects only one of them should handle. */
  public static final String GATEWAY_QUEUE = "gateway";

  /** Request, agent → gateway: {@link CreateSession} → {@link CreatedSession} (instance first). */
  public static final String GATEWAY_CREATE_SESSION = ROOT + ".gateway.create-session";

  /** Publish, agent → gateway: {@link InstanceStatus}. */
  public static final String GATEWAY_INSTANCE_STATUS = ROOT + ".gateway.instance-status";

  /** Publish, agent → gateway: {@link ClientLeft}. */
  public static final String GATEWAY_CLIENT_LEFT = ROOT + ".gateway.client-left";

  /** What a gateway subscribes to for every region's {@link AgentHeartbeat}, without a queue group. */
  public static final String ALL_AGENT_HEARTBEATS = ROOT + ".region.*.agent.heartbeat";

  private Subjects() {}

  /** Queue group of the agents of one region. */
  public static String agentQueue(String region) {
    return "agent-" + region;
  }

  /** Queue group of the AMS members of one region. */
  public static String amsQueue(String region) {
    return "ams-" + region;
  }

  /** Publish, agent → every gateway: {@link AgentHeartbeat}. */
  public static String agentHeartbeat(String region) {
    return region(region) + ".agent.heartbeat";
  }

  /** Request, gateway → agent: {@link StartInstance} → {@link StartedInstance}. */
  public static String agentStartInstance(String region) {
    return region(region) + ".agent.start-instance";
  }

  /** Request, gateway → agent: {@link StopInstance} → {@link Ack}. */
  public static String agentStopInstance(String region) {
    return region(region) + ".agent.stop-instance";
  }

  /** Request, AMS → agent: {@link CreateSession} → {@link CreatedSession} (instance first). */
  public static String agentCreateSession(String region) {
    return region(region) + ".agent.create-session";
  }

  /** Publish, AMS → agent: {@link InstanceStatus} of every instance bound to a session. */
  public static String amsInstanceStatus(String region) {
    return region(region) + ".ams.instance-status";
  }

  /** Publish, AMS → agent: {@link ClientLeft}. */
  public static String amsClientLeft(String region) {
    return region(region) + ".ams.client-left";
  }

  /** Publish, media node → AMS: {@link NodeHeartbeat}. */
  public static String nodeHeartbeat(String region) {
    return region(region) + ".node.heartbeat";
  }

  /** Publish, media node → AMS: {@link InstanceEvent}. */
  public static String nodeInstanceEvent(String region) {
    return region(region) + ".node.instance-event";
  }

  /**
   * Request, AMS → one media node of its region: {@link LaunchInstance} → {@link Ack}. Node names
   * are unique within a region only (two regions' DaemonSets on hosts of the same name), so the
   * region is part of the subject: one region's AMS never reaches another region's node.
   */
  public static String nodeLaunch(String region, String nodeId) {
    return region(region) + ".node." + token(nodeId) + ".launch";
  }

  /** Request, AMS → one media node of its region: {@link StopInstanceOnNode} → {@link Ack}. */
  public static String nodeStop(String region, String nodeId) {
    return region(region) + ".node." + token(nodeId) + ".stop";
  }

  private static String region(String region) {
    return ROOT + ".region." + token(region);
  }

  private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

  /** Whether {@code name} can be one subject token: letters, digits, - and _ only. */
  public static boolean isToken(String name) {
    return name != null && TOKEN.matcher(name).matches();
  }

  /** A name that is one subject token: no dots, wildcards or whitespace (NATS subject syntax). */
  public static String token(String name) {
    if (!isToken(name)) {
      throw new IllegalArgumentException("'" + name + "' cannot be a NATS subject token: use letters, digits, - and _");
    }
    return name;
  }
}
