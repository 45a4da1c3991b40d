package org.streamstack.cluster.gateway.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CidrTableTest {

  private static InetAddress ip(String literal) {
    return IpLiteral.parse(literal).orElseThrow();
  }

  private static String regionOf(CidrTable table, String address) {
    return table.lookup(ip(address)).map(CidrTable.Entry::region).orElse(null);
  }

  @Test
  void theLongestMatchingPrefixWinsWhateverTheOrderOfTheEntries() {
    CidrTable table = CidrTable.parse("10.1.2.0/24=lab, 10.0.0.0/8=eu 10.1.0.0/16=us,0.0.0.0/0=world");
    assertEquals("lab", regionOf(table, "10.1.2.200"));
    assertEquals("us", regionOf(table, "10.1.3.1"));
    assertEquals("eu", regionOf(table, "10.200.0.1"));
    assertEquals("world", regionOf(table, "192.0.2.1"));
    assertEquals("CIDR-free", Optional.ofNullable(regionOf(table, "2001:db8::1")).orElse("CIDR-free"),
        "an IPv6 address never matches an IPv4 network, not even 0.0.0.0/0");
  }

  @Test
  void ipv6NetworksMatchIpv6AddressesByLongestPrefix() {
    CidrTable table = CidrTable.parse("2001:db8::/32=eu,2001:db8:ab::/48=us, fd00::/8=lab, ::1=loopback");
    assertEquals("us", regionOf(table, "2001:db8:ab:1::7"));
    assertEquals("eu", regionOf(table, "2001:db8:ac::7"));
    assertEquals("lab", regionOf(table, "fd12:3456::1"));
    assertEquals("loopback", regionOf(table, "::1"));
    assertEquals(null, regionOf(table, "2001:db9::1"));
    assertEquals(null, regionOf(table, "10.0.0.1"));
    assertEquals("2001:db8:ab::/48", table.lookup(ip("2001:db8:ab::9")).orElseThrow().network().canonical());
  }

  @Test
  void aBareAddressIsANetworkOfOneAndPrefixBoundariesAreExact() {
    CidrTable table = CidrTable.parse("192.0.2.7=one 198.51.100.0/25=low 198.51.100.128/25=high");
    assertEquals("one", regionOf(table, "192.0.2.7"));
    assertEquals(null, regionOf(table, "192.0.2.8"));
    assertEquals("low", regionOf(table, "198.51.100.127"));
    assertEquals("high", regionOf(table, "198.51.100.128"));
    assertEquals("high", regionOf(table, "198.51.100.255"));
    assertTrue(CidrTable.parse("  ").isEmpty());
  }

  @Test
  void malformedEntriesAreRefusedWithAMessageNamingThem() {
    assertRefused("10.0.0.0/8", "is not NETWORK=REGION");
    assertRefused("10.0.0.0/8=", "is not NETWORK=REGION");
    assertRefused("=eu", "is not NETWORK=REGION");
    assertRefused("10.0.0.0/33=eu", "prefix length must be 0-32");
    assertRefused("2001:db8::/129=eu", "prefix length must be 0-128");
    assertRefused("10.0.0.0/x=eu", "prefix length");
    assertRefused("10.0.0.256/32=eu", "is no IP address");
    assertRefused("eu.example.com/24=eu", "is no IP address");
    assertRefused("10.1.2.3/8=eu", "the network is 10.0.0.0/8");
    assertRefused("10.0.0.0/8=e.u", "region 'e.u' must be letters");
    assertRefused("10.0.0.0/8=eu,10.0.0.0/8=us", "given twice");
  }

  @Test
  void addressesAreWrittenTheWayRfc5952Says() {
    assertEquals("2001:db8::1", IpLiteral.format(ip("2001:0DB8:0:0:0:0:0:1")));
    assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.format(ip("2001:db8:0:1:1:1:1:1")), "one zero group stays");
    assertEquals("2001:0:0:1::1", IpLiteral.format(ip("2001:0:0:1:0:0:0:1")), "the longest run is shortened");
    assertEquals("2001:db8::1:0:0:1", IpLiteral.format(ip("2001:db8:0:0:1:0:0:1")), "the first of equal runs");
    assertEquals("::", IpLiteral.format(ip("::")));
    assertEquals("::1", IpLiteral.format(ip("::1")));
    assertEquals("fe80::", IpLiteral.format(ip("fe80:0:0:0:0:0:0:0")));
    assertEquals("192.0.2.1", IpLiteral.format(ip("::ffff:192.0.2.1")), "IPv4-mapped addresses are IPv4");
  }

  @Test
  void theSameEntryTwiceIsHarmless() {
    assertEquals("eu", regionOf(CidrTable.parse("10.0.0.0/8=eu 10.0.0.0/8=eu"), "10.9.9.9"));
  }

  private static void assertRefused(String entries, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CidrTable.parse(entries));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
