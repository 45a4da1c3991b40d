package org.streamstack.protocol.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamstack.protocol.gateway.Screen;

class NatsContractTest {

  @Test
  void everyRecordSurvivesTheBus() throws Exception {
    List<Object> messages = List.of(
        Ack.OK,
        Ack.failed(503, "no capacity"),
        new AgentHeartbeat("eu-west", "agent-1", true, 12, List.of("demo", "game"), 1_700_000_000_000L),
        new AgentHeartbeat("eu-west", "agent-1", true, 12, List.of("demo"), 1_700_000_000_000L, 41L),
        new StartInstance("s1", "demo", 2, new Screen(1280, 720, 30, 240), "ws://gw/1.0/sessions/s1/sockets/instance?token=t"),
        StartedInstance.started("i1"),
        StartedInstance.started("i1", "agent-1", 42),
        StartedInstance.failed(400, "unknown application 'x'"),
        new StopInstance("s1", null, "deleted by its owner"),
        new CreateSession("local", "i1", "demo", null, new Screen(800, 600, 60, null), null),
        CreatedSession.created("s2", "ws://gw/x"),
        new InstanceStatus("local", "i1", "s1", InstanceStatus.ERROR, "media node n1 stopped responding", 5L),
        new ClientLeft("local", "i1", "s1", "stream::disconnect", 6L),
        new NodeHeartbeat("n1", "local", "10.0.0.2",
            new NodeHeartbeat.Capacity(12, 2, 8L << 30, List.of(new NodeHeartbeat.Gpu("RTX 4000", 5))),
            new NodeHeartbeat.Load(3, 3, 0.4, 1L << 30), List.of("i1", "i2"), 7L),
        new LaunchInstance("i1", "s1", "local",
            new LaunchInstance.Application("demo", 0, "synthetic", null, null, Map.of(), List.of("h264", "vp8"), "auto"),
            new Screen(1280, 720, 30, 240), "ws://gw/i"),
        new StopInstanceOnNode("i1", "session ended"),
        new InstanceEvent("i1", "n1", InstanceEvent.Kind.CLIENT_LEFT, "ICE failed", 8L));
    for (Object message : messages) {
      assertEquals(message, NatsJson.read(NatsJson.write(message), message.getClass()), message.getClass().getSimpleName());
    }
  }

  @Test
  void aNewerWriterMayAddFields() throws Exception {
    byte[] newer = "{\"error\":null,\"code\":null,\"retry_after\":3}".getBytes(StandardCharsets.UTF_8);
    assertTrue(NatsJson.read(newer, Ack.class).ok());
  }

  @Test
  void garbageIsAMalformedMessageNotACrash() {
    for (String garbage : List.of("", "{", "[1,2]", "\"text\"", "{\"kind\":\"EXPLODED\"}", "\u0000\u0001")) {
      NatsJson.MalformedMessageException e = assertThrows(NatsJson.MalformedMessageException.class,
          () -> NatsJson.read(garbage.getBytes(StandardCharsets.UTF_8), InstanceEvent.class), garbage);
      assertTrue(e.getMessage().contains("InstanceEvent"), e.getMessage());
    }
    assertThrows(NatsJson.MalformedMessageException.class, () -> NatsJson.read(null, Ack.class));
  }

  @Test
  void subjectsCarryTheVersionAndOneTokenPerName() {
    assertEquals("streamstack.v1.region.eu-west.agent.start-instance", Subjects.agentStartInstance("eu-west"));
    assertEquals("streamstack.v1.region.eu-west.node.gpu-7_a.launch", Subjects.nodeLaunch("eu-west", "gpu-7_a"));
    assertTrue(Subjects.ALL_AGENT_HEARTBEATS.startsWith("streamstack.v1."));
    for (String bad : new String[] {"", "a.b", "*", ">", "eu west", null}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subjects.nodeHeartbeat(bad));
      assertTrue(e.getMessage().contains("subject token"), e.getMessage());
    }
  }

  @Test
  void settingsTakeATokenOrAUserAndPasswordNeverBoth() {
    NatsSettings anonymous = new NatsSettings("nats://127.0.0.1:4222", "", "", "", "test");
    assertNull(anonymous.token());
    assertNull(anonymous.user());
    assertThrows(IllegalArgumentException.class, () -> new NatsSettings("nats://h:1", "t", "u", "p", "x"));
    assertThrows(IllegalArgumentException.class, () -> new NatsSettings("nats://h:1", null, "u", null, "x"));
    assertThrows(IllegalArgumentException.class, () -> new NatsSettings(" ", null, null, null, "x"));
    NatsSettings inUrl = new NatsSettings("nats://ops:s3cret@nats.example:4222", null, null, null, "x");
    assertEquals("nats://…@nats.example:4222", inUrl.redactedUrl());
    assertFalse(inUrl.redactedUrl().contains("s3cret"));
  }
}
