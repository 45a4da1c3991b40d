package org.streamstack.cluster.gateway.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.regions.AddressRules;
import org.streamstack.cluster.gateway.regions.IpLiteral;

/** Manual instance launch takes every configured region as available and still routes by address. */
class ManualLaunchTest {

  private final GatewaySettings settings = GatewaySettings.from(ConfigFactory.parseString("""
      streamstack.gateway.regions = ["north", "south"]
      streamstack.gateway.routing.cidr-regions = "10.0.0.0/8=south, 192.0.2.0/24=elsewhere"
      """).withFallback(ConfigFactory.defaultReference()).resolve());
  private final ManualLaunch launch = new ManualLaunch(settings, AddressRules.open(settings.routing()));

  private String regionFor(String requested, String client) {
    InetAddress address = client == null ? null : IpLiteral.parse(client).orElseThrow();
    return launch.regionFor("s", "demo", requested, address).toCompletableFuture().join();
  }

  @Test
  void theAddressPicksAmongTheConfiguredRegionsElseTheFirst() {
    assertEquals("south", regionFor(null, "10.9.8.7"));
    assertEquals("north", regionFor("", "198.51.100.1"), "no rule: the first configured region");
    assertEquals("north", regionFor(null, "192.0.2.1"), "a rule naming a region not configured is passed over");
    assertEquals("north", regionFor(null, null));
    assertEquals("north", regionFor("north", "10.9.8.7"), "the client's own choice wins");
    CompletionException unknown = assertThrows(CompletionException.class, () -> regionFor("east", "10.9.8.7"));
    assertEquals(400, ((LaunchRefused) unknown.getCause()).status());
  }
}
