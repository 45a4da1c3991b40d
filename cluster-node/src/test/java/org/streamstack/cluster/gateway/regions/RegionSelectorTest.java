package org.streamstack.cluster.gateway.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegionSelectorTest {

  private static final RegionSelector SELECTOR = RegionSelector.byAddress(
      new AddressRules(CidrTable.parse("10.0.0.0/8=eu, 10.1.0.0/16=us, 2001:db8::/32=us"), null, Map.of(), Map.of()));

  private static Region region(String name, int freeSlots) {
    return new Region(name, true, freeSlots, List.of("demo"), false);
  }

  private static Optional<RegionSelector.Choice> choose(String client, List<Region> candidates) {
    InetAddress address = client == null ? null : IpLiteral.parse(client).orElseThrow();
    return SELECTOR.choose("demo", address, candidates);
  }

  @Test
  void theRegionOfTheAddressWinsWhenItCanServeEvenWithFewerFreeSlots() {
    List<Region> candidates = List.of(region("eu", 1), region("us", 50));
    RegionSelector.Choice choice = choose("10.2.3.4", candidates).orElseThrow();
    assertEquals("eu", choice.region().name());
    assertEquals("CIDR 10.0.0.0/8 of 10.2.3.4", choice.rule());
    assertEquals("us", choose("10.1.3.4", List.of(region("eu", 50), region("us", 1))).orElseThrow().region().name());
    assertEquals("us", choose("2001:db8::5", List.of(region("eu", 50), region("us", 1))).orElseThrow().region().name());
  }

  @Test
  void whenTheAddressRegionCannotServeTheOtherWithTheMostFreeSlotsIsChosen() {
    // eu is not among the candidates: full, unavailable, or without the application.
    RegionSelector.Choice choice = choose("10.2.3.4", List.of(region("us", 3), region("asia", 7))).orElseThrow();
    assertEquals("asia", choice.region().name());
    assertTrue(choice.rule().startsWith("region eu (CIDR 10.0.0.0/8 of 10.2.3.4) cannot start 'demo' now;"),
        choice.rule());
    assertTrue(choice.rule().endsWith("most free slots (7)"), choice.rule());
  }

  @Test
  void anAddressNoRuleKnowsAndAnUnknownAddressGoByFreeSlotsWithStableTies() {
    List<Region> candidates = List.of(region("west", 4), region("east", 4), region("north", 2));
    RegionSelector.Choice unknown = choose("192.0.2.1", candidates).orElseThrow();
    assertEquals("east", unknown.region().name(), "ties go to the first name in alphabetical order");
    assertEquals("no rule names a region for 192.0.2.1; most free slots (4)", unknown.rule());
    assertEquals("east", choose(null, candidates).orElseThrow().region().name());
  }

  @Test
  void noCandidateMeansNoChoice() {
    assertEquals(Optional.empty(), choose("10.2.3.4", List.of()));
    assertEquals(Optional.empty(), choose(null, List.of()));
  }
}
