package org.streamstack.cluster.gateway.regions;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks the region of a session whose client named none (PROTOCOL.md 3: an empty region: geography
 * of the client address, then availability). The candidates are the regions that offer the
 * application and can start an instance now; the choice says which rule made it, for the log.
 */
@FunctionalInterface
public interface RegionSelector {

  /** A chosen region and the rule that chose it, in words. */
  record Choice(Region region, String rule) {}

  /** {@code client} is null when the gateway does not know the client's address. */
  Optional<Choice> choose(String app, InetAddress client, List<Region> candidates);

  /** The most free slots; among equals, the first name in alphabetical order, so the choice is stable. */
  RegionSelector MOST_FREE_SLOTS = (app, client, candidates) -> candidates.stream()
      .min(Comparator.comparingInt(Region::freeSlots).reversed().thenComparing(Region::name))
      .map(region -> new Choice(region, "most free slots (" + region.freeSlots() + ")"));

  /**
   * The region of the client's address (CIDR table, then GeoIP country, then continent) when it can
   * serve; otherwise the candidate with the most free slots.
   */
  static RegionSelector byAddress(AddressRules rules) {
    return (app, client, candidates) -> {
      List<AddressRules.Preference> preferences = client == null ? List.of() : rules.preferences(client);
      for (AddressRules.Preference preference : preferences) {
        for (Region candidate : candidates) {
          if (candidate.name().equals(preference.region())) {
            return Optional.of(new Choice(candidate, preference.rule() + " of " + IpLiteral.format(client)));
          }
        }
      }
      String why = client == null ? "client address unknown"
          : preferences.isEmpty() ? "no rule names a region for " + IpLiteral.format(client)
          : "region " + preferences.get(0).region() + " (" + preferences.get(0).rule() + " of " + IpLiteral.format(client)
              + ") cannot start '" + app + "' now";
      return MOST_FREE_SLOTS.choose(app, client, candidates)
          .map(best -> new Choice(best.region(), why + "; " + best.rule()));
    };
  }
}
