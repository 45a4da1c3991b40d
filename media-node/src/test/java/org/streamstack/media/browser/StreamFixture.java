package org.streamstack.media.browser;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.media.instance.InstanceRuntime;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.peer.Peer;
import org.streamstack.media.peer.PeerStats;

/**
 * What a browser test streams through: a real gateway, a media node on loopback, and headless
 * Chromium with the test client page. One per test class.
 */
final class StreamFixture implements AutoCloseable {

  final RunningNode gateway;
  final MediaNode media;
  final HeadlessChromium browser;
  final String token;
  private ActorRef<InstanceRuntime.Command> instance;

  StreamFixture(String mediaSettings) throws java.io.IOException {
    gateway = RunningNode.standalone();
    token = gateway.createAccount("stream");
    media = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.node.nats-url = ""
        """ + mediaSettings));
    browser = new HeadlessChromium();
  }

  /** Creates a session, runs the synthetic instance on its instance socket and opens the page on it. */
  String startSession(String codec) {
    return startSession(codec, Map.of());
  }

  /** As {@link #startSession(String)}, with more query parameters for the page (speaker, channels). */
  String startSession(String codec, Map<String, String> page) {
    String sessionId = gateway.createSession(token, Map.of("app", "demo")).path("id").asText();
    String clientUrl = gateway.api.get("/1.0/sessions/" + sessionId + "/connect", token).json()
        .path("metadata").path("url").asText();
    instance = media.startSyntheticInstance(sessionId, gateway.instanceSocketUrl(sessionId), 1280, 720, 30);
    java.util.Map<String, String> query = new java.util.LinkedHashMap<>(page);
    query.put("ws", clientUrl);
    query.put("codecs", codec);
    browser.openClient(query);
    return sessionId;
  }

  /** Makes {@code started}, an instance a test started itself, the one {@link #endSession} stops. */
  ActorRef<InstanceRuntime.Command> endsWithTheSession(ActorRef<InstanceRuntime.Command> started) {
    instance = started;
    return started;
  }

  /** Leaves the page (as a closing tab leaves its session) and stops the instance. */
  void endSession() {
    browser.blank();
    if (instance != null) instance.tell(new InstanceRuntime.Stop("the test session ends"));
    instance = null;
  }

  long decodedFrames() {
    return browser.number("streamStats.frames");
  }

  long lastProbeFrame() {
    return browser.number("streamStats.probes.length ? streamStats.probes[streamStats.probes.length-1].frame : -1");
  }

  /** Among the last 300 decoded frames, how many showed the same probe frame number as the one before. */
  long repeatedProbeFrames() {
    @SuppressWarnings("unchecked")
    List<Long> frames = (List<Long>) browser.script("return streamStats.probes.map(p => p.frame);");
    List<Long> window = new ArrayList<>(frames.subList(Math.max(0, frames.size() - 300), frames.size()));
    long repeats = 0;
    for (int i = 1; i < window.size(); i++) {
      if (window.get(i).equals(window.get(i - 1))) repeats++;
    }
    return repeats;
  }

  PeerStats peerStats() {
    try {
      Optional<ActorRef<Peer.Command>> peer = AskPattern.<InstanceRuntime.Command, Optional<ActorRef<Peer.Command>>>ask(
          instance, InstanceRuntime.GetPeer::new, Duration.ofSeconds(5), media.system().scheduler())
          .toCompletableFuture().get();
      return AskPattern.<Peer.Command, PeerStats>ask(peer.orElseThrow(), Peer.GetStats::new, Duration.ofSeconds(5),
          media.system().scheduler()).toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the peer did not answer", e);
    }
  }

  @Override
  public void close() {
    browser.close();
    media.close();
    gateway.stop();
  }
}
