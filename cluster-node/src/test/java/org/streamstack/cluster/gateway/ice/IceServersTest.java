package org.streamstack.cluster.gateway.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.protocol.gateway.StunServer;
import org.streamstack.protocol.turn.TurnRestCredentials;

class IceServersTest {

  @Test
  void passwordIsBase64OfHmacSha1() {
    // HMAC-SHA1 of the classic vector: key "key", message "The quick brown fox jumps over the lazy dog".
    assertEquals("3nybhbi3iqa8ino29wqQcBydtNk=",
        TurnRestCredentials.password("key", "The quick brown fox jumps over the lazy dog"));
  }

  @Test
  void turnCredentialsNameTheSessionAndExpireAfterTheTtl() {
    IceServers servers = new IceServers(List.of("stun:127.0.0.1:3478"), List.of("turn:127.0.0.1:3478?transport=udp"),
        "s3cret", Duration.ofHours(1));
    Instant now = Instant.ofEpochSecond(1_800_000_000L);
    List<StunServer> list = servers.forSession("abc", now);
    assertEquals(2, list.size());
    assertEquals(new StunServer(List.of("stun:127.0.0.1:3478"), null, null), list.get(0));
    assertEquals("1800003600:abc", list.get(1).username());
    assertEquals(TurnRestCredentials.password("s3cret", "1800003600:abc"), list.get(1).password());
  }

  @Test
  void withoutASecretNoTurnEntryIsIssued() {
    IceServers servers = new IceServers(List.of(), List.of("turn:127.0.0.1:3478"), "", Duration.ofHours(1));
    assertTrue(servers.forSession("abc", Instant.now()).isEmpty());
  }
}
