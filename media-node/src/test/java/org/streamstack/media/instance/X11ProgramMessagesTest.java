package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.metrics.MediaMetrics;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.x11.EchoingMessageProgram;
import org.streamstack.media.x11.X11Program;

/**
 * An X11 program's message socket end to end (issue 7): a real gateway, an X11 instance on Xvfb
 * whose program ({@link EchoingMessageProgram}, a Java process) connects to its socket, the
 * owner's client and a control and a view share peer as {@link
 * org.streamstack.media.bench.TestBrowser}s. The clients' out-of-band messages and gamepad events
 * reach the program as lines; its answers reach the owner and the control peer on their control
 * channels and not the view peer; its malformed and over-long lines are dropped and counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class X11ProgramMessagesTest {

  private static final Duration STEP = Duration.ofSeconds(30);
  private static final String SETTINGS = "{\"type\":\"settings\",\"api_version\":2,\"data_channels\":[],"
      + "\"enable_speaker\":false,\"enable_video\":true,\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}";

  private RunningNode gateway;
  private String token;
  private MediaNode node;

  @TempDir
  Path directory;

  @BeforeAll
  void start() {
    gateway = RunningNode.standalone();
    token = gateway.createAccount("x11-messages");
    node = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node.nats-url = ""
        streamstack.media.node.metrics-port = 0
        """.formatted(TestPorts.loopback().consentCheckInterval().toMillis())));
  }

  @AfterAll
  void stop() {
    if (node != null) node.close();
    if (gateway != null) gateway.stop();
  }

  @Test
  void clientsAndTheProgramTalkThroughItsSocketAndItsBadLinesAreDroppedAndCounted() throws Exception {
    List<InstanceSharesTest.Client> clients = new ArrayList<>();
    ActorRef<InstanceRuntime.Command> instance = null;
    try {
      JsonNode session = gateway.createSession(token, Map.of("app", "demo"));
      String sessionId = session.path("id").asText();
      Path record = directory.resolve("received");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      X11Program program = new X11Program(List.of(java, "-cp", System.getProperty("java.class.path"),
          EchoingMessageProgram.class.getName(), record.toString()), null, Map.of());
      LinkedBlockingQueue<InstanceRuntime.Event> events = new LinkedBlockingQueue<>();
      ActorRef<InstanceRuntime.Event> eventsOfInstance = node.system().systemActorOf(
          Behaviors.<InstanceRuntime.Event>receiveMessage(event -> {
            events.add(event);
            return Behaviors.same();
          }), "x11-messages-events", Props.empty());
      instance = node.startInstance(new InstanceSpec("x11-messages-1", sessionId, gateway.instanceSocketUrl(sessionId),
          320, 240, 30, List.of(VideoCodec.H264), EncoderPreference.CPU, program), eventsOfInstance);

      InstanceSharesTest.Client owner = new InstanceSharesTest.Client(session.path("url").asText(), null);
      clients.add(owner);
      owner.send(SETTINGS);
      owner.answerWhenOffered();
      InstanceSharesTest.Client controller = join(createShare(sessionId, "control"));
      InstanceSharesTest.Client viewer = join(createShare(sessionId, "view"));
      clients.add(controller);
      clients.add(viewer);
      for (InstanceSharesTest.Client share : List.of(controller, viewer)) {
        share.send(SETTINGS);
        share.answerWhenOffered();
      }
      for (InstanceSharesTest.Client client : clients) {
        Await.until(client + " to receive frames", STEP, () -> client.browser.frameCount() >= 5);
        client.browser.openControlChannel();
      }
      // A JVM starting takes a while; what is sent before it connects would wait for it anyway.
      Await.until("the program to connect", STEP, () -> Files.exists(Path.of(record + ".socket")));

      owner.browser.sendControl("{\"type\":\"test::hello\",\"data\":{\"from\":\"owner\"}}");
      owner.browser.sendControl("{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":3,\"pressed\":true}}");
      owner.browser.sendControl("{\"type\":\"input::gamepad-axes\",\"data\":{\"id\":0,\"index\":1,\"value\":-0.25}}");
      viewer.browser.sendControl("{\"type\":\"test::hello\",\"data\":{\"from\":\"view\"}}");
      viewer.browser.sendControl("{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":1,\"pressed\":true}}");
      controller.browser.sendControl("{\"type\":\"test::hello\",\"data\":{\"from\":\"control\"}}");

      Await.until("the program to get four messages", STEP, () -> lines(record).size() >= 4);
      List<String> received = lines(record);
      assertEquals(4, received.size(), received.toString());
      List<String> fromOwner = received.stream().filter(line -> !line.contains("\"control\"")).toList();
      assertEquals(List.of(
          "{\"type\":\"test::hello\",\"data\":{\"from\":\"owner\"}}",
          "{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":3,\"pressed\":true}}",
          "{\"type\":\"input::gamepad-axes\",\"data\":{\"id\":0,\"index\":1,\"value\":-0.25}}"), fromOwner);
      assertTrue(received.contains("{\"type\":\"test::hello\",\"data\":{\"from\":\"control\"}}"), received.toString());

      // The program's answers go to the owner and the control peer, never to the view peer.
      List<String> answers = List.of(
          "{\"type\":\"echo::test::hello\",\"data\":{\"from\":\"owner\"}}",
          "{\"type\":\"echo::input::gamepad-button\",\"data\":{\"id\":0,\"index\":3,\"pressed\":true}}",
          "{\"type\":\"echo::input::gamepad-axes\",\"data\":{\"id\":0,\"index\":1,\"value\":-0.25}}",
          "{\"type\":\"echo::test::hello\",\"data\":{\"from\":\"control\"}}");
      for (InstanceSharesTest.Client client : List.of(owner, controller)) {
        Await.until(client + " to get the program's four answers", STEP,
            () -> client.browser.controlReceived().size() >= 4);
        List<String> got = client.browser.controlReceived();
        assertEquals(4, got.size(), got.toString());
        assertTrue(got.containsAll(answers), client + " got " + got);
      }
      assertEquals(2, metrics().value("streamstack_view_peer_messages_dropped_total", "kind", "out-of-band")
          + metrics().value("streamstack_view_peer_messages_dropped_total", "kind", "input"));

      // Lines the node must drop: counted, and the program's next line still gets through.
      owner.browser.sendControl("{\"type\":\"test::misbehave\",\"data\":{}}");
      Await.until("the answer after the bad lines", STEP,
          () -> owner.browser.controlReceived().contains("{\"type\":\"echo::test::misbehave\",\"data\":{}}"));
      assertEquals(2, dropped("malformed"), "a line not JSON and one not UTF-8");
      assertEquals(1, dropped("too-long"));
      assertEquals(1, dropped("not-out-of-band"));
      assertEquals(5, owner.browser.controlReceived().size(), owner.browser.controlReceived().toString());
      assertEquals(List.of(), viewer.browser.controlReceived());
      assertFalse(events.stream().anyMatch(e -> e instanceof InstanceRuntime.Failed), events.toString());

      // The socket lives in a directory only the node's user enters, which goes with the instance.
      Path socket = Path.of(Files.readString(Path.of(record + ".socket")));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
      instance.tell(new InstanceRuntime.Stop("the test is done"));
      instance = null;
      Await.until("the socket's directory to go", STEP, () -> !Files.exists(socket.getParent()));
    } finally {
      if (instance != null) instance.tell(new InstanceRuntime.Stop("the test is done"));
      for (InstanceSharesTest.Client client : clients) client.close();
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private JsonNode createShare(String sessionId, String type) {
    ApiClient.Reply reply = gateway.api.post("/1.0/sessions/" + sessionId + "/share", Map.of("type", type), token);
    assertEquals(201, reply.status(), reply.body());
    return reply.json().path("metadata");
  }

  private InstanceSharesTest.Client join(JsonNode share) throws Exception {
    String link = share.path("url").asText();
    String secret = link.substring(link.indexOf("&secret=") + "&secret=".length());
    ApiClient.Reply reply = gateway.api.post("/1.0/shares/" + share.path("id").asText() + "/join",
        Map.of("secret", secret), null);
    assertEquals(200, reply.status(), reply.body());
    JsonNode joined = reply.json().path("metadata");
    return new InstanceSharesTest.Client(joined.path("url").asText(), joined.path("peer").asText());
  }

  private PrometheusText metrics() {
    return PrometheusText.parse(MediaMetrics.get(node.system()).scrape());
  }

  private double dropped(String reason) {
    return metrics().value("streamstack_program_messages_dropped_total", "reason", reason);
  }
}
