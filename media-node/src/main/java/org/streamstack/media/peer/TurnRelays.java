package org.streamstack.media.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.streamstack.media.ice.TurnServer;
import org.streamstack.protocol.turn.TurnRestCredentials;

/**
 * The TURN servers a media node relays through, with either fixed long-term credentials or a
 * shared secret from which each peer gets time-limited ones (coturn's {@code use-auth-secret}, the
 * same scheme the gateway gives browsers).
 *
 * @param servers host:port of each server
 */
public record TurnRelays(List<String> servers, String sharedSecret, String username, String password,
    Duration credentialTtl) {

  public static TurnRelays none() {
    return new TurnRelays(List.of(), "", "", "", Duration.ofHours(12));
  }

  public TurnRelays {
    servers = List.copyOf(servers);
    if (!servers.isEmpty() && sharedSecret.isEmpty() && username.isEmpty()) {
      throw new IllegalArgumentException("TURN servers need turn-shared-secret or turn-username and turn-password");
    }
  }

  List<TurnServer> credentialsFor(String peerId, Instant now) {
    String user = username;
    String pass = password;
    if (!sharedSecret.isEmpty()) {
      TurnRestCredentials issued = TurnRestCredentials.issue(sharedSecret, "media-" + peerId, now, credentialTtl);
      user = issued.username();
      pass = issued.password();
    }
    List<TurnServer> list = new ArrayList<>(servers.size());
    for (String server : servers) {
      int colon = server.lastIndexOf(':');
      String host = colon < 0 ? server : server.substring(0, colon);
      int port = colon < 0 ? 3478 : Integer.parseInt(server.substring(colon + 1));
      list.add(new TurnServer(host.replaceFirst("^turns?:", ""), port, user, pass));
    }
    return list;
  }
}
