package org.streamstack.cluster.gateway.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.nats.client.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * One gateway member's directory of regions, fed by agent heartbeats the test publishes on a real
 * nats-server: the slots it counts as taken between a pick and the heartbeats that show it.
 * Each test has regions of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionDirectoryTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private NatsServer nats;
  private Connection bus;
  private ActorTestKit kit;
  private ActorRef<RegionDirectory.Command> directory;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    bus = NatsConnector.connect(nats.settings("region-directory-test"));
    kit = ActorTestKit.create();
    // Long timeouts: no claim or region expires on its own during a test.
    directory = kit.spawn(RegionDirectory.create(bus,
        new GatewaySettings.Agents(Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(60)),
        Clock.systemUTC(), RegionSelector.MOST_FREE_SLOTS));
  }

  @AfterAll
  void stop() throws Exception {
    if (kit != null) kit.shutdownTestKit();
    if (bus != null) bus.close();
    if (nats != null) nats.close();
  }

  private void beat(String region, String agentId, int freeSlots, long startsReflected) {
    bus.publish(Subjects.agentHeartbeat(region), NatsJson.write(new AgentHeartbeat(region, agentId, true, freeSlots,
        List.of("demo"), System.currentTimeMillis(), startsReflected)));
  }

  /**
   * Publishes these heartbeats, as agents do again and again, until the directory's view of
   * {@code region} has {@code freeSlots} (the first ones may come before its subscription).
   */
  private void beatUntil(String region, int freeSlots, String what, Runnable beats) {
    Await.until(what, WAIT, () -> {
      beats.run();
      return freeSlots(region) == freeSlots;
    });
  }

  private int freeSlots(String name) {
    TestProbe<RegionDirectory.Regions> probe = kit.createTestProbe();
    directory.tell(new RegionDirectory.GetRegions(probe.ref()));
    return probe.receiveMessage().regions().stream().filter(region -> region.name().equals(name))
        .mapToInt(Region::freeSlots).findFirst().orElse(-1);
  }

  private RegionPick pick(String sessionId, String region) {
    TestProbe<RegionPick> probe = kit.createTestProbe();
    directory.tell(new RegionDirectory.Pick(sessionId, "demo", region, null, probe.ref()));
    return probe.receiveMessage();
  }

  @Test
  void aCreationThatFailsBeforeItsAgentAnswersGivesItsSlotBack() {
    beatUntil("north", 1, "the directory to hear north", () -> beat("north", "agent-1", 1, 0));

    assertInstanceOf(RegionPick.Chosen.class, pick("session-1", "north"));
    RegionPick full = pick("session-2", "north");
    assertEquals(new RegionPick.Refused(503, "region 'north' is full: it has no free capacity"), full);

    directory.tell(new RegionDirectory.Abandoned("session-1"));
    assertInstanceOf(RegionPick.Chosen.class, pick("session-2", "north"), "the abandoned pick's slot is free again");

    // An instance the agent started keeps its slot counted until a heartbeat shows it.
    directory.tell(new RegionDirectory.Settled("session-2", true, "agent-1", 1L));
    directory.tell(new RegionDirectory.Abandoned("session-2"));
    assertEquals(0, freeSlots("north"));
    beatUntil("north", 0, "north's heartbeat to count the start instead", () -> beat("north", "agent-1", 0, 1));
    beatUntil("north", 1, "north's freed slot", () -> beat("north", "agent-1", 1, 1));
  }

  @Test
  void severalAgentsOfOneRegionCountAsTheLowestOfTheirReports() {
    // Both ask the same AMS; the lower report is the newer one, which may already count a start
    // whose claim the other agent's report ended.
    beatUntil("south", 1, "the directory to hear both agents", () -> {
      beat("south", "agent-a", 3, 0);
      beat("south", "agent-b", 1, 0);
    });
    beatUntil("south", 3, "both agents to report three", () -> beat("south", "agent-b", 3, 0));
  }
}
