package org.streamstack.cluster.gateway.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingSettingsTest {

  private static RoutingSettings read(String hocon) {
    return RoutingSettings.from(ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference().getConfig("streamstack.gateway.routing")));
  }

  private static void assertRefused(String hocon, String... expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(hocon));
    for (String part : expected) assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  @Test
  void theDefaultsRouteByAvailabilityAloneAndTrustNoProxy() {
    RoutingSettings defaults = read("");
    assertTrue(defaults.cidrRegions().isEmpty());
    assertEquals("", defaults.geoIpDatabase());
    assertEquals(List.of(), defaults.trustedProxies());
  }

  @Test
  void mappingsAndProxiesAreRead() {
    RoutingSettings settings = read("""
        cidr-regions = "10.0.0.0/8=eu"
        geoip-database = "/var/lib/GeoLite2-Country.mmdb"
        geoip-countries = "de=eu, US=us"
        geoip-continents = "EU=eu NA=us"
        trusted-proxies = "192.0.2.10, 2001:db8::/64"
        """);
    assertEquals(Map.of("DE", "eu", "US", "us"), settings.geoIpCountries());
    assertEquals(Map.of("EU", "eu", "NA", "us"), settings.geoIpContinents());
    assertEquals(List.of(Cidr.parse("192.0.2.10/32"), Cidr.parse("2001:db8::/64")), settings.trustedProxies());
  }

  @Test
  void badEntriesNameTheSettingItsFlagAndItsVariable() {
    assertRefused("cidr-regions = \"10.0.0.0/40=eu\"", "cidr-regions (--region-cidrs, STREAMSTACK_REGION_CIDRS)",
        "10.0.0.0/40=eu");
    assertRefused("trusted-proxies = \"proxy.example.com\"", "trusted-proxies (--trusted-proxies, "
        + "STREAMSTACK_TRUSTED_PROXIES)", "is no IP address");
    assertRefused("geoip-database = x.mmdb\ngeoip-countries = \"Germany=eu\"", "--geoip-countries", "Germany=eu");
    assertRefused("geoip-database = x.mmdb\ngeoip-continents = \"EA=eu\"", "--geoip-continents", "EA=eu");
    assertRefused("geoip-database = x.mmdb\ngeoip-countries = \"DE=eu,DE=us\"", "DE is given twice");
  }

  @Test
  void aDatabaseWithoutMappingOrAMappingWithoutDatabaseIsAnError() {
    assertRefused("geoip-database = x.mmdb", "routes nobody without a mapping", "--geoip-countries");
    assertRefused("geoip-countries = \"DE=eu\"", "need a GeoIP database", "--geoip-database");
  }
}
