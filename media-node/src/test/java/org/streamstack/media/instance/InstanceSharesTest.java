package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.media.bench.TestBrowser;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerStats;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * One instance, its owner's client and the peers of its session's shares, through a real gateway
 * (issue 6, the media node's half of the shares contract): each share peer gets its own offer on
 * its own socket and its own stream from the one encoder, a view peer's messages never reach the
 * application while a control peer's do, a cut peer stops, past the node's bound a peer is
 * refused while a peer whose client went away holds no place; a share peer's client leaving is not
 * reported as the owner's. The clients are {@link
 * TestBrowser}s (ICE, DTLS-SRTP, SCTP as Chromium).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceSharesTest {

  private static final Duration STEP = Duration.ofSeconds(20);
  private GatewayAndNode stack;

  @BeforeAll
  void start() {
    stack = GatewayAndNode.start("shares-media", "streamstack.media.peer.max-share-peers = 2");
  }

  @AfterAll
  void stop() {
    if (stack != null) stack.close();
  }

  @Test
  void ownerAndSharePeersStreamFromOneEncoderAndOnlyTheViewPeerIsKeptFromTheApplication() throws Exception {
    List<PeerClient> clients = new ArrayList<>();
    try {
      JsonNode session = stack.createSession();
      String sessionId = session.path("id").asText();
      LinkedBlockingQueue<InstanceRuntime.Event> events = new LinkedBlockingQueue<>();
      ActorRef<InstanceRuntime.Command> instance = stack.startInstance(
          InstanceSpec.manual("shares-1", stack.gateway.instanceSocketUrl(sessionId), 640, 360, 30), events);
      PeerClient owner = stack.owner(session);
      clients.add(owner);
      owner.send(GatewayAndNode.SETTINGS);
      owner.answerWhenOffered();

      JsonNode viewShare = stack.createShare(sessionId, "view");
      JsonNode controlShare = stack.createShare(sessionId, "control");
      PeerClient viewer = stack.join(viewShare);
      PeerClient controller = stack.join(controlShare);
      clients.add(viewer);
      clients.add(controller);
      // Everything the instance sends a share peer names it, and reaches that peer's socket only.
      viewer.send("{\"type\":\"discover\"}");
      JsonNode discovered = ApiJson.MAPPER.readTree(viewer.awaitFrame("resp:discover"));
      assertEquals(viewer.peer, discovered.path("peer").asText());
      viewer.send(GatewayAndNode.SETTINGS);
      controller.send(GatewayAndNode.SETTINGS);
      viewer.answerWhenOffered();
      controller.answerWhenOffered();
      assertEquals(viewer.peer, ApiJson.MAPPER.readTree(viewer.offer).path("peer").asText());
      assertEquals(controller.peer, ApiJson.MAPPER.readTree(controller.offer).path("peer").asText());
      assertFalse(ApiJson.MAPPER.readTree(owner.offer).has("peer"), "the owner's frames are as before");

      for (PeerClient client : clients) {
        Await.until(client + " to receive frames", STEP, () -> client.browser.frameCount() >= 10);
      }

      // One encode serves all three: the encoder's frame count advances as one stream's, not three.
      PrometheusText before = stack.metrics();
      long[] framesBefore = clients.stream().mapToLong(c -> c.browser.frameCount()).toArray();
      Thread.sleep(3000);
      PrometheusText after = stack.metrics();
      double encoded = after.value("streamstack_encode_seconds_count") - before.value("streamstack_encode_seconds_count");
      double sent = after.value("streamstack_video_frames_sent_total") - before.value("streamstack_video_frames_sent_total");
      for (int i = 0; i < clients.size(); i++) {
        long received = clients.get(i).browser.frameCount() - framesBefore[i];
        assertTrue(received > 0.5 * encoded && received <= encoded + 5,
            clients.get(i) + " received " + received + " frames while " + encoded + " were encoded");
      }
      assertTrue(sent > 2.5 * encoded * 0.9 && encoded > 30,
          "three streams of one encode: " + sent + " frames sent, " + encoded + " encoded");

      // Roles: the owner and the control peer reach the application (it echoes their out-of-band
      // messages); the view peer's input and out-of-band messages are dropped and counted.
      for (PeerClient client : clients) client.browser.openControlChannel();
      viewer.browser.sendControl("{\"type\":\"input::key\",\"data\":{\"code\":30,\"pressed\":true}}");
      viewer.browser.sendControl("{\"type\":\"test::ping\",\"data\":{\"from\":\"view\"}}");
      Await.until("the view peer's two messages to be dropped", STEP,
          () -> dropped("input") == 1 && dropped("out-of-band") == 1);
      owner.browser.sendControl("{\"type\":\"test::ping\",\"data\":{\"from\":\"owner\"}}");
      controller.browser.sendControl("{\"type\":\"input::key\",\"data\":{\"code\":30,\"pressed\":true}}");
      controller.browser.sendControl("{\"type\":\"test::ping\",\"data\":{\"from\":\"control\"}}");
      Await.until("the owner's echo", STEP, () -> owner.browser.controlReceived().size() == 1);
      Await.until("the control peer's echo", STEP, () -> controller.browser.controlReceived().size() == 1);
      assertTrue(owner.browser.controlReceived().get(0).contains("\"owner\""), owner.browser.controlReceived().toString());
      assertTrue(controller.browser.controlReceived().get(0).contains("\"control\""),
          controller.browser.controlReceived().toString());
      assertEquals(List.of(), viewer.browser.controlReceived());
      assertEquals(1, dropped("input"), "the control peer's key press is not dropped");
      assertEquals(1, dropped("out-of-band"));

      // A share peer's client leaving is its own business; only the owner's is reported (the
      // events are checked at the end, once the owner's own departure proves they are all in).
      controller.browser.sendControl("{\"type\":\"stream::disconnect\",\"data\":{}}");
      ActorRef<Peer.Command> controllersPeer = sharePeers(instance).get(controller.peer);
      Await.until("the control peer's client to leave", STEP,
          () -> peerStats(controllersPeer).clientLeftReason() != null);

      // The node's bound: two share peers stream here; a third is refused with an error on its own socket.
      PeerClient third = stack.join(viewShare);
      clients.add(third);
      third.send(GatewayAndNode.SETTINGS);
      JsonNode refused = ApiJson.MAPPER.readTree(third.awaitFrame("error"));
      assertEquals("this instance serves at most 2 share peers at a time", refused.path("message").asText());
      assertEquals(1, stack.metrics().value("streamstack_share_peers_refused_total"));
      assertEquals(2, sharePeers(instance).size());

      // A view peer whose client just goes away (a page reload; the gateway sends no peer-left)
      // no longer holds its place: the reloaded page streams though the bound had been reached.
      clients.remove(viewer);
      viewer.close();
      Await.until("the gone viewer's peer to end", STEP, () -> !sharePeers(instance).containsKey(viewer.peer));
      PeerClient reloaded = stack.join(viewShare);
      clients.add(reloaded);
      reloaded.send(GatewayAndNode.SETTINGS);
      reloaded.answerWhenOffered();
      Await.until("the reloaded viewer to receive frames", STEP, () -> reloaded.browser.frameCount() >= 10);
      assertEquals(1, stack.metrics().value("streamstack_share_peers_refused_total"));

      // Deleting the view share cuts its peer: its stream stops, the others stream on.
      assertEquals(200, stack.gateway.api.delete("/1.0/shares/" + viewShare.path("id").asText(), stack.token).status());
      Await.until("the cut peer to stop", STEP, () -> !sharePeers(instance).containsKey(reloaded.peer));
      assertEquals(List.of(controller.peer), List.copyOf(sharePeers(instance).keySet()));
      long ownerFrames = owner.browser.frameCount();
      long controllerFrames = controller.browser.frameCount();
      Await.until("the owner and the control peer to keep receiving", STEP,
          () -> owner.browser.frameCount() > ownerFrames + 10 && controller.browser.frameCount() > controllerFrames + 10);
      long viewerFrames = reloaded.browser.frameCount();
      Thread.sleep(1000);
      assertTrue(reloaded.browser.frameCount() <= viewerFrames + 2, "the cut peer's stream stopped: " + reloaded);
      // Its place is free again.
      PeerClient late = stack.join(stack.createShare(sessionId, "view"));
      clients.add(late);
      late.send(GatewayAndNode.SETTINGS);
      late.answerWhenOffered();
      Await.until("the peer that took the free place to receive frames", STEP, () -> late.browser.frameCount() >= 10);

      owner.browser.sendControl("{\"type\":\"stream::disconnect\",\"data\":{}}");
      Await.until("the owner's client leaving to be reported", STEP,
          () -> events.stream().anyMatch(e -> e instanceof InstanceRuntime.ClientLeft));
      assertEquals(1, events.stream().filter(e -> e instanceof InstanceRuntime.ClientLeft).count(),
          "only the owner's client leaving is reported: " + events);
    } finally {
      for (PeerClient client : clients) client.close();
    }
  }

  private PeerStats peerStats(ActorRef<Peer.Command> peer) {
    try {
      return AskPattern.<Peer.Command, PeerStats>ask(peer, Peer.GetStats::new, STEP, stack.node.system().scheduler())
          .toCompletableFuture().get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the peer did not answer", e);
    }
  }

  private double dropped(String kind) {
    return stack.metrics().value("streamstack_view_peer_messages_dropped_total", "kind", kind);
  }

  private Map<String, ActorRef<Peer.Command>> sharePeers(ActorRef<InstanceRuntime.Command> instance) {
    CompletionStage<Map<String, ActorRef<Peer.Command>>> reply = AskPattern.ask(instance,
        InstanceRuntime.GetSharePeers::new, STEP, stack.node.system().scheduler());
    try {
      return reply.toCompletableFuture().get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the instance did not answer", e);
    }
  }
}
