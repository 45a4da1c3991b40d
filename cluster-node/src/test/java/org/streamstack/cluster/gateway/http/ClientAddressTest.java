package org.streamstack.cluster.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.gateway.regions.Cidr;
import org.streamstack.cluster.gateway.regions.IpLiteral;

class ClientAddressTest {

  private static InetAddress ip(String literal) {
    return IpLiteral.parse(literal).orElseThrow();
  }

  private static final ClientAddress BEHIND_PROXIES =
      new ClientAddress(List.of(Cidr.parse("192.0.2.0/28"), Cidr.parse("2001:db8:ffff::/48")));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    ClientAddress none = new ClientAddress(List.of());
    assertEquals(ip("192.0.2.1"), none.resolve(ip("192.0.2.1"), List.of("203.0.113.9")));
  }

  @Test
  void theHeaderCountsOnlyWhenTheConnectionComesFromATrustedProxy() {
    assertEquals(ip("203.0.113.9"), BEHIND_PROXIES.resolve(ip("192.0.2.1"), List.of("203.0.113.9")));
    assertEquals(ip("198.51.100.1"), BEHIND_PROXIES.resolve(ip("198.51.100.1"), List.of("203.0.113.9")),
        "an untrusted peer's header is its own claim");
    assertEquals(ip("192.0.2.1"), BEHIND_PROXIES.resolve(ip("192.0.2.1"), List.of()));
  }

  @Test
  void theRightmostAddressThatIsNoTrustedProxyIsTheClient() {
    // The client forged 10.6.6.6; the outer proxy 192.0.2.2 appended the client's real address.
    assertEquals(ip("203.0.113.9"),
        BEHIND_PROXIES.resolve(ip("192.0.2.1"), List.of("10.6.6.6, 203.0.113.9", "192.0.2.2")));
    assertEquals(ip("2001:db8::7"),
        BEHIND_PROXIES.resolve(ip("2001:db8:ffff::1"), List.of("[2001:db8::7]:5555, 192.0.2.3:80")));
    assertEquals(ip("192.0.2.4"), BEHIND_PROXIES.resolve(ip("192.0.2.1"), List.of("192.0.2.4")),
        "all hops trusted: the farthest one is the client");
  }

  @Test
  void aMalformedEntryStopsTheWalkAtTheHopThatPassedItOnAndIsCounted() {
    ClientAddress proxies = new ClientAddress(List.of(Cidr.parse("192.0.2.0/28")));
    assertEquals(ip("192.0.2.2"), proxies.resolve(ip("192.0.2.1"), List.of("evil.example.com, 192.0.2.2")));
    assertEquals(ip("192.0.2.1"), proxies.resolve(ip("192.0.2.1"), List.of("unknown")));
    assertEquals(2, proxies.malformedHeaders());
  }
}
