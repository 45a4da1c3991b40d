package org.streamstack.media.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.Ack;
import org.streamstack.protocol.nats.InstanceEvent;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.NodeHeartbeat;
import org.streamstack.protocol.nats.StopInstanceOnNode;
import org.streamstack.protocol.nats.Subjects;

/**
 * The media node on a real nats-server, driven from the test as AMS would drive it, with a real
 * gateway whose instance sockets its instances connect to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentTest {

  private static final String REGION = "agent-test";
  private static final String NODE_ID = "node-under-test";
  private static final int SLOTS = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private NatsServer nats;
  private RunningNode gateway;
  private MediaNode media;
  private Connection bus;
  private String token;
  private final List<NodeHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
  private final List<InstanceEvent> events = new CopyOnWriteArrayList<>();
  private int launched;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    gateway = RunningNode.standalone();
    token = gateway.createAccount("node-agent");
    media = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node {
          nats-url = "%s"
          nats-token = "%s"
          region = %s
          id = %s
          heartbeat-interval = 200ms
          encoder-slots = %d
        }
        """.formatted(TestPorts.loopback().consentCheckInterval().toMillis(), nats.url(), nats.token(), REGION,
        NODE_ID, SLOTS)));
    bus = NatsConnector.connect(nats.settings("test as AMS"));
    Await.until("the test's NATS connection", WAIT, () -> bus.getStatus() == Connection.Status.CONNECTED);
    Dispatcher listener = bus.createDispatcher();
    listener.subscribe(Subjects.nodeHeartbeat(REGION), m -> heartbeats.add(read(m, NodeHeartbeat.class)));
    listener.subscribe(Subjects.nodeInstanceEvent(REGION), m -> events.add(read(m, InstanceEvent.class)));
    bus.flush(WAIT);
  }

  @AfterAll
  void stop() throws Exception {
    if (media != null) media.close();
    if (bus != null) bus.close();
    if (gateway != null) gateway.stop();
    if (nats != null) nats.close();
  }

  @Test
  void heartbeatsAnnounceCapacityAndLoad() {
    NodeHeartbeat beat = nextHeartbeat(any -> true);
    assertEquals(NODE_ID, media.nodeId());
    assertEquals(NODE_ID, beat.nodeId());
    assertEquals(REGION, beat.region());
    assertEquals("127.0.0.1", beat.address());
    assertEquals(SLOTS, beat.capacity().encoderSlots());
    assertEquals(Runtime.getRuntime().availableProcessors(), beat.capacity().cpus());
    assertTrue(beat.capacity().memoryBytes() > 0, "total memory");
    assertTrue(beat.load().memoryUsedBytes() > 0 && beat.load().memoryUsedBytes() <= beat.capacity().memoryBytes());
    assertTrue(beat.load().cpuLoad() >= 0, "cpu load");
    assertTrue(Math.abs(System.currentTimeMillis() - beat.sentAtMillis()) < 5_000, "sent just now");
  }

  @Test
  void aLaunchedInstanceStreamsThroughTheGatewayUntilStopped() throws Exception {
    JsonNode session = gateway.createSession(token, Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    String instanceId = nextInstanceId();
    LaunchInstance launch = new LaunchInstance(instanceId, sessionId, REGION,
        new LaunchInstance.Application("demo", 1, "synthetic", null, null, null, List.of("vp8"), "cpu"),
        new Screen(640, 360, 30, null), gateway.instanceSocketUrl(sessionId));

    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch)).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.RUNNING);
    Await.until("the session to turn active", WAIT, () -> "active".equals(
        gateway.api.get("/1.0/sessions/" + sessionId, token).json().path("metadata").path("status").asText()));
    try (SignalingClient client = SignalingClient.connect(session.path("url").asText())) {
      client.send("{\"type\":\"discover\"}");
      JsonNode answer = JSON.readTree(client.next(WAIT));
      assertEquals("resp:discover", answer.path("type").asText());
      assertEquals(30, answer.path("fps").asInt());
      // The application is sent in VP8 only: the offer holds nothing else, whatever the client prefers.
      client.send("{\"type\":\"settings\",\"api_version\":2,\"video\":{\"preferred_decoder_codecs\":[\"H264\",\"VP8\"]}}");
      JsonNode offer = JSON.readTree(client.next(WAIT));
      assertEquals("offer", offer.path("type").asText());
      String sdp = new String(Base64.getDecoder().decode(offer.path("sdp").asText()), StandardCharsets.UTF_8);
      assertTrue(sdp.contains("VP8/90000"), sdp);
      assertFalse(sdp.contains("H264"), sdp);
    }
    nextHeartbeat(beat -> beat.instances().contains(instanceId) && beat.load().encoderSlotsUsed() >= 1);

    // AMS asking again (a lost reply) changes nothing.
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch)).ok());
    assertEquals(1, events.stream().filter(e -> e.instanceId().equals(instanceId)
        && e.kind() == InstanceEvent.Kind.RUNNING).count());

    assertTrue(request(Subjects.nodeStop(REGION, NODE_ID), NatsJson.write(new StopInstanceOnNode(instanceId, "the test is done"))).ok());
    InstanceEvent ended = awaitEvent(instanceId, InstanceEvent.Kind.ENDED);
    assertEquals("the test is done", ended.message());
    assertEquals(NODE_ID, ended.nodeId());
    nextHeartbeat(beat -> !beat.instances().contains(instanceId));
    // Stopping what no longer runs says so: AMS takes 404 as stopped, with no ENDED to wait for.
    Ack gone = request(Subjects.nodeStop(REGION, NODE_ID), NatsJson.write(new StopInstanceOnNode(instanceId, null)));
    assertEquals(404, gone.code());
    assertTrue(gone.error().contains(instanceId), gone.error());
  }

  @Test
  void anInstanceWhoseSessionIsDeletedFailsAndGoes() {
    String sessionId = gateway.createSession(token, Map.of("app", "demo")).path("id").asText();
    String instanceId = nextInstanceId();
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(instanceId, sessionId, "synthetic", null,
        gateway.instanceSocketUrl(sessionId)))).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.RUNNING);
    Await.until("the session to turn active", WAIT, () -> "active".equals(
        gateway.api.get("/1.0/sessions/" + sessionId, token).json().path("metadata").path("status").asText()));

    assertEquals(200, gateway.api.delete("/1.0/sessions/" + sessionId, token).status());
    InstanceEvent failed = awaitEvent(instanceId, InstanceEvent.Kind.FAILED);
    assertTrue(failed.message().contains("refused the instance socket"), failed.message());
    nextHeartbeat(beat -> !beat.instances().contains(instanceId));
  }

  @Test
  void anX11ProgramsExitIsReportedWithItsStatus() {
    String failing = nextInstanceId();
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(new LaunchInstance(failing, null, REGION,
        new LaunchInstance.Application("shell", 1, "x11", List.of("sh", "-c", "sleep 0.2; exit 7"), "/",
            Map.of("LANG", "C"), List.of("h264"), "cpu"), new Screen(320, 240, 30, null), null))).ok());
    awaitEvent(failing, InstanceEvent.Kind.RUNNING);
    InstanceEvent failed = awaitEvent(failing, InstanceEvent.Kind.FAILED);
    assertEquals("the program exited with status 7", failed.message());
    String ending = nextInstanceId();
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(new LaunchInstance(ending, null, REGION,
        new LaunchInstance.Application("true", 1, "x11", List.of("true"), null, null, null, null), null, null))).ok());
    assertEquals("the program exited with status 0", awaitEvent(ending, InstanceEvent.Kind.ENDED).message());
    nextHeartbeat(beat -> !beat.instances().contains(failing) && !beat.instances().contains(ending));
  }

  @Test
  void requestsThatCannotBeUsedAreRefusedAndTheNodeCarriesOn() {
    Ack x11 = request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(nextInstanceId(), null, "x11", null, null)));
    assertEquals(400, x11.code());
    assertTrue(x11.error().contains("x11"), x11.error());
    Ack unknown = request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(nextInstanceId(), null, "android", null, null)));
    assertEquals(400, unknown.code());
    assertTrue(unknown.error().contains("application.source"), unknown.error());
    Ack oddScreen = request(Subjects.nodeLaunch(REGION, NODE_ID),
        NatsJson.write(launch(nextInstanceId(), null, "synthetic", new Screen(641, 360, 30, null), null)));
    assertEquals(400, oddScreen.code());
    assertTrue(oddScreen.error().contains("screen"), oddScreen.error());
    Ack badCodec = request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(new LaunchInstance(nextInstanceId(), null, REGION,
        new LaunchInstance.Application("demo", 1, "synthetic", null, null, null, List.of("av1"), "auto"), null, null)));
    assertEquals(400, badCodec.code());
    assertTrue(badCodec.error().contains("application.videoCodecs"), badCodec.error());
    Ack badUrl = request(Subjects.nodeLaunch(REGION, NODE_ID),
        NatsJson.write(launch(nextInstanceId(), null, "synthetic", null, "http://not-a-socket")));
    assertEquals(400, badUrl.code());
    assertTrue(badUrl.error().contains("instanceSocketUrl"), badUrl.error());

    for (byte[] garbage : List.of("not json".getBytes(StandardCharsets.UTF_8), new byte[0],
        "{\"instanceId\":[1,2]}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8))) {
      assertEquals(400, request(Subjects.nodeLaunch(REGION, NODE_ID), garbage).code());
    }
    assertEquals(400, request(Subjects.nodeStop(REGION, NODE_ID), "[]".getBytes(StandardCharsets.UTF_8)).code());
    assertEquals(400, request(Subjects.nodeStop(REGION, NODE_ID), "{}".getBytes(StandardCharsets.UTF_8)).code());

    // Still at work: an instance without streaming launches and stops.
    String instanceId = nextInstanceId();
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(instanceId, null, "synthetic", null, null))).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.RUNNING);
    assertTrue(request(Subjects.nodeStop(REGION, NODE_ID), NatsJson.write(new StopInstanceOnNode(instanceId, "done"))).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.ENDED);
  }

  @Test
  void aFullNodeRefusesMoreInstances() {
    nextHeartbeat(beat -> beat.instances().isEmpty() && beat.load().encoderSlotsUsed() == 0);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < SLOTS; i++) {
      String id = nextInstanceId();
      ids.add(id);
      assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(id, null, "synthetic", null, null))).ok());
    }
    Ack full = request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(nextInstanceId(), null, "synthetic", null, null)));
    assertEquals(503, full.code());
    NodeHeartbeat beat = nextHeartbeat(b -> b.instances().containsAll(ids));
    assertEquals(SLOTS, beat.load().encoderSlotsUsed());
    assertEquals(SLOTS, beat.load().instances());
    for (String id : ids) {
      assertTrue(request(Subjects.nodeStop(REGION, NODE_ID), NatsJson.write(new StopInstanceOnNode(id, "make room"))).ok());
    }
    for (String id : ids) awaitEvent(id, InstanceEvent.Kind.ENDED);
    nextHeartbeat(b -> b.instances().isEmpty() && b.load().encoderSlotsUsed() == 0);
  }

  @Test
  void heartbeatsAndRequestsResumeAfterNatsServerRestarts() {
    nextHeartbeat(any -> true);
    nats.restart();
    long restarted = System.currentTimeMillis();
    NodeHeartbeat beat = nextHeartbeat(b -> b.sentAtMillis() > restarted);
    assertNotNull(beat);
    String instanceId = nextInstanceId();
    Await.until("the test's own connection to come back", WAIT, () -> bus.getStatus() == Connection.Status.CONNECTED);
    assertTrue(request(Subjects.nodeLaunch(REGION, NODE_ID), NatsJson.write(launch(instanceId, null, "synthetic", null, null))).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.RUNNING);
    assertTrue(request(Subjects.nodeStop(REGION, NODE_ID), NatsJson.write(new StopInstanceOnNode(instanceId, "done"))).ok());
    awaitEvent(instanceId, InstanceEvent.Kind.ENDED);
  }

  // --- helpers --------------------------------------------------------------------------------

  private String nextInstanceId() {
    return "instance-" + (++launched) + "-" + Long.toHexString(System.nanoTime());
  }

  private static LaunchInstance launch(String instanceId, String sessionId, String source, Screen screen, String socketUrl) {
    return new LaunchInstance(instanceId, sessionId, REGION,
        new LaunchInstance.Application("demo", 1, source, null, null, null, List.of("h264", "vp8"), "cpu"), screen,
        socketUrl);
  }

  private Ack request(String subject, byte[] payload) {
    try {
      Message reply = bus.request(subject, payload, WAIT);
      assertNotNull(reply, "no reply on " + subject + " within " + WAIT);
      return NatsJson.read(reply.getData(), Ack.class);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (NatsJson.MalformedMessageException e) {
      throw new AssertionError("the node's reply is not an Ack: " + e.getMessage());
    }
  }

  private InstanceEvent awaitEvent(String instanceId, InstanceEvent.Kind kind) {
    Await.until(kind + " of " + instanceId, WAIT,
        () -> events.stream().anyMatch(e -> e.instanceId().equals(instanceId) && e.kind() == kind));
    return events.stream().filter(e -> e.instanceId().equals(instanceId) && e.kind() == kind).findFirst().orElseThrow();
  }

  /** The first heartbeat from now on that matches. */
  private NodeHeartbeat nextHeartbeat(Predicate<NodeHeartbeat> matches) {
    int seen = heartbeats.size();
    Await.until("a heartbeat that matches", WAIT, () -> heartbeatsSince(seen).stream().anyMatch(matches));
    return heartbeatsSince(seen).stream().filter(matches).findFirst().orElseThrow();
  }

  private List<NodeHeartbeat> heartbeatsSince(int index) {
    List<NodeHeartbeat> all = List.copyOf(heartbeats);
    return all.subList(index, all.size());
  }

  private static <T> T read(Message message, Class<T> type) {
    try {
      return NatsJson.read(message.getData(), type);
    } catch (NatsJson.MalformedMessageException e) {
      throw new IllegalStateException(e);
    }
  }
}
