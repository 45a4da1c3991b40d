package org.streamstack.cluster.gateway.regions;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.streamstack.protocol.nats.Subjects;

/**
 * The {@code streamstack.gateway.routing} section: how a session that names no region gets one from
 * its client's address. Read and checked once at start; every error names the setting, its flag and
 * its environment variable.
 *
 * @param cidrRegions the operator's networks and their regions
 * @param geoIpDatabase path of a MaxMind DB file (GeoLite2/GeoIP2 Country or City), empty for none
 * @param geoIpCountries ISO 3166-1 country code → region
 * @param geoIpContinents continent code (AF, AN, AS, EU, NA, OC, SA) → region, for countries not listed
 * @param trustedProxies peers whose X-Forwarded-For header names the client; nobody's by default
 */
public record RoutingSettings(CidrTable cidrRegions, String geoIpDatabase, Map<String, String> geoIpCountries,
    Map<String, String> geoIpContinents, List<Cidr> trustedProxies) {

  /** The continent codes of GeoIP2 databases. */
  public static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

  public RoutingSettings {
    if (geoIpDatabase.isEmpty() && !(geoIpCountries.isEmpty() && geoIpContinents.isEmpty())) {
      throw new IllegalArgumentException("geoip-countries and geoip-continents need a GeoIP database:"
          + " set streamstack.gateway.routing.geoip-database (--geoip-database, STREAMSTACK_GEOIP_DATABASE)");
    }
    if (!geoIpDatabase.isEmpty() && geoIpCountries.isEmpty() && geoIpContinents.isEmpty()) {
      throw new IllegalArgumentException("the GeoIP database " + geoIpDatabase + " routes nobody without a mapping:"
          + " set streamstack.gateway.routing.geoip-countries (--geoip-countries, STREAMSTACK_GEOIP_COUNTRIES)"
          + " or geoip-continents (--geoip-continents, STREAMSTACK_GEOIP_CONTINENTS)");
    }
  }

  public static RoutingSettings from(Config routing) {
    CidrTable table;
    try {
      table = CidrTable.parse(routing.getString("cidr-regions"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "streamstack.gateway.routing.cidr-regions (--region-cidrs, STREAMSTACK_REGION_CIDRS): " + e.getMessage(), e);
    }
    List<Cidr> proxies = new ArrayList<>();
    for (String item : routing.getString("trusted-proxies").split("[,\\s]+")) {
      if (item.isEmpty()) continue;
      try {
        proxies.add(Cidr.parse(item));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "streamstack.gateway.routing.trusted-proxies (--trusted-proxies, STREAMSTACK_TRUSTED_PROXIES): "
                + e.getMessage(), e);
      }
    }
    return new RoutingSettings(table, routing.getString("geoip-database").trim(),
        codes(routing.getString("geoip-countries"), "geoip-countries", "--geoip-countries", "STREAMSTACK_GEOIP_COUNTRIES",
            null),
        codes(routing.getString("geoip-continents"), "geoip-continents", "--geoip-continents",
            "STREAMSTACK_GEOIP_CONTINENTS", CONTINENTS),
        List.copyOf(proxies));
  }

  /** Parses {@code CODE=REGION} entries; codes are two letters, and one of {@code allowed} when given. */
  private static Map<String, String> codes(String text, String setting, String flag, String env, Set<String> allowed) {
    String where = "streamstack.gateway.routing." + setting + " (" + flag + ", " + env + "): ";
    Map<String, String> codes = new TreeMap<>();
    for (String item : text.split("[,\\s]+")) {
      if (item.isEmpty()) continue;
      int eq = item.indexOf('=');
      String code = eq < 0 ? "" : item.substring(0, eq).toUpperCase(Locale.ROOT);
      String region = eq < 0 ? "" : item.substring(eq + 1);
      if (!code.matches("[A-Z]{2}") || (allowed != null && !allowed.contains(code))) {
        throw new IllegalArgumentException(where + "'" + item + "' is not CODE=REGION with "
            + (allowed == null ? "a two-letter ISO 3166-1 country code (such as DE=eu)"
                : "a continent code of " + new java.util.TreeSet<>(allowed) + " (such as EU=eu)"));
      }
      if (!Subjects.isToken(region)) {
        throw new IllegalArgumentException(where + "'" + item + "': region '" + region
            + "' must be letters, digits, - and _");
      }
      String before = codes.put(code, region);
      if (before != null && !before.equals(region)) {
        throw new IllegalArgumentException(where + code + " is given twice, to region " + before + " and to " + region);
      }
    }
    return Map.copyOf(codes);
  }
}
