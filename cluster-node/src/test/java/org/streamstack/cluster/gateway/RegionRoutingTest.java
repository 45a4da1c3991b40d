package org.streamstack.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.HttpFromAddress;
import org.streamstack.cluster.testing.MaxMindDbWriter;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.RunningAms;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.StandInMediaNode;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.LaunchInstance;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * Two regions side by side on one nats-server, each a Pekko cluster of its own holding its agent
 * and AMS, with one media node each, behind one gateway (a third cluster). Clients call the API
 * from two loopback ranges (127.0.0.x is east, 127.0.1.x is west in the gateway's CIDR table) and
 * land in the region of their range, or in the other when theirs is full.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionRoutingTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int SLOTS = 3;

  private static final HttpFromAddress FROM_EAST = new HttpFromAddress("127.0.0.2");
  private static final HttpFromAddress FROM_WEST = new HttpFromAddress("127.0.1.2");
  private static final HttpFromAddress FROM_NOWHERE = new HttpFromAddress("127.0.9.2");
  private static final HttpFromAddress FROM_PROXY = new HttpFromAddress("127.0.4.1");

  /** In the GeoIP database only: Germany (mapped to west) and the United States (continent NA, mapped to east). */
  private static final HttpFromAddress FROM_GERMANY = new HttpFromAddress("127.0.2.2");
  private static final HttpFromAddress FROM_AMERICA = new HttpFromAddress("127.0.3.2");

  private Path geoIpDatabase;
  private NatsServer nats;
  private RunningAms east;
  private RunningAms west;
  private StandInMediaNode eastNode;
  private StandInMediaNode westNode;
  private RunningNode gateway;
  private String token;
  private final List<String> sessions = new CopyOnWriteArrayList<>();
  /** The test's own view of the bus: heartbeats saying every slot of a region is free, by region. */
  private Connection bus;
  private final Map<String, Integer> emptyBeats = new ConcurrentHashMap<>();

  @BeforeAll
  void start() throws Exception {
    geoIpDatabase = Files.createTempFile("GeoLite2-Country-", ".mmdb");
    new MaxMindDbWriter("GeoLite2-Country")
        .add("127.0.0.0/24", MaxMindDbWriter.countryRecord("DE", "EU"))
        .add("127.0.2.0/24", MaxMindDbWriter.countryRecord("DE", "EU"))
        .add("127.0.3.0/24", MaxMindDbWriter.countryRecord("US", "NA"))
        .write(geoIpDatabase);
    nats = NatsServer.start();
    east = RunningAms.withAgent(nats, "east", "");
    west = RunningAms.withAgent(nats, "west", "");
    eastNode = StandInMediaNode.start(nats, "east", "media-east", SLOTS);
    westNode = StandInMediaNode.start(nats, "west", "media-west", SLOTS);
    east.createApplication(Map.of("name", "demo"));
    west.createApplication(Map.of("name", "demo"));
    gateway = RunningNode.withAgents(List.of("gateway"), nats.clusterNodeSettings() + """
        streamstack.gateway {
          agent-timeout = 3s
          agent-request-timeout = 10s
          routing {
            cidr-regions = "127.0.0.0/24=east, 127.0.1.0/24=west, 127.0.1.128/25=east, 2001:db8::/32=west"
            trusted-proxies = "127.0.4.1"
            geoip-database = "%s"
            geoip-countries = "DE=west"
            geoip-continents = "EU=east, NA=east"
          }
        }
        """.formatted(geoIpDatabase));
    token = gateway.createAccount("acme");
    bus = NatsConnector.connect(nats.settings("region-routing-test"));
    Dispatcher beats = bus.createDispatcher(message -> {
      try {
        AgentHeartbeat beat = NatsJson.read(message.getData(), AgentHeartbeat.class);
        if (beat.freeSlots() == SLOTS) emptyBeats.merge(beat.region(), 1, Integer::sum);
      } catch (NatsJson.MalformedMessageException e) {
        throw new AssertionError(e);
      }
    });
    beats.subscribe(Subjects.ALL_AGENT_HEARTBEATS);
    Await.until("both regions to take sessions", WAIT, () -> regions().containsAll(List.of("east=true", "west=true")));
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {bus, gateway, eastNode, westNode, east, west, nats}) {
      try {
        if (closeable != null) closeable.close();
      } catch (Exception e) {
        // the others still stop
      }
    }
    try {
      if (geoIpDatabase != null) Files.deleteIfExists(geoIpDatabase);
    } catch (Exception e) {
      // a temporary file
    }
  }

  /**
   * Every test starts with both regions empty: its sessions are deleted, their slots come back, and
   * the gateway has heard so: the test saw two heartbeats of each region saying so, and the gateway
   * got the first long before the test got the second.
   */
  @AfterEach
  void endSessions() {
    for (String id : sessions) gateway.api.delete("/1.0/sessions/" + id, token);
    sessions.clear();
    Await.until("the media nodes' slots to be free again", WAIT,
        () -> freeSlots(east, "media-east") == SLOTS && freeSlots(west, "media-west") == SLOTS);
    emptyBeats.clear();
    Await.until("two heartbeats of each region with every slot free", WAIT,
        () -> emptyBeats.getOrDefault("east", 0) >= 2 && emptyBeats.getOrDefault("west", 0) >= 2);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The regions as name=available, from GET /1.0/regions?recursion=true. */
  private List<String> regions() {
    ApiClient.Reply reply = gateway.api.get("/1.0/regions?recursion=true", token);
    List<String> regions = new ArrayList<>();
    for (JsonNode region : reply.json().path("metadata")) {
      regions.add(region.path("name").asText() + "=" + region.path("available").asBoolean());
    }
    return regions;
  }

  private static int freeSlots(RunningAms ams, String nodeId) {
    return ams.get("/1.0/nodes/" + nodeId).json().path("metadata").path("free_encoder_slots").asInt(-1);
  }

  private HttpFromAddress.Reply create(HttpFromAddress client, Map<String, Object> body, Map<String, String> headers) {
    HttpFromAddress.Reply reply = client.post(gateway.node.gatewayPort(), "/1.0/sessions", body, token, headers);
    if (reply.status() == 201) sessions.add(reply.json().path("metadata").path("id").asText());
    return reply;
  }

  /** Creates a session of demo from {@code client} and answers the region it runs in. */
  private String regionOfNewSession(HttpFromAddress client) {
    return regionOfNewSession(client, Map.of());
  }

  private String regionOfNewSession(HttpFromAddress client, Map<String, String> headers) {
    HttpFromAddress.Reply reply = create(client, Map.of("app", "demo"), headers);
    assertEquals(201, reply.status(), reply.body());
    return reply.json().path("metadata").path("region").asText();
  }

  /** The media node that was asked to launch the instance of the session last created. */
  private String mediaNodeOfLastSession() {
    String id = sessions.get(sessions.size() - 1);
    for (StandInMediaNode node : List.of(eastNode, westNode)) {
      for (LaunchInstance launch : node.launches) {
        if (id.equals(launch.sessionId())) return node.nodeId;
      }
    }
    return null;
  }

  private void awaitFull(String region) {
    Await.until("region " + region + " to be full", WAIT, () -> regions().contains(region + "=false"));
  }

  // --- tests -----------------------------------------------------------------------------------

  @Test
  void clientsLandInTheRegionOfTheirAddressRangeAndItsMediaNodeRunsTheInstance() {
    assertEquals("east", regionOfNewSession(FROM_EAST));
    Await.until("east's media node to launch the instance", WAIT, () -> "media-east".equals(mediaNodeOfLastSession()));
    assertEquals("west", regionOfNewSession(FROM_WEST));
    Await.until("west's media node to launch the instance", WAIT, () -> "media-west".equals(mediaNodeOfLastSession()));
    // 127.0.1.200 is in west's /24 but in east's longer /25.
    assertEquals("east", regionOfNewSession(new HttpFromAddress("127.0.1.200")));
  }

  @Test
  void aFullRegionSendsItsClientsToTheOtherAndBothFullIs503() {
    for (int i = 0; i < SLOTS; i++) assertEquals("east", regionOfNewSession(FROM_EAST));
    awaitFull("east");
    assertEquals("west", regionOfNewSession(FROM_EAST), "east is full: its client goes west");
    Await.until("west's media node to launch the instance", WAIT, () -> "media-west".equals(mediaNodeOfLastSession()));
    for (int i = 1; i < SLOTS; i++) assertEquals("west", regionOfNewSession(FROM_WEST));
    awaitFull("west");

    HttpFromAddress.Reply refused = create(FROM_EAST, Map.of("app", "demo"), Map.of());
    assertEquals(503, refused.status(), refused.body());
    assertTrue(refused.error().startsWith("no region can start 'demo' now"), refused.error());
    assertTrue(refused.error().contains("region 'east' is full") && refused.error().contains("region 'west' is full"),
        refused.error());
    assertEquals(503, create(FROM_WEST, Map.of("app", "demo"), Map.of()).status());
  }

  @Test
  void aBurstLargerThanTheRegionSpillsOverToTheOtherInsteadOfBeingRefused() throws Exception {
    // All at once, well within one heartbeat: the gateway counts the slots it hands out itself.
    int burst = SLOTS + 2;
    ExecutorService clients = Executors.newFixedThreadPool(burst);
    try {
      List<Future<HttpFromAddress.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        HttpFromAddress client = new HttpFromAddress("127.0.0." + (10 + i));
        replies.add(clients.submit(() -> create(client, Map.of("app", "demo"), Map.of())));
      }
      Map<String, Integer> byRegion = new TreeMap<>();
      for (Future<HttpFromAddress.Reply> reply : replies) {
        HttpFromAddress.Reply created = reply.get(60, TimeUnit.SECONDS);
        assertEquals(201, created.status(), created.body());
        byRegion.merge(created.json().path("metadata").path("region").asText(), 1, Integer::sum);
      }
      assertEquals(Map.of("east", SLOTS, "west", burst - SLOTS), byRegion);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void anExplicitRegionIsHonouredAndAFullOneIsRefusedNotSwapped() {
    HttpFromAddress.Reply inWest = create(FROM_EAST, Map.of("app", "demo", "region", "west"), Map.of());
    assertEquals(201, inWest.status(), inWest.body());
    assertEquals("west", inWest.json().path("metadata").path("region").asText());
    for (int i = 1; i < SLOTS; i++) assertEquals("west", regionOfNewSession(FROM_WEST));
    awaitFull("west");
    HttpFromAddress.Reply full = create(FROM_EAST, Map.of("app", "demo", "region", "west"), Map.of());
    assertEquals(503, full.status(), full.body());
    assertEquals("region 'west' is full: it has no free capacity", full.error());
    HttpFromAddress.Reply unknown = create(FROM_EAST, Map.of("app", "demo", "region", "mars"), Map.of());
    assertEquals(400, unknown.status(), unknown.body());
    assertEquals("unknown region 'mars'", unknown.error());
  }

  @Test
  void anAddressNoRuleKnowsGoesWhereMostSlotsAreFree() {
    assertEquals("east", regionOfNewSession(FROM_EAST));
    // The gateway counts the slot east's session took from the moment it chose east, before east's
    // heartbeats show it: west has more room at once (a tie would go to the first name, east).
    assertEquals("west", regionOfNewSession(FROM_NOWHERE));
  }

  @Test
  void forwardedForCountsOnlyFromATrustedProxy() {
    Map<String, String> fromWest = Map.of("X-Forwarded-For", "127.0.1.77");
    assertEquals("west", regionOfNewSession(FROM_PROXY, fromWest), "the trusted proxy's client is in west");
    assertEquals("east", regionOfNewSession(FROM_EAST, fromWest), "an untrusted client's header is ignored");
    // The client wrote the first entry itself; the proxy appended the address it saw.
    assertEquals("east", regionOfNewSession(FROM_PROXY, Map.of("X-Forwarded-For", "127.0.1.5, 127.0.0.9")));
    assertEquals("west", regionOfNewSession(FROM_PROXY, Map.of("X-Forwarded-For", "[2001:db8::7]:443")),
        "an IPv6 client behind the proxy is routed by the IPv6 networks");
  }

  @Test
  void theGeoIpDatabaseRoutesAddressesTheCidrTableDoesNotName() {
    assertEquals("west", regionOfNewSession(FROM_GERMANY), "country DE is mapped to west");
    assertEquals("east", regionOfNewSession(FROM_AMERICA), "US is not mapped, its continent NA is: east");
    assertEquals("east", regionOfNewSession(FROM_EAST), "the CIDR table comes before the database");
    // West full: Germany's next preference is its continent, EU, which is east.
    while (sessions.size() < 3 + SLOTS - 1) assertEquals("west", regionOfNewSession(FROM_WEST));
    awaitFull("west");
    assertEquals("east", regionOfNewSession(FROM_GERMANY));
  }

  @Test
  void aGatewayWithABadNetworkOrAnUnreadableDatabaseDoesNotStartAndSaysWhy() {
    IllegalStateException badNetwork = assertThrows(IllegalStateException.class, () -> RunningNode.withAgents(
        List.of("gateway"), nats.clusterNodeSettings() + "streamstack.gateway.routing.cidr-regions = \"10.0.0.0/33=east\""));
    assertTrue(badNetwork.getMessage().contains("streamstack.gateway.routing.cidr-regions (--region-cidrs,"
        + " STREAMSTACK_REGION_CIDRS): '10.0.0.0/33=east': '10.0.0.0/33' is not a network: the prefix length must be"
        + " 0-32 for IPv4"), badNetwork.getMessage());
    IllegalStateException noDatabase = assertThrows(IllegalStateException.class, () -> RunningNode.withAgents(
        List.of("gateway"), nats.clusterNodeSettings() + """
            streamstack.gateway.routing.geoip-database = "/nonexistent/GeoLite2-City.mmdb"
            streamstack.gateway.routing.geoip-countries = "DE=west"
            """));
    assertTrue(noDatabase.getMessage().contains("geoip-database (--geoip-database, STREAMSTACK_GEOIP_DATABASE): no such"
        + " file: /nonexistent/GeoLite2-City.mmdb"), noDatabase.getMessage());
  }
}
