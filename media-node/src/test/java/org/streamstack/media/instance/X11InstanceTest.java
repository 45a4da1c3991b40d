package org.streamstack.media.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.gpu.GpuProbe;
import org.streamstack.media.ice.TestPorts;
import org.streamstack.media.node.MediaNode;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.x11.X11Connection;
import org.streamstack.media.x11.X11Program;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.LaunchInstance;

/** X11 instances on a media node: the program's exit ends them, stopping them stops the program and its display. */
class X11InstanceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger IDS = new AtomicInteger();
  private static MediaNode media;

  @TempDir
  Path directory;

  /** Where the node looks for VA-API render nodes: nowhere with any, whatever this machine has. */
  @TempDir
  static Path noRenderNodes;

  @BeforeAll
  static void startNode() {
    // ice4j's settings are fixed once per JVM: the same as the other node tests in this JVM.
    media = MediaNode.start(ConfigFactory.parseString("""
        streamstack.media.encoder.vaapi.device-directory = "%s"
        streamstack.media.encoder.vaapi.sysfs-directory = "%s"
        streamstack.media.ice.udp-port = 0
        streamstack.media.ice.bind-addresses = ["127.0.0.1"]
        streamstack.media.ice.consent-check-interval = %dms
        streamstack.media.node.nats-url = ""
        """.formatted(noRenderNodes, noRenderNodes, TestPorts.loopback().consentCheckInterval().toMillis())));
  }

  @AfterAll
  static void stopNode() {
    if (media != null) media.close();
  }

  private static InstanceSpec spec(String... command) {
    return new InstanceSpec("x11-" + IDS.incrementAndGet(), null, null, 320, 240, 30, List.of(VideoCodec.H264),
        EncoderPreference.CPU, new X11Program(List.of(command), null, Map.of()));
  }

  @Test
  void anInstanceThatAsksForTheGpuOnANodeWithoutOneFailsAtItsStartSayingWhy() {
    Assumptions.assumeFalse(GpuProbe.detect().available(), "this machine has an NVIDIA GPU");
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(media.system());
    InstanceSpec spec = new InstanceSpec("gpu-" + IDS.incrementAndGet(), "session", "ws://127.0.0.1:9/instance",
        320, 240, 30, List.of(VideoCodec.H264), EncoderPreference.GPU, null);
    media.startInstance(spec, owner.getRef());
    InstanceRuntime.Failed failed = expect(owner, InstanceRuntime.Failed.class);
    assertTrue(failed.reason().contains("asks for the GPU encoders (encoder gpu) and this node has no GPU: NVIDIA: "),
        failed.reason());
    assertTrue(failed.reason().contains("VA-API: no Intel or AMD render node in " + noRenderNodes), failed.reason());
  }

  private static <T> T expect(TestProbe<InstanceRuntime.Event> probe, Class<T> kind) {
    return assertInstanceOf(kind, probe.receiveMessage(WAIT));
  }

  @Test
  void aProgramFailingEndsItsInstanceWithItsStatus() {
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(media.system());
    media.startInstance(spec("sh", "-c", "sleep 0.3; exit 3"), owner.getRef());
    expect(owner, InstanceRuntime.Started.class);
    InstanceRuntime.Failed failed = expect(owner, InstanceRuntime.Failed.class);
    assertEquals("the program exited with status 3", failed.reason());
  }

  @Test
  void aProgramExitingCleanlyEndsItsInstance() {
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(media.system());
    media.startInstance(spec("true"), owner.getRef());
    expect(owner, InstanceRuntime.Started.class);
    assertEquals("the program exited with status 0", expect(owner, InstanceRuntime.Ended.class).reason());
  }

  @Test
  void aProgramThatCannotRunFailsItsInstance() {
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(media.system());
    media.startInstance(spec("/no/such/program"), owner.getRef());
    InstanceRuntime.Failed failed = expect(owner, InstanceRuntime.Failed.class);
    assertTrue(failed.reason().contains("cannot run /no/such/program"), failed.reason());
  }

  @Test
  void twoInstancesGetTheirOwnDisplaysWhichStopWithThem() throws Exception {
    Path first = directory.resolve("first");
    Path second = directory.resolve("second");
    TestProbe<InstanceRuntime.Event> owner = TestProbe.create(media.system());
    ActorRef<InstanceRuntime.Command> one = media.startInstance(
        spec("sh", "-c", "echo $DISPLAY > " + first + "; exec sleep 60"), owner.getRef());
    ActorRef<InstanceRuntime.Command> two = media.startInstance(
        spec("sh", "-c", "echo $DISPLAY > " + second + "; exec sleep 60"), owner.getRef());
    expect(owner, InstanceRuntime.Started.class);
    expect(owner, InstanceRuntime.Started.class);
    String displayOne = awaitLine(first);
    String displayTwo = awaitLine(second);
    assertTrue(displayOne.matches(":\\d+") && displayTwo.matches(":\\d+"), displayOne + " " + displayTwo);
    assertNotEquals(displayOne, displayTwo);
    Path socketOne = X11Connection.SOCKET_DIRECTORY.resolve("X" + displayOne.substring(1));
    assertTrue(Files.exists(socketOne));

    one.tell(new InstanceRuntime.Stop("the test is done with it"));
    assertEquals("the test is done with it", expect(owner, InstanceRuntime.Ended.class).reason());
    awaitGone(socketOne);
    // The other instance's display stays.
    assertTrue(Files.exists(X11Connection.SOCKET_DIRECTORY.resolve("X" + displayTwo.substring(1))));
    two.tell(new InstanceRuntime.Stop("the test is done"));
    expect(owner, InstanceRuntime.Ended.class);
    owner.expectNoMessage(Duration.ofMillis(300)); // the killed program's exit is no news
  }

  @Test
  void launchRequestsForX11AreChecked() throws Exception {
    Screen defaults = new Screen(1280, 720, 30, null);
    InstanceSpec spec = InstanceSpec.fromLaunch(launch("x11", List.of("xterm", "-fa", "Mono"), "/tmp",
        Map.of("LANG", "C.UTF-8")), defaults);
    assertEquals(new X11Program(List.of("xterm", "-fa", "Mono"), Path.of("/tmp"), Map.of("LANG", "C.UTF-8")),
        spec.program());
    assertFalse(InstanceSpec.fromLaunch(launch("synthetic", null, null, null), defaults).x11());
    assertRefused("application.command", launch("x11", null, null, null));
    assertRefused("application.command", launch("x11", List.of(" "), null, null));
    assertRefused("application.workingDirectory", launch("x11", List.of("xlogo"), "relative/dir", null));
    assertRefused("application.workingDirectory", launch("x11", List.of("xlogo"), "/no/such/dir", null));
    assertRefused("DISPLAY", launch("x11", List.of("xlogo"), null, Map.of("DISPLAY", ":0")));
    assertRefused("STREAMSTACK_MESSAGES_SOCKET",
        launch("x11", List.of("xlogo"), null, Map.of("STREAMSTACK_MESSAGES_SOCKET", "/tmp/elsewhere")));
    assertRefused("application.environment", launch("x11", List.of("xlogo"), null, Map.of("A=B", "1")));
  }

  private static LaunchInstance launch(String source, List<String> command, String directory,
      Map<String, String> environment) {
    return new LaunchInstance("i-1", null, "local",
        new LaunchInstance.Application("app", 1, source, command, directory, environment, null, null), null, null);
  }

  private static void assertRefused(String field, LaunchInstance launch) {
    try {
      InstanceSpec.fromLaunch(launch, new Screen(1280, 720, 30, null));
    } catch (InstanceSpec.InvalidLaunchException e) {
      assertTrue(e.getMessage().contains(field), e.getMessage());
      return;
    }
    throw new AssertionError("accepted a launch with a bad " + field);
  }

  private static String awaitLine(Path file) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).trim();
        if (!text.isEmpty()) return text;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(file + " was never written");
  }

  private static void awaitGone(Path file) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (Files.exists(file)) {
      if (System.nanoTime() > deadline) throw new AssertionError(file + " is still there");
      Thread.sleep(20);
    }
  }
}
