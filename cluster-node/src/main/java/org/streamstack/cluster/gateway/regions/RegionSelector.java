package org.streamstack.cluster.gateway.regions;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the region of a session whose client named none (PROTOCOL.md 3: an empty region). The
 * candidates are the regions that offer the application and can start an instance now. Today the
 * one with the most free slots wins; routing by the client's address (GeoIP or a CIDR table, issue 6)
 * is another implementation of this interface.
 */
@FunctionalInterface
public interface RegionSelector {

  Optional<Region> choose(String app, String clientAddress, List<Region> candidates);

  /** The most free slots; among equals, the first name in alphabetical order, so the choice is stable. */
  RegionSelector MOST_FREE_SLOTS = (app, clientAddress, candidates) -> candidates.stream()
      .min(Comparator.comparingInt(Region::freeSlots).reversed().thenComparing(Region::name));
}
