package org.streamstack.cluster.gateway.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.MaxMindDbWriter;

/** GeoIP databases written by the test's own MaxMind DB writer and read through MaxMind's reader. */
class GeoIpDatabaseTest {

  @TempDir
  Path dir;

  private Path database() {
    Path file = dir.resolve("GeoLite2-Country-test.mmdb");
    new MaxMindDbWriter("GeoLite2-Country")
        .add("203.0.113.0/24", MaxMindDbWriter.countryRecord("DE", "EU"))
        .add("198.51.100.128/25", MaxMindDbWriter.countryRecord("US", "NA"))
        // An anonymous proxy: no country of its own, only where it is registered.
        .add("192.0.2.0/28", Map.of("registered_country", Map.of("iso_code", "FR"), "traits",
            Map.of("is_anonymous_proxy", true)))
        .add("2001:db8:1::/48", MaxMindDbWriter.countryRecord("JP", "AS"))
        .add("2001:db8:2::/48", Map.of("city", Map.of("names", Map.of("en", "Nowhere")), "location",
            Map.of("latitude", 1.5, "longitude", -2.25, "accuracy_radius", new MaxMindDbWriter.Uint16(100)),
            "continent", Map.of("code", "OC"), "subdivisions", List.of(Map.of("iso_code", "NSW"))))
        .write(file);
    return file;
  }

  private static Optional<GeoIpDatabase.Location> locate(GeoIpDatabase db, String address) {
    return db.locate(IpLiteral.parse(address).orElseThrow());
  }

  @Test
  void countriesAndContinentsOfIpv4AndIpv6Addresses() {
    try (GeoIpDatabase db = GeoIpDatabase.open(database())) {
      assertEquals(Optional.of(new GeoIpDatabase.Location("DE", "EU")), locate(db, "203.0.113.77"));
      assertEquals(Optional.of(new GeoIpDatabase.Location("US", "NA")), locate(db, "198.51.100.200"));
      assertEquals(Optional.empty(), locate(db, "198.51.100.127"), "just below the /25");
      assertEquals(Optional.of(new GeoIpDatabase.Location("FR", null)), locate(db, "192.0.2.15"));
      assertEquals(Optional.empty(), locate(db, "192.0.2.16"));
      assertEquals(Optional.of(new GeoIpDatabase.Location("JP", "AS")), locate(db, "2001:db8:1:ffff::1"));
      assertEquals(Optional.of(new GeoIpDatabase.Location(null, "OC")), locate(db, "2001:db8:2::9"));
      assertEquals(Optional.empty(), locate(db, "2001:db8:3::1"));
      assertEquals(Optional.empty(), locate(db, "10.0.0.1"));
      assertEquals(0, db.failedLookups());
    }
  }

  @Test
  void theMappingTurnsCountryThenContinentIntoRegionsAfterTheCidrTable() {
    RoutingSettings settings = new RoutingSettings(CidrTable.parse("203.0.113.0/25=lab"), database().toString(),
        Map.of("DE", "eu", "FR", "eu"), Map.of("EU", "eu-fallback", "NA", "us", "AS", "asia"), List.of());
    try (AddressRules rules = AddressRules.open(settings)) {
      assertEquals(List.of(new AddressRules.Preference("lab", "CIDR 203.0.113.0/25"),
          new AddressRules.Preference("eu", "GeoIP country DE"),
          new AddressRules.Preference("eu-fallback", "GeoIP continent EU")),
          rules.preferences(IpLiteral.parse("203.0.113.5").orElseThrow()));
      assertEquals(List.of(new AddressRules.Preference("eu", "GeoIP country DE"),
          new AddressRules.Preference("eu-fallback", "GeoIP continent EU")),
          rules.preferences(IpLiteral.parse("203.0.113.200").orElseThrow()));
      assertEquals(List.of(new AddressRules.Preference("us", "GeoIP continent NA")),
          rules.preferences(IpLiteral.parse("198.51.100.130").orElseThrow()), "US is not mapped, NA is");
      assertEquals(List.of(new AddressRules.Preference("eu", "GeoIP country FR")),
          rules.preferences(IpLiteral.parse("192.0.2.1").orElseThrow()));
      assertEquals(List.of(new AddressRules.Preference("asia", "GeoIP continent AS")),
          rules.preferences(IpLiteral.parse("2001:db8:1::1").orElseThrow()));
      assertEquals(List.of(), rules.preferences(IpLiteral.parse("2001:db8:2::1").orElseThrow()), "OC is not mapped");
    }
  }

  @Test
  void aMissingOrDamagedDatabaseIsAnErrorThatSaysSo() throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> GeoIpDatabase.open(dir.resolve("absent.mmdb")));
    assertTrue(missing.getMessage().startsWith("no such file: "), missing.getMessage());

    Path garbage = dir.resolve("garbage.mmdb");
    Files.writeString(garbage, "this is not a database at all");
    IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class, () -> GeoIpDatabase.open(garbage));
    assertTrue(damaged.getMessage().contains("is not a MaxMind DB file"), damaged.getMessage());

    RoutingSettings settings = new RoutingSettings(CidrTable.EMPTY, garbage.toString(), Map.of("DE", "eu"), Map.of(),
        List.of());
    IllegalArgumentException named = assertThrows(IllegalArgumentException.class, () -> AddressRules.open(settings));
    assertTrue(named.getMessage().startsWith("streamstack.gateway.routing.geoip-database (--geoip-database,"
        + " STREAMSTACK_GEOIP_DATABASE): "), named.getMessage());
  }
}
