package org.streamstack.cluster.gateway.regions;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The region a new session runs in, or why it gets none (with the HTTP status the client gets,
 * PROTOCOL.md 1): the region the client named when it can serve the session, otherwise the
 * selector's choice among the regions that offer the application and can start it now.
 */
public sealed interface RegionPick {

  record Chosen(Region region, String rule) implements RegionPick {}

  record Refused(int status, String reason) implements RegionPick {}

  static RegionPick of(String app, String requestedRegion, InetAddress client, List<Region> regions,
      RegionSelector selector) {
    if (regions.stream().noneMatch(region -> region.offers(app))) {
      return new Refused(400, "unknown application '" + app + "'");
    }
    if (requestedRegion != null && !requestedRegion.isEmpty()) {
      // The client's word is final: a region that cannot serve is refused, not swapped for another.
      Optional<Region> named = regions.stream().filter(region -> region.name().equals(requestedRegion)).findFirst();
      if (named.isEmpty()) return new Refused(400, "unknown region '" + requestedRegion + "'");
      Refused refusal = refusal(named.get(), app);
      return refusal != null ? refusal : new Chosen(named.get(), "the client asked for it");
    }
    List<Region> candidates = regions.stream().filter(region -> region.offers(app) && region.canStartNow()).toList();
    Optional<RegionSelector.Choice> choice = selector.choose(app, client, candidates);
    if (choice.isPresent()) return new Chosen(choice.get().region(), choice.get().rule());
    List<String> reasons = new ArrayList<>();
    for (Region region : regions) {
      if (!region.offers(app)) continue;
      Refused refusal = refusal(region, app);
      reasons.add(refusal == null ? "region '" + region.name() + "' was not chosen" : refusal.reason());
    }
    return new Refused(503, "no region can start '" + app + "' now: " + String.join("; ", reasons));
  }

  /** Why {@code region} cannot start {@code app} now, or null when it can. */
  private static Refused refusal(Region region, String app) {
    String name = "region '" + region.name() + "'";
    if (!region.offers(app)) return new Refused(400, name + " does not offer application '" + app + "'");
    if (region.silent()) return new Refused(503, name + " is unavailable: its agents are silent");
    if (!region.available()) return new Refused(503, name + " is unavailable now");
    if (region.freeSlots() <= 0) return new Refused(503, name + " is full: it has no free capacity");
    return null;
  }
}
