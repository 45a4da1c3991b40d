package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.encoder.EncoderPreference;
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
  private GatewayAndNode stack;

  @TempDir
  Path directory;

  @BeforeAll
  void start() {
    stack = GatewayAndNode.start("x11-messages", "");
  }

  @AfterAll
  void stop() {
    if (stack != null) stack.close();
  }

  @Test
  void clientsAndTheProgramTalkThroughItsSocketAndItsBadLinesAreDroppedAndCounted() throws Exception {
    List<PeerClient> clients = new ArrayList<>();
    ActorRef<InstanceRuntime.Command> instance = null;
    try {
      JsonNode session = stack.createSession();
      String sessionId = session.path("id").asText();
      Path record = directory.resolve("received");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      X11Program program = new X11Program(List.of(java, "-cp", System.getProperty("java.class.path"),
          EchoingMessageProgram.class.getName(), record.toString()), null, Map.of());
      LinkedBlockingQueue<InstanceRuntime.Event> events = new LinkedBlockingQueue<>();
      instance = stack.startInstance(new InstanceSpec("x11-messages-1", sessionId, stack.gateway.instanceSocketUrl(sessionId),
          320, 240, 30, List.of(VideoCodec.H264), EncoderPreference.CPU, program), events);

      PeerClient owner = stack.owner(session);
      clients.add(owner);
      owner.send(GatewayAndNode.SETTINGS);
      owner.answerWhenOffered();
      PeerClient controller = stack.join(stack.createShare(sessionId, "control"));
      PeerClient viewer = stack.join(stack.createShare(sessionId, "view"));
      clients.add(controller);
      clients.add(viewer);
      for (PeerClient share : List.of(controller, viewer)) {
        share.send(GatewayAndNode.SETTINGS);
        share.answerWhenOffered();
      }
      for (PeerClient client : clients) {
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
      for (PeerClient client : List.of(owner, controller)) {
        Await.until(client + " to get the program's four answers", STEP,
            () -> client.browser.controlReceived().size() >= 4);
        List<String> got = client.browser.controlReceived();
        assertEquals(4, got.size(), got.toString());
        assertTrue(got.containsAll(answers), client + " got " + got);
      }
      assertEquals(2, stack.metrics().value("streamstack_view_peer_messages_dropped_total", "kind", "out-of-band")
          + stack.metrics().value("streamstack_view_peer_messages_dropped_total", "kind", "input"));

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
      for (PeerClient client : clients) client.close();
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private double dropped(String reason) {
    return stack.metrics().value("streamstack_program_messages_dropped_total", "reason", reason);
  }
}
