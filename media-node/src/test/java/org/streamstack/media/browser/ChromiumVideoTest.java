package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.media.instance.SyntheticInstance;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerStats;

/**
 * Video from a media node to real headless Chromium through a real gateway: the page speaks
 * PROTOCOL.md 4, decodes the synthetic application's 1280x720 picture, and reads the latency probe
 * of every frame to check that frames advance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChromiumVideoTest {

  private RunningNode gateway;
  private MediaNode media;
  private HeadlessChromium browser;
  private String token;
  private ActorRef<SyntheticInstance.Command> instance;

  @BeforeAll
  void start() throws Exception {
    gateway = RunningNode.standalone();
    token = gateway.createAccount("video");
    // ice4j's settings are JVM-wide and fixed by the first port opened: the same consent interval
    // as TestPorts.loopback(), or the ICE, transport and peer tests after this one cannot open theirs.
    media = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = 300ms
        """));
    browser = new HeadlessChromium();
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.close();
    if (media != null) media.close();
    if (gateway != null) gateway.stop();
  }

  @AfterEach
  void leave() {
    browser.blank();
    if (instance != null) instance.tell(new SyntheticInstance.Stop());
  }

  @Test
  void h264Streams250FramesIn10Seconds() throws Exception {
    streamsAtLeast250FramesIn10Seconds("H264");
  }

  @Test
  void vp8Streams250FramesIn10Seconds() throws Exception {
    streamsAtLeast250FramesIn10Seconds("VP8");
  }

  private void streamsAtLeast250FramesIn10Seconds(String codec) throws Exception {
    String sessionId = startSession(codec);
    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> browser.number("streamStats.frames") > 0);
    long first = browser.number("streamStats.frames");
    long firstProbe = browser.number("streamStats.probes[streamStats.probes.length-1].frame");
    Thread.sleep(10_000);
    long decoded = browser.number("streamStats.frames") - first;
    long lastProbe = browser.number("streamStats.probes[streamStats.probes.length-1].frame");
    PeerStats stats = peerStats();
    System.out.printf("%s session %s: %d frames decoded in 10 s; probe frame %d -> %d; %s%n", codec, sessionId,
        decoded, firstProbe, lastProbe, stats);
    assertEquals(codec, browser.script("return streamStats.codec;"), "the page decodes the codec it preferred");
    assertEquals(1280L, browser.number("streamStats.width"));
    assertEquals(720L, browser.number("streamStats.height"));
    assertTrue(decoded >= 250, codec + ": " + decoded + " frames decoded in 10 s");
    assertTrue(lastProbe - firstProbe >= 250, "the probe's frame number advanced by " + (lastProbe - firstProbe));
    assertTrue(repeatedProbeFrames() <= 3, "frames decoded twice or frozen: " + repeatedProbeFrames());
    assertEquals(List.of(), browser.script("return streamStats.errors;"));
  }

  /** Creates a session, runs the synthetic instance on its instance socket, opens the page. */
  private String startSession(String codec) {
    String sessionId = gateway.createSession(token, Map.of("app", "demo")).path("id").asText();
    var created = gateway.api.get("/1.0/sessions/" + sessionId + "/connect", token).json().path("metadata");
    instance = media.startSyntheticInstance(sessionId, gateway.instanceSocketUrl(sessionId), 1280, 720, 30);
    browser.openClient(Map.of("ws", created.path("url").asText(), "codecs", codec));
    return sessionId;
  }

  /** Consecutive decoded frames whose probe shows the same frame number. */
  private long repeatedProbeFrames() {
    @SuppressWarnings("unchecked")
    List<Long> frames = (List<Long>) browser.script("return streamStats.probes.map(p => p.frame);");
    long repeats = 0;
    List<Long> window = new ArrayList<>(frames.subList(Math.max(0, frames.size() - 300), frames.size()));
    for (int i = 1; i < window.size(); i++) {
      if (window.get(i).equals(window.get(i - 1))) repeats++;
    }
    return repeats;
  }

  private PeerStats peerStats() throws Exception {
    Optional<ActorRef<Peer.Command>> peer = AskPattern.<SyntheticInstance.Command, Optional<ActorRef<Peer.Command>>>ask(
        instance, SyntheticInstance.GetPeer::new, Duration.ofSeconds(5), media.system().scheduler())
        .toCompletableFuture().get();
    return AskPattern.<Peer.Command, PeerStats>ask(peer.orElseThrow(), Peer.GetStats::new, Duration.ofSeconds(5),
        media.system().scheduler()).toCompletableFuture().get();
  }
}
