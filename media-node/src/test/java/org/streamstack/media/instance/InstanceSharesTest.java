package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
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
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.metrics.MediaMetrics;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.gateway.ApiJson;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * One instance, its owner's client and the peers of two shares on one socket (issue 6, the media
 * node's half of the shares contract): each peer gets its own tagged offer and its own stream
 * from the one encoder, a view peer's messages never reach the application while a control
 * peer's do, a cut peer stops, and past the bound a peer is refused. The clients are {@link
 * TestBrowser}s (ICE, DTLS-SRTP, SCTP as Chromium); the gateway's instance socket is {@link
 * InstanceSocketStandIn}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstanceSharesTest {

  private static final Duration STEP = Duration.ofSeconds(20);
  private static final String SETTINGS = "{\"type\":\"settings\",\"api_version\":2,\"data_channels\":[],"
      + "\"enable_speaker\":false,\"enable_video\":true,\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}";

  private MediaNode node;

  @BeforeAll
  void start() {
    node = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node.nats-url = ""
        streamstack.media.node.metrics-port = 0
        streamstack.media.peer.max-share-peers = 2
        """.formatted(TestPorts.loopback().consentCheckInterval().toMillis())));
  }

  @AfterAll
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void ownerAndSharePeersStreamFromOneEncoderAndOnlyTheViewPeerIsKeptFromTheApplication() throws Exception {
    List<Client> clients = new ArrayList<>();
    try (InstanceSocketStandIn gateway = new InstanceSocketStandIn(node.system())) {
      ActorRef<InstanceRuntime.Command> instance = node.startSyntheticInstance("shares-1", gateway.url(), 640, 360, 30);
      Await.until("the instance socket", STEP, gateway::connected);

      Client owner = new Client(gateway, null);
      clients.add(owner);
      gateway.send(SETTINGS);
      owner.answerWhenOffered();

      gateway.send("{\"type\":\"gateway:peer-joined\",\"peer\":\"view.1\",\"role\":\"view\"}");
      gateway.send("{\"type\":\"gateway:peer-joined\",\"peer\":\"control.1\",\"role\":\"control\"}");
      gateway.send(SignalingMessage.tagged("{\"type\":\"discover\"}", "view.1"));
      JsonNode discovered = ApiJson.MAPPER.readTree(gateway.next("view.1", STEP));
      assertEquals("resp:discover", discovered.path("type").asText());
      assertEquals("view.1", discovered.path("peer").asText());
      Client viewer = new Client(gateway, "view.1");
      Client controller = new Client(gateway, "control.1");
      clients.add(viewer);
      clients.add(controller);
      gateway.send(SignalingMessage.tagged(SETTINGS, "view.1"));
      gateway.send(SignalingMessage.tagged(SETTINGS, "control.1"));
      viewer.answerWhenOffered();
      controller.answerWhenOffered();

      for (Client client : clients) {
        Await.until(client + " to receive frames", STEP, () -> client.browser.frameCount() >= 10);
      }
      // Everything the instance sent is addressed: the owner's frames name no peer, a share
      // peer's name it (InstanceSocketStandIn sorts them by that field).
      assertTrue(gateway.framesFor("nobody").isEmpty());

      // One encode serves all three: the encoder's frame count advances as one stream's, not three.
      PrometheusText before = metrics();
      long[] framesBefore = clients.stream().mapToLong(c -> c.browser.frameCount()).toArray();
      Thread.sleep(3000);
      PrometheusText after = metrics();
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
      for (Client client : clients) client.browser.openControlChannel();
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

      // The bound: two share peers here; a third is refused with an error addressed to it.
      gateway.send("{\"type\":\"gateway:peer-joined\",\"peer\":\"view.2\",\"role\":\"view\"}");
      JsonNode refused = ApiJson.MAPPER.readTree(gateway.next("view.2", STEP));
      assertEquals("error", refused.path("type").asText());
      assertEquals("this instance serves at most 2 share peers at a time", refused.path("message").asText());
      assertEquals(1, metrics().value("streamstack_share_peers_refused_total"));
      gateway.send(SignalingMessage.tagged(SETTINGS, "view.2"));
      Await.until("the refused peer's settings to be dropped", STEP,
          () -> metrics().value("streamstack_share_frames_dropped_total") == 1);
      assertEquals(2, sharePeers(instance).size());

      // A cut peer stops; the others stream on.
      gateway.send("{\"type\":\"gateway:peer-left\",\"peer\":\"view.1\",\"reason\":\"share deleted\"}");
      Await.until("the cut peer to stop", STEP, () -> !sharePeers(instance).containsKey("view.1"));
      assertEquals(List.of("control.1"), List.copyOf(sharePeers(instance).keySet()));
      long ownerFrames = owner.browser.frameCount();
      long controllerFrames = controller.browser.frameCount();
      Await.until("the owner and the control peer to keep receiving", STEP,
          () -> owner.browser.frameCount() > ownerFrames + 10 && controller.browser.frameCount() > controllerFrames + 10);
      // Its place is free again.
      gateway.send("{\"type\":\"gateway:peer-joined\",\"peer\":\"view.3\",\"role\":\"view\"}");
      Client late = new Client(gateway, "view.3");
      clients.add(late);
      gateway.send(SignalingMessage.tagged(SETTINGS, "view.3"));
      late.answerWhenOffered();
      Await.until("the peer that took the free place to receive frames", STEP, () -> late.browser.frameCount() >= 10);
    } finally {
      for (Client client : clients) client.close();
    }
  }

  private PrometheusText metrics() {
    return PrometheusText.parse(MediaMetrics.get(node.system()).scrape());
  }

  private double dropped(String kind) {
    return metrics().value("streamstack_view_peer_messages_dropped_total", "kind", kind);
  }

  private Map<String, ActorRef<Peer.Command>> sharePeers(ActorRef<InstanceRuntime.Command> instance) {
    CompletionStage<Map<String, ActorRef<Peer.Command>>> reply = AskPattern.ask(instance,
        InstanceRuntime.GetSharePeers::new, STEP, node.system().scheduler());
    try {
      return reply.toCompletableFuture().get(STEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the instance did not answer", e);
    }
  }

  /** One client on the stand-in's socket: the owner's ({@code peer} null) or a share peer's. */
  private static final class Client implements AutoCloseable {
    final InstanceSocketStandIn gateway;
    final String peer;
    final TestBrowser browser;
    private final Thread reader;

    Client(InstanceSocketStandIn gateway, String peer) throws Exception {
      this.gateway = gateway;
      this.peer = peer;
      this.browser = new TestBrowser(VideoCodec.H264, TestBrowser.chromiumAnswer(VideoCodec.H264),
          org.streamstack.media.dtls.DtlsSettings.defaults());
      browser.nackGenerator(true);
      String key = peer == null ? InstanceSocketStandIn.OWNER : peer;
      reader = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            String frame = gateway.framesFor(key).take();
            browser.onSignaling(frame);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "signaling-" + key);
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the offer, then answers it through the socket (tagged for a share peer). */
    void answerWhenOffered() {
      browser.await(TestBrowser.Milestone.OFFER, STEP);
      browser.answer(frame -> gateway.send(peer == null ? frame : SignalingMessage.tagged(frame, peer)));
      browser.await(TestBrowser.Milestone.DTLS_CONNECTED, STEP);
    }

    @Override
    public String toString() {
      return (peer == null ? "the owner" : "share peer " + peer) + " " + browser;
    }

    @Override
    public void close() {
      reader.interrupt();
      browser.close();
    }
  }
}
