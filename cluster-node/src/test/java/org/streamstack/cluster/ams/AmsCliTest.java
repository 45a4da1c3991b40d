package org.streamstack.cluster.ams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.ams.cli.AmsCli;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.StandInMediaNode;

/** {@code streamstack app} and {@code streamstack instance}, run in-process against a real AMS. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmsCliTest {

  private NatsServer nats;
  private RunningAms ams;
  private StandInMediaNode node;

  private record Run(int exit, String out, String err) {}

  @BeforeAll
  void start() {
    nats = NatsServer.start();
    ams = RunningAms.start(nats, "");
    node = StandInMediaNode.start(nats, ams.region, "node-1", 8);
    Await.until("the node is online", Duration.ofSeconds(10),
        () -> ams.get("/1.0/nodes/node-1").json().path("metadata").path("status").asText().equals("online"));
  }

  @AfterAll
  void stop() {
    if (node != null) node.close();
    if (ams != null) ams.close();
    if (nats != null) nats.close();
  }

  private Run run(Map<String, String> environment, String command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = AmsCli.run(command, args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run run(String command, String... args) {
    return run(Map.of("STREAMSTACK_AMS_URL", ams.url(), "STREAMSTACK_AMS_TOKEN", ams.token), command, args);
  }

  @Test
  void applicationsAreCreatedListedShownUpdatedAndDeleted() {
    Run created = run("app", "create", "cli-painter", "--command", "/usr/bin/xpaint -size 800x600", "--codecs", "vp8",
        "--encoder", "cpu", "--encoder-slots", "2");
    assertEquals(0, created.exit(), created.err());
    assertEquals("created application cli-painter version 0 (x11, vp8, encoder cpu)\n", created.out());
    JsonNode version = ams.get("/1.0/applications/cli-painter").json().path("metadata").path("versions").path(0);
    assertEquals(List.of("/usr/bin/xpaint", "-size", "800x600"),
        List.of(version.path("source").path("command").path(0).asText(), version.path("source").path("command").path(1).asText(),
            version.path("source").path("command").path(2).asText()));
    assertEquals(2, version.path("resources").path("encoder_slots").asInt());

    Run listed = run("app", "list");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().startsWith("NAME"), listed.out());
    assertTrue(listed.out().lines().anyMatch(line -> line.startsWith("cli-painter") && line.contains("x11")
        && line.contains("vp8") && line.contains("cpu")), listed.out());

    Run shown = run("app", "show", "cli-painter");
    assertEquals(0, shown.exit(), shown.err());
    assertTrue(shown.out().contains("\"name\" : \"cli-painter\""), shown.out());

    Run updated = run("app", "update", "cli-painter", "--encoder", "gpu");
    assertEquals(0, updated.exit(), updated.err());
    assertEquals("updated application cli-painter version 1 (x11, vp8, encoder gpu)\n", updated.out());

    Run deleted = run("app", "delete", "cli-painter");
    assertEquals(0, deleted.exit(), deleted.err());
    assertEquals("deleted application cli-painter\n", deleted.out());
    Run gone = run("app", "show", "cli-painter");
    assertEquals(1, gone.exit());
    assertEquals("streamstack: no application cli-painter\n", gone.err());
  }

  @Test
  void instancesAreLaunchedListedShownAndDeleted() {
    assertEquals(0, run("app", "create", "cli-demo").exit());
    Run launched = run("instance", "launch", "cli-demo", "--screen", "1024x768@30");
    assertEquals(0, launched.exit(), launched.err());
    String id = launched.out().trim();
    assertTrue(id.matches("[0-9a-v]{20}"), launched.out());
    JsonNode instance = ams.instance(id);
    assertEquals("running", instance.path("status").asText(), "launch waits until the instance runs");
    assertEquals(1024, instance.path("screen").path("width").asInt());
    assertEquals(30, instance.path("screen").path("fps").asInt());

    Run listed = run("instance", "list");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().lines().anyMatch(line -> line.startsWith(id) && line.contains("running")
        && line.contains("node-1") && line.contains("cli-demo")), listed.out());
    Run running = run("instance", "list", "--status", "stopped");
    assertTrue(running.out().lines().noneMatch(line -> line.startsWith(id)), running.out());

    Run shown = run("instance", "show", id);
    assertTrue(shown.out().contains("\"status\" : \"running\""), shown.out());

    Run deleted = run("instance", "delete", id);
    assertEquals(0, deleted.exit(), deleted.err());
    assertEquals("deleted instance " + id + "\n", deleted.out());
    assertTrue(node.stopped(id));
    assertEquals(1, run("instance", "show", id).exit());

    // Streaming needs an agent for the session; there is none here, and the command says so.
    Run streaming = run("instance", "launch", "cli-demo", "--streaming");
    assertEquals(1, streaming.exit(), streaming.out());
    assertTrue(streaming.err().contains("no agent"), streaming.err());
  }

  @Test
  void mistakesAreExplained() {
    Run noToken = run(Map.of("STREAMSTACK_AMS_URL", ams.url()), "app", "list");
    assertEquals(2, noToken.exit());
    assertTrue(noToken.err().contains("STREAMSTACK_AMS_TOKEN"), noToken.err());

    Run flagToken = run(Map.of("STREAMSTACK_AMS_URL", ams.url()), "app", "list", "--token", ams.token);
    assertEquals(0, flagToken.exit(), flagToken.err());

    Run wrongToken = run(Map.of("STREAMSTACK_AMS_URL", ams.url(), "STREAMSTACK_AMS_TOKEN", "wrong"), "app", "list");
    assertEquals(1, wrongToken.exit());
    assertTrue(wrongToken.err().contains("token"), wrongToken.err());

    Run nobody = run(Map.of("STREAMSTACK_AMS_TOKEN", "x"), "app", "list", "--ams-url", "http://127.0.0.1:" + FreePorts.next());
    assertEquals(1, nobody.exit());
    assertTrue(nobody.err().contains("no AMS answers"), nobody.err());

    Run help = run("instance", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("instance launch APP"), help.out());
    assertEquals(0, run("app", "create", "--help").exit());

    Run unknown = run("app", "rename", "x");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("not 'rename'"), unknown.err());
    Run badScreen = run("instance", "launch", "cli-demo", "--screen", "big");
    assertEquals(2, badScreen.exit());
    assertTrue(badScreen.err().contains("--screen"), badScreen.err());
    Run badFlag = run("app", "create", "x", "--colour", "red");
    assertEquals(2, badFlag.exit());
    assertTrue(badFlag.err().contains("--colour"), badFlag.err());
    Run refused = run("app", "create", "Bad_Name");
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("'name'"), refused.err());
    Run unknownApp = run("instance", "launch", "no-such-app");
    assertEquals(1, unknownApp.exit());
    assertEquals("streamstack: unknown application 'no-such-app'\n", unknownApp.err());
  }
}
