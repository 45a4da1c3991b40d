package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.metrics.MediaMetrics;
import org.streamstack.media.node.MediaNode;

/**
 * A real gateway (standalone, no bus) with one account, and a media node without a bus whose
 * instances a test starts by hand for sessions of that gateway: their clients (the owner's and
 * share peers') are {@link PeerClient}s. One per test class.
 */
final class GatewayAndNode implements AutoCloseable {

  /** The settings frame a client sends (PROTOCOL.md 4): video only, in H.264, no named channels. */
  static final String SETTINGS = "{\"type\":\"settings\",\"api_version\":2,\"data_channels\":[],"
      + "\"enable_speaker\":false,\"enable_video\":true,\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}";

  final RunningNode gateway;
  final String token;
  final MediaNode node;

  private GatewayAndNode(RunningNode gateway, String token, MediaNode node) {
    this.gateway = gateway;
    this.token = token;
    this.node = node;
  }

  /** @param nodeSettings more settings of the media node (HOCON), or "" */
  static GatewayAndNode start(String account, String nodeSettings) {
    RunningNode gateway = RunningNode.standalone();
    try {
      String token = gateway.createAccount(account);
      MediaNode node = MediaNode.start(ConfigFactory.parseString("""
          streamstack.media.ice.udp-port = 0
          streamstack.media.ice.bind-addresses = ["127.0.0.1"]
          streamstack.media.ice.consent-check-interval = %dms
          streamstack.media.node.nats-url = ""
          streamstack.media.node.metrics-port = 0
          %s
          """.formatted(TestPorts.loopback().consentCheckInterval().toMillis(), nodeSettings)));
      return new GatewayAndNode(gateway, token, node);
    } catch (RuntimeException e) {
      gateway.stop();
      throw e;
    }
  }

  /** A session of the demo application, created through the gateway's API. */
  JsonNode createSession() {
    return gateway.createSession(token, Map.of("app", "demo"));
  }

  /** Starts {@code spec} on the node; its events go to {@code events}. */
  ActorRef<InstanceRuntime.Command> startInstance(InstanceSpec spec, BlockingQueue<InstanceRuntime.Event> events) {
    ActorRef<InstanceRuntime.Event> eventsOfInstance = node.system().systemActorOf(
        Behaviors.<InstanceRuntime.Event>receiveMessage(event -> {
          events.add(event);
          return Behaviors.same();
        }), spec.instanceId() + "-events", Props.empty());
    return node.startInstance(spec, eventsOfInstance);
  }

  /** The owner's client of {@code session} (its socket from the create response's url). */
  PeerClient owner(JsonNode session) throws Exception {
    return new PeerClient(session.path("url").asText(), null);
  }

  JsonNode createShare(String sessionId, String type) {
    ApiClient.Reply reply = gateway.api.post("/1.0/sessions/" + sessionId + "/share", Map.of("type", type), token);
    assertEquals(201, reply.status(), reply.body());
    return reply.json().path("metadata");
  }

  /** Joins a share with the secret from its link, and connects the peer's socket. */
  PeerClient join(JsonNode share) throws Exception {
    String link = share.path("url").asText();
    String secret = link.substring(link.indexOf("&secret=") + "&secret=".length());
    ApiClient.Reply reply = gateway.api.post("/1.0/shares/" + share.path("id").asText() + "/join",
        Map.of("secret", secret), null);
    assertEquals(200, reply.status(), reply.body());
    JsonNode joined = reply.json().path("metadata");
    return new PeerClient(joined.path("url").asText(), joined.path("peer").asText());
  }

  /** The media node's metrics, as a Prometheus scrape reads them. */
  PrometheusText metrics() {
    return PrometheusText.parse(MediaMetrics.get(node.system()).scrape());
  }

  @Override
  public void close() {
    node.close();
    gateway.stop();
  }
}
