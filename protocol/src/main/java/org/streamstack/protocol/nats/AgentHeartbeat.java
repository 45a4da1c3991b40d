package org.streamstack.protocol.nats;

import java.util.List;

/**
 * An agent's report of its region, every few seconds: the gateway lists regions and applications
 * from these, routes by {@code available} and {@code freeSlots}, and forgets a region whose agents
 * fall silent.
 *
 * @param agentId one agent process (cluster member) of the region
 * @param available whether the region takes new instances at all (its AMS answers, a node is online)
 * @param freeSlots instances the region could still place (sum over its online media nodes)
 * @param applications names of the applications the region's AMS can launch
 * @param startsReflected how many instances this agent had started (its {@link StartedInstance#startSeq()})
 *     when it asked AMS for this report: the gateway stops counting those starts against
 *     {@code freeSlots} itself, since AMS counts them now; null from agents that do not say
 */
public record AgentHeartbeat(String region, String agentId, boolean available, int freeSlots,
    List<String> applications, long sentAtMillis, Long startsReflected) {

  public AgentHeartbeat(String region, String agentId, boolean available, int freeSlots, List<String> applications,
      long sentAtMillis) {
    this(region, agentId, available, freeSlots, applications, sentAtMillis, null);
  }
}
