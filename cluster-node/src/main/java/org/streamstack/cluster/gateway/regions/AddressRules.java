package org.streamstack.cluster.gateway.regions;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regions a client address belongs to, most specific first: the operator's CIDR table (its
 * longest matching prefix), then the GeoIP database's country, then its continent. Each comes with
 * the rule that named it, for the log.
 */
public final class AddressRules implements AutoCloseable {

  /** A region the address belongs to, and why. */
  public record Preference(String region, String rule) {}

  private final CidrTable cidrRegions;
  private final GeoIpDatabase geoIp;
  private final Map<String, String> countries;
  private final Map<String, String> continents;

  public AddressRules(CidrTable cidrRegions, GeoIpDatabase geoIp, Map<String, String> countries,
      Map<String, String> continents) {
    this.cidrRegions = cidrRegions;
    this.geoIp = geoIp;
    this.countries = countries;
    this.continents = continents;
  }

  /** The rules of {@code settings}, with the GeoIP database opened (an error names the setting). */
  public static AddressRules open(RoutingSettings settings) {
    GeoIpDatabase geoIp = null;
    if (!settings.geoIpDatabase().isEmpty()) {
      try {
        geoIp = GeoIpDatabase.open(Path.of(settings.geoIpDatabase()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("streamstack.gateway.routing.geoip-database (--geoip-database,"
            + " STREAMSTACK_GEOIP_DATABASE): " + e.getMessage(), e);
      }
    }
    return new AddressRules(settings.cidrRegions(), geoIp, settings.geoIpCountries(), settings.geoIpContinents());
  }

  /** The regions {@code address} belongs to, most specific first, each named once. */
  public List<Preference> preferences(InetAddress address) {
    List<Preference> preferences = new ArrayList<>(3);
    cidrRegions.lookup(address).ifPresent(entry ->
        add(preferences, entry.region(), "CIDR " + entry.network().canonical()));
    if (geoIp != null) {
      Optional<GeoIpDatabase.Location> location = geoIp.locate(address);
      location.ifPresent(where -> {
        if (where.country() != null && countries.containsKey(where.country())) {
          add(preferences, countries.get(where.country()), "GeoIP country " + where.country());
        }
        if (where.continent() != null && continents.containsKey(where.continent())) {
          add(preferences, continents.get(where.continent()), "GeoIP continent " + where.continent());
        }
      });
    }
    return preferences;
  }

  private static void add(List<Preference> preferences, String region, String rule) {
    if (preferences.stream().noneMatch(known -> known.region().equals(region))) {
      preferences.add(new Preference(region, rule));
    }
  }

  @Override
  public void close() {
    if (geoIp != null) geoIp.close();
  }
}
