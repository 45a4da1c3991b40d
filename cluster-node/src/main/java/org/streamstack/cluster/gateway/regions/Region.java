package org.streamstack.cluster.gateway.regions;

import java.util.List;

/**
 * What the gateway knows of one region, from its agents' heartbeats.
 *
 * @param available some agent heard within the agent timeout reports that the region takes instances
 * @param freeSlots instances the region could still place, as its agents last reported
 * @param applications what the region's AMS can launch (as last reported, also when its agents are silent)
 * @param silent no agent of the region was heard within the agent timeout
 */
public record Region(String name, boolean available, int freeSlots, List<String> applications, boolean silent) {

  /** Whether a session started now could get an instance here. */
  public boolean canStartNow() {
    return available && freeSlots > 0;
  }

  public boolean offers(String app) {
    return applications.contains(app);
  }
}
