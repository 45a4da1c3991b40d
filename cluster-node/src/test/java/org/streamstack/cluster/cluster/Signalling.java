package org.streamstack.cluster.cluster;

import java.time.Duration;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.NodeProcess;
import org.streamstack.cluster.testing.SignalingClient;

/** One session's two signalling sockets on members of a cluster of processes, relaying a frame each way. */
final class Signalling {

  private Signalling() {}

  /**
   * Takes a client credential through {@code clientSide}'s API and an instance credential through
   * {@code credentials}' admin interface, opens the client socket on {@code clientSide} and the
   * instance socket on {@code instanceSide}, and sees one frame cross each way. Throws when any
   * step fails.
   */
  static void relayOneFrameEachWay(String sessionId, String token, NodeProcess clientSide, NodeProcess instanceSide,
      NodeProcess credentials) throws InterruptedException {
    ApiClient.Reply connect = clientSide.api.get("/1.0/sessions/" + sessionId + "/connect", token);
    if (connect.status() != 200) throw new IllegalStateException("connect answered " + connect.status() + ": " + connect.body());
    String clientUrl = onMember(connect.json().path("metadata").path("url").asText(), clientSide);
    ApiClient.Reply instance = credentials.admin.post("/admin/v1/sessions/" + sessionId + "/instance-socket", null, null);
    if (instance.status() != 200) {
      throw new IllegalStateException("instance credential answered " + instance.status() + ": " + instance.body());
    }
    String instanceUrl = onMember(instance.json().path("metadata").path("url").asText(), instanceSide);
    try (SignalingClient client = SignalingClient.connect(clientUrl);
        SignalingClient instanceSocket = SignalingClient.connect(instanceUrl)) {
      String offer = "{\"type\":\"offer\",\"sdp\":\"v=0 " + sessionId + "\"}";
      instanceSocket.send(offer);
      expect(client, offer, "instance to client");
      String candidate = "{\"type\":\"candidate\",\"candidate\":\"" + sessionId + "\"}";
      client.send(candidate);
      expect(instanceSocket, candidate, "client to instance");
    }
  }

  /** Waits for {@code frame}, passing over the gateway's own notices (type gateway:..., PROTOCOL.md). */
  private static void expect(SignalingClient socket, String frame, String direction) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      String next = socket.next(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      if (next == null) break;
      if (next.equals(frame)) return;
      if (!next.contains("\"gateway:")) throw new AssertionError(direction + ": expected " + frame + ", got " + next);
    }
    throw new AssertionError(direction + ": " + frame + " did not arrive within 15 s");
  }

  private static String onMember(String socketUrl, NodeProcess member) {
    return socketUrl.replaceFirst("^ws://[^/]+", "ws://127.0.0.1:" + member.gatewayPort);
  }
}
