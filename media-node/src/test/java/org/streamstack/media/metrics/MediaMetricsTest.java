package org.streamstack.media.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.media.bench.SyntheticVideoSource;
import org.streamstack.media.bench.TestBrowser;
import org.streamstack.media.bench.TestBrowser.Milestone;
import org.streamstack.media.bench.TestBrowser.WirePacket;
import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.encoder.EncoderConfig;
import org.streamstack.media.encoder.EncoderImplementation;
import org.streamstack.media.encoder.FfmpegVideoEncoder;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.peer.AudioSource;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerResources;
import org.streamstack.media.peer.PeerStats;
import org.streamstack.media.peer.TurnRelays;
import org.streamstack.media.srtp.SrtpSession;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * The media node's metrics, scraped over HTTP from {@link MetricsEndpoint}, while a real peer
 * streams over loopback to a {@link TestBrowser} with 5 % of its packets dropped on purpose:
 * streams, frames, fps, bitrate, encode time, loss the browser reports, retransmissions it asks for.
 */
class MediaMetricsTest {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 360;
  private static final int FPS = 30;
  private static final Duration CONNECT = Duration.ofSeconds(10);

  private static ActorTestKit testKit;
  private static IceUdpPort port;
  private static MetricsEndpoint endpoint;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    SrtpSession.warmUp();
    testKit = ActorTestKit.create();
    port = IceUdpPort.open(TestPorts.loopback());
    endpoint = MetricsEndpoint.start(0, MediaMetrics.get(testKit.system()));
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) endpoint.close();
    if (testKit != null) testKit.shutdownTestKit();
    if (port != null) port.close();
  }

  private static PrometheusText scrape() {
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("version=0.0.4"));
      return PrometheusText.parse(response.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static double metric(String name) {
    return scrape().value(name);
  }

  @Test
  void theMetricsFollowAStreamItsLossAndItsRetransmissions() throws Exception {
    PrometheusText before = scrape();
    assertEquals("gauge", before.types.get("streamstack_streams"));
    assertEquals("histogram", before.types.get("streamstack_encode_seconds"));
    assertEquals("counter", before.types.get("streamstack_rtp_packets_lost_total"));
    assertEquals(0.0, before.value("streamstack_streams"));

    PeerResources lossy = new PeerResources(port, IceSettings.defaults(), TurnRelays.none(), DtlsCertificate.generate(),
        DtlsSettings.defaults(), 1024, 0.05);
    SyntheticVideoSource video = SyntheticVideoSource.start(testKit.system(), "video-metrics", WIDTH, HEIGHT, FPS,
        c -> new FfmpegVideoEncoder(EncoderImplementation.cpu(c),
            EncoderConfig.of(WIDTH, HEIGHT, FPS, BitrateLimits.forVideo(WIDTH, HEIGHT, FPS).minBitsPerSecond())));
    TestBrowser browser = new TestBrowser(VideoCodec.H264, fixture(), DtlsSettings.defaults());
    TestProbe<Peer.Event> events = testKit.createTestProbe();
    ActorRef<Peer.Command> peer = testKit.spawn(Peer.create("metrics-peer", lossy,
        new SignalingMessage.Settings(2, List.of(), false, false, true, false, "desktop", null,
            new SignalingMessage.VideoSettings(List.of("H264"))),
        video, AudioSource.none(), browser::onSignaling, events.getRef()), "metrics-peer");
    try {
      browser.await(Milestone.OFFER, CONNECT);
      browser.answer(peer);
      events.expectMessageClass(Peer.Connected.class, CONNECT);
      assertEquals(1.0, metric("streamstack_streams"));

      await("60 frames", Duration.ofSeconds(10), () -> browser.frameCount() >= 60);
      // The gauges are worked out once a second over the last five.
      await("the fps gauge to see the stream", Duration.ofSeconds(5), () -> metric("streamstack_stream_fps") > 10);
      PrometheusText streaming = scrape();
      double fps = streaming.value("streamstack_stream_fps");
      assertTrue(fps < 40, fps + " fps");
      double bitrate = streaming.value("streamstack_stream_bitrate_bps");
      assertTrue(bitrate > 10_000, bitrate + " bps");
      assertTrue(streaming.value("streamstack_video_frames_sent_total")
          - before.value("streamstack_video_frames_sent_total") >= 60);
      assertTrue(streaming.value("streamstack_encode_seconds_count")
          - before.value("streamstack_encode_seconds_count") >= 60);
      assertTrue(streaming.value("streamstack_encode_seconds_sum") > 0);

      // Loss: the browser's receiver report says how many packets never came.
      assertTrue(browser.sendReceiverReport());
      await("the reported loss", Duration.ofSeconds(2), () -> metric("streamstack_rtp_packets_lost_total") > 0);
      PeerStats stats = stats(peer);
      double lost = metric("streamstack_rtp_packets_lost_total");
      assertTrue(lost <= stats.packetsDroppedBySimulatedLoss(), lost + " lost, " + stats);

      // Retransmissions: as many as the peer counts, for a NACK of packets it still has.
      List<WirePacket> wire = browser.wirePackets();
      List<Integer> asked = List.of(wire.get(wire.size() - 10).sequenceNumber(), wire.get(wire.size() - 5).sequenceNumber());
      double retransmittedBefore = metric("streamstack_rtp_packets_retransmitted_total");
      assertTrue(browser.sendNack(asked));
      await("the NACK answered", Duration.ofSeconds(2), () -> stats(peer).nacksReceived() == 1);
      assertEquals(retransmittedBefore + stats(peer).retransmitted(), metric("streamstack_rtp_packets_retransmitted_total"));
      assertTrue(stats(peer).retransmitted() > 0);
    } finally {
      peer.tell(new Peer.Stop("test over"));
      events.expectMessageClass(Peer.Ended.class, Duration.ofSeconds(5));
      browser.close();
      video.close();
    }
    await("the stream to be gone", Duration.ofSeconds(5), () -> metric("streamstack_streams") == 0);
  }

  private static PeerStats stats(ActorRef<Peer.Command> peer) {
    TestProbe<PeerStats> probe = testKit.createTestProbe();
    peer.tell(new Peer.GetStats(probe.getRef()));
    return probe.receiveMessage();
  }

  private static String fixture() throws IOException {
    try (InputStream in = MediaMetricsTest.class.getResourceAsStream("/fixtures/chromium-156-answer-h264.sdp")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      Thread.sleep(20);
    }
  }
}
