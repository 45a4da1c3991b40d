package org.streamstack.media.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.media.ice.TurnServer;
import org.streamstack.protocol.turn.TurnRestCredentials;

class TurnRelaysTest {

  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

  @Test
  void aSharedSecretGivesEachPeerItsOwnTimeLimitedCredentials() {
    TurnRelays relays = new TurnRelays(List.of("turn:10.0.0.5:3478", "relay.example:5349"), "s3cret", "", "",
        Duration.ofHours(1));
    List<TurnServer> servers = relays.credentialsFor("peer-7", NOW);
    assertEquals(2, servers.size());
    assertEquals("10.0.0.5", servers.get(0).host());
    assertEquals(3478, servers.get(0).port());
    assertEquals("relay.example", servers.get(1).host());
    assertEquals(5349, servers.get(1).port());
    assertEquals("1800003600:media-peer-7", servers.get(0).username());
    assertEquals(TurnRestCredentials.password("s3cret", "1800003600:media-peer-7"), servers.get(0).password());
  }

  @Test
  void fixedCredentialsAreUsedAsGiven() {
    TurnServer server = new TurnRelays(List.of("127.0.0.1"), "", "user", "pass", Duration.ofHours(1))
        .credentialsFor("p", NOW).get(0);
    assertEquals(new TurnServer("127.0.0.1", 3478, "user", "pass"), server);
  }

  @Test
  void serversWithoutCredentialsAreRefusedAtStart() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new TurnRelays(List.of("127.0.0.1:3478"), "", "", "", Duration.ofHours(1)));
    assertTrue(error.getMessage().contains("turn-shared-secret"));
    assertTrue(TurnRelays.none().servers().isEmpty());
  }
}
