package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.peer.PeerStats;

/**
 * The stream under trouble, in real headless Chromium: 5 % of outgoing RTP packets dropped on
 * purpose, repaired by the browser's NACKs; and garbage thrown at the media node's UDP port.
 */
class ChromiumRobustnessTest extends BrowserTest {

  @Override
  protected String mediaSettings() {
    return "streamstack.media.peer.simulated-outgoing-loss = 0.05";
  }

  @Test
  void nackRepairKeepsFramesDecodingWhenFivePercentOfPacketsAreLost() throws Exception {
    fixture.startSession("VP8");
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> fixture.decodedFrames() > 0);
    long first = fixture.decodedFrames();
    long sentBefore = fixture.peerStats().framesSent();
    Thread.sleep(10_000);
    long decoded = fixture.decodedFrames() - first;
    PeerStats stats = fixture.peerStats();
    long sent = stats.framesSent() - sentBefore;
    System.out.printf("5%% loss: %d of %d frames sent decoded in 10 s; %s%n", decoded, sent, stats);
    // About 60 of ~1,250 packets are dropped; 20 is five standard deviations below.
    assertTrue(stats.packetsDroppedBySimulatedLoss() > 20, "packets were dropped: " + stats.packetsDroppedBySimulatedLoss());
    assertTrue(stats.nacksReceived() > 0 && stats.retransmitted() > 0,
        "Chromium asked for lost packets and got them again: " + stats);
    // Without repair about one frame in five would miss a packet and the picture would stall on
    // the next keyframe; with it, nearly every frame sent is decoded.
    assertTrue(decoded >= sent * 9 / 10, decoded + " of " + sent + " frames decoded despite the loss");
    assertTrue(sent >= 200, "the stream kept its pace: " + sent + " frames sent in 10 s");
    assertTrue(fixture.repeatedProbeFrames() <= 10, "frozen frames: " + fixture.repeatedProbeFrames());
  }

  @Test
  void garbageOnTheMediaPortIsDroppedAndTheStreamGoesOn() throws Exception {
    fixture.startSession("H264");
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> fixture.decodedFrames() > 0);
    Random random = new Random(7);
    InetAddress node = InetAddress.getLoopbackAddress();
    int port = fixture.media.udpPort();
    try (DatagramSocket socket = new DatagramSocket()) {
      for (int i = 0; i < 3000; i++) {
        byte[] garbage = new byte[random.nextInt(1500)];
        random.nextBytes(garbage);
        // Every kind by first byte (RFC 7983): STUN, DTLS, RTP, RTCP, and none.
        if (garbage.length > 0) garbage[0] = (byte) new int[] {0, 1, 22, 23, 128, 144, 200, 201, 255}[i % 9];
        socket.send(new DatagramPacket(garbage, garbage.length, node, port));
      }
    }
    // The burst itself competes for the CPU; what matters is the stream afterwards.
    Thread.sleep(1000);
    long before = fixture.decodedFrames();
    Thread.sleep(3000);
    long after = fixture.decodedFrames();
    PeerStats stats = fixture.peerStats();
    assertEquals("CONNECTED", stats.state());
    assertTrue(after - before >= 75, "the stream went on: " + (after - before) + " frames in 3 s");
  }
}
