package org.streamstack.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.streamstack.cluster.gateway.GatewayApiTest.assertError;
import static org.streamstack.cluster.gateway.GatewayApiTest.assertSuccess;
import static org.streamstack.cluster.gateway.SignalingRelayTest.refusedUpgrade;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.ApiClient.Reply;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * Shares (issue 6) on one real, running cluster member: the REST endpoints through real HTTP, and
 * the signalling of share peers through real websockets (a {@link SignalingClient} stands for
 * the instance socket, others for the owner's and the peers' client sockets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharesTest {

  private static final int MAX_PEERS = 3;
  /** Short, so that a peer whose socket closed stops counting against its share's bound soon. */
  private static final Duration CREDENTIAL_TTL = Duration.ofSeconds(8);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration QUIET = Duration.ofMillis(300);
  /** Joins of one share at once, and per minute after: the tests join slower than that refills. */
  private static final int JOIN_BURST = 6;
  private static final int JOINS_PER_MINUTE = 30;
  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  private RunningNode node;
  private ApiClient api;

  @BeforeAll
  void startNode() {
    node = RunningNode.standalone("streamstack.gateway.shares.max-peers-per-share = " + MAX_PEERS
        + "\nstreamstack.gateway.sessions.client-credential-ttl = " + CREDENTIAL_TTL.toSeconds() + "s"
        + "\nstreamstack.gateway.shares.join-burst = " + JOIN_BURST
        + "\nstreamstack.gateway.shares.joins-per-minute = " + JOINS_PER_MINUTE);
    api = node.api;
  }

  @AfterAll
  void stopNode() {
    if (node != null) node.stop();
  }

  private record Session(String token, String id, String clientUrl) {}

  private Session newSession() {
    String token = node.createAccount("share-" + ACCOUNTS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8));
    JsonNode session = node.createSession(token, Map.of("app", "demo"));
    return new Session(token, session.path("id").asText(), session.path("url").asText());
  }

  private JsonNode createShare(Session session, Map<String, Object> body) {
    return assertSuccess(api.post("/1.0/sessions/" + session.id() + "/share", body, session.token()), 201);
  }

  /** The share's id and secret, read from its link the way the web page reads them. */
  private record Link(String shareId, String secret) {
    static Link of(JsonNode share) {
      String url = share.path("url").asText();
      String fragment = url.substring(url.indexOf('#') + 1);
      Map<String, String> parts = new HashMap<>();
      for (String part : fragment.split("&")) parts.put(part.substring(0, part.indexOf('=')), part.substring(part.indexOf('=') + 1));
      return new Link(parts.get("share"), parts.get("secret"));
    }
  }

  private Reply join(Link link) {
    return api.post("/1.0/shares/" + link.shareId() + "/join", Map.of("secret", link.secret()), null);
  }

  /**
   * Joins until a join is not refused for a full share (409), no faster than the share's join rate
   * refills, so that the join after still finds a token.
   */
  private Reply joinOnceAPlaceIsFree(Link link, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 2 * 60_000L / JOINS_PER_MINUTE;
    while (true) {
      Reply reply = join(link);
      if (reply.status() != 409 || System.nanoTime() > deadline) return reply;
      Thread.sleep(pauseMillis);
    }
  }

  private static long inSeconds(long seconds) {
    return Instant.now().getEpochSecond() + seconds;
  }

  // --- REST ---------------------------------------------------------------------------------

  @Test
  void shareIsCreatedListedReadChangedAndDeleted() {
    Session session = newSession();
    long expiry = inSeconds(600);
    JsonNode share = createShare(session, Map.of("type", "view", "expiry_at", expiry, "description", "for Ann"));
    String id = share.path("id").asText();
    assertTrue(id.startsWith(session.id()), id);
    assertEquals(session.id(), share.path("session_id").asText());
    assertEquals("view", share.path("type").asText());
    assertEquals("for Ann", share.path("description").asText());
    assertEquals(expiry, share.path("expiry_at").asLong());
    Instant.parse(share.path("created_at").asText());
    String url = share.path("url").asText();
    assertTrue(url.startsWith(api.base + "/#share=" + id + "&secret="), url);
    assertFalse(Link.of(share).secret().isEmpty());

    JsonNode ids = assertSuccess(api.get("/1.0/shares", session.token()), 200);
    assertEquals(List.of(id), texts(ids));
    assertEquals(1, api.get("/1.0/shares", session.token()).json().path("total_size").asInt());
    JsonNode listed = assertSuccess(api.get("/1.0/shares?recursion=true", session.token()), 200);
    assertEquals(id, listed.get(0).path("id").asText());
    assertFalse(listed.get(0).has("url"), "the secret is shown only once");

    JsonNode read = assertSuccess(api.get("/1.0/shares/" + id, session.token()), 200);
    assertEquals("for Ann", read.path("description").asText());
    assertEquals(expiry, read.path("expiry_at").asLong());
    assertFalse(read.has("url"));

    long later = inSeconds(7200);
    JsonNode changed = assertSuccess(api.send("PATCH", "/1.0/shares/" + id,
        Map.of("description", "for Bob", "expiry_at", later), session.token()), 200);
    assertEquals("for Bob", changed.path("description").asText());
    assertEquals(later, changed.path("expiry_at").asLong());
    JsonNode described = assertSuccess(api.send("PATCH", "/1.0/shares/" + id, Map.of("description", ""),
        session.token()), 200);
    assertEquals("", described.path("description").asText());
    assertEquals(later, described.path("expiry_at").asLong(), "what a PATCH does not name stays");

    // A default expiry: an hour.
    JsonNode control = createShare(session, Map.of("type", "control"));
    long hour = control.path("expiry_at").asLong() - Instant.now().getEpochSecond();
    assertTrue(hour > 3500 && hour <= 3600, "expires in an hour: " + hour);
    assertEquals(List.of(id, control.path("id").asText()), texts(assertSuccess(api.get("/1.0/shares", session.token()), 200)));

    assertSuccess(api.delete("/1.0/shares/" + id, session.token()), 200);
    assertError(api.get("/1.0/shares/" + id, session.token()), 404);
    assertError(api.delete("/1.0/shares/" + id, session.token()), 404);
    assertEquals(List.of(control.path("id").asText()), texts(assertSuccess(api.get("/1.0/shares", session.token()), 200)));
    Reply joinDeleted = join(Link.of(share));
    assertError(joinDeleted, 404);
    assertTrue(joinDeleted.error().contains("deleted"), joinDeleted.error());
  }

  @Test
  void badRequestsNameTheField() {
    Session session = newSession();
    String path = "/1.0/sessions/" + session.id() + "/share";
    assertField(api.post(path, Map.of("expiry_at", inSeconds(60)), session.token()), "type");
    assertField(api.post(path, Map.of("type", "watch"), session.token()), "type");
    assertField(api.post(path, Map.of("type", 1), session.token()), "type");
    assertField(api.post(path, Map.of("type", "view", "expiry_at", inSeconds(-10)), session.token()), "expiry_at");
    assertField(api.post(path, Map.of("type", "view", "expiry_at", inSeconds(8 * 86400)), session.token()), "expiry_at");
    assertField(api.post(path, Map.of("type", "view", "expiry_at", "tomorrow"), session.token()), "expiry_at");
    assertField(api.postRaw(path, "{\"type\":\"view\",\"expiry_at\":1.5e9}", session.token()), "expiry_at");
    assertField(api.post(path, Map.of("type", "view", "description", "d".repeat(257)), session.token()), "description");
    assertError(api.postRaw(path, "", session.token()), 400);
    assertError(api.postRaw(path, "[]", session.token()), 400);
    assertError(api.postRaw(path, "{\"type\":\"view\"", session.token()), 400);
    assertEquals(0, api.get("/1.0/shares", session.token()).json().path("total_size").asInt(), "nothing was created");

    String id = createShare(session, Map.of("type", "view")).path("id").asText();
    assertError(api.send("PATCH", "/1.0/shares/" + id, Map.of(), session.token()), 400);
    assertField(api.send("PATCH", "/1.0/shares/" + id, Map.of("expiry_at", inSeconds(-1)), session.token()), "expiry_at");
    assertField(api.send("PATCH", "/1.0/shares/" + id, Map.of("description", 7), session.token()), "description");
    assertError(api.send("PUT", "/1.0/shares/" + id, Map.of(), session.token()), 405);
    assertError(api.get("/1.0/shares/" + id + "/join", null), 405);
    assertField(api.post("/1.0/shares/" + id + "/join", Map.of(), null), "secret");
    assertField(api.post("/1.0/shares/" + id + "/join", Map.of("secret", 5), null), "secret");

    // Unknown sessions and shares.
    assertError(api.post("/1.0/sessions/" + UUID.randomUUID() + "/share", Map.of("type", "view"), session.token()), 404);
    assertError(api.post("/1.0/sessions/not-a-session/share", Map.of("type", "view"), session.token()), 404);
    assertError(api.get("/1.0/shares/" + session.id() + "-0123456789ab", session.token()), 404);
    assertError(api.get("/1.0/shares/nonsense", session.token()), 404);
    assertError(api.post("/1.0/shares/nonsense/join", Map.of("secret", "x"), null), 404);
    assertError(api.post("/1.0/shares/" + UUID.randomUUID() + "-0123456789ab/join", Map.of("secret", "x"), null), 404);
    // Tokens are needed everywhere but on join.
    assertError(api.get("/1.0/shares", null), 401);
    assertError(api.get("/1.0/shares/" + id, null), 401);
    assertError(api.post(path, Map.of("type", "view"), null), 401);

    // A terminated session takes no share and its shares are gone.
    assertSuccess(api.delete("/1.0/sessions/" + session.id(), session.token()), 200);
    assertError(api.post(path, Map.of("type", "view"), session.token()), 404);
    assertError(api.get("/1.0/shares/" + id, session.token()), 404);
  }

  @Test
  void someoneElsesShareIsNotFound() {
    Session owner = newSession();
    Session stranger = newSession();
    JsonNode share = createShare(owner, Map.of("type", "control", "description", "mine"));
    String id = share.path("id").asText();
    assertError(api.get("/1.0/shares/" + id, stranger.token()), 404);
    assertError(api.send("PATCH", "/1.0/shares/" + id, Map.of("description", "theirs"), stranger.token()), 404);
    assertError(api.delete("/1.0/shares/" + id, stranger.token()), 404);
    assertEquals(0, api.get("/1.0/shares", stranger.token()).json().path("total_size").asInt());
    // Sharing someone else's session is refused like any other of its endpoints.
    assertError(api.post("/1.0/sessions/" + owner.id() + "/share", Map.of("type", "view"), stranger.token()), 403);
    assertEquals("mine", assertSuccess(api.get("/1.0/shares/" + id, owner.token()), 200).path("description").asText());
  }

  @Test
  void joinNeedsTheRightSecretAndNoAccount() {
    Session session = newSession();
    JsonNode share = createShare(session, Map.of("type", "view"));
    Link link = Link.of(share);
    Reply wrong = api.post("/1.0/shares/" + link.shareId() + "/join", Map.of("secret", link.secret() + "x"), null);
    assertError(wrong, 403);
    JsonNode joined = assertSuccess(join(link), 200);
    assertEquals("view", joined.path("type").asText());
    assertEquals(session.id(), joined.path("session_id").asText());
    assertEquals(link.shareId() + ".1", joined.path("peer").asText());
    assertTrue(joined.path("stun_servers").isArray());
    String url = joined.path("url").asText();
    assertTrue(url.startsWith("ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/" + session.id()
        + "/sockets/client?token="), url);
    assertEquals(link.shareId() + ".2", assertSuccess(join(link), 200).path("peer").asText(), "each join, a new peer");
    // The peer credential opens only its own socket, not the instance's.
    String token = url.substring(url.indexOf("?token=") + 7);
    assertEquals(401, refusedUpgrade(
        "ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/" + session.id() + "/sockets/instance?token=" + token));
    assertEquals(401, refusedUpgrade(url + "x"));
  }

  @Test
  void joinsOfOneShareInARushGet429AfterTheBurst() {
    Session session = newSession();
    Link link = Link.of(createShare(session, Map.of("type", "view")));
    Link other = Link.of(createShare(session, Map.of("type", "view")));
    // The burst is spent by joins however they end: past the share's bound (409) and with a
    // wrong secret (403) as well as admitted ones.
    for (int i = 0; i < JOIN_BURST - 1; i++) assertTrue(join(link).status() != 429, "join " + (i + 1) + " is in the burst");
    assertError(api.post("/1.0/shares/" + link.shareId() + "/join", Map.of("secret", "wrong"), null), 403);
    // Refilled at one token per two seconds: the next join in a rush finds the bucket empty.
    Reply rushed = join(link);
    assertError(rushed, 429);
    assertTrue(rushed.body().contains("too often"), rushed.body());
    // The limit is the share's: another share of the same session is joined as before.
    assertSuccess(join(other), 200);
  }

  // --- signalling ---------------------------------------------------------------------------

  @Test
  void peerFramesAreTaggedAndInstanceFramesRoutedByPeer() throws Exception {
    Session session = newSession();
    Link link = Link.of(createShare(session, Map.of("type", "view")));
    JsonNode first = assertSuccess(join(link), 200);
    JsonNode second = assertSuccess(join(link), 200);
    String p1 = first.path("peer").asText();
    String p2 = second.path("peer").asText();
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient owner = SignalingClient.connect(session.clientUrl());
        SignalingClient peer1 = SignalingClient.connect(first.path("url").asText())) {
      JsonNode joinedNotice = json(instance.next(WAIT));
      assertEquals("gateway:peer-joined", joinedNotice.path("type").asText());
      assertEquals(p1, joinedNotice.path("peer").asText());
      assertEquals("view", joinedNotice.path("role").asText());
      peer1.send("{\"type\":\"discover\", \"x\":1}");
      assertEquals("{\"peer\":\"" + p1 + "\",\"type\":\"discover\", \"x\":1}", instance.next(WAIT));
      // The owner's frames pass unchanged, and frames without a peer go to the owner only.
      owner.send("{\"type\":\"discover\"}");
      assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
      instance.send("{\"type\":\"resp:discover\",\"fps\":60}");
      assertEquals("{\"type\":\"resp:discover\",\"fps\":60}", owner.next(WAIT));
      String forPeer1 = "{\"type\":\"offer\",\"sdp\":\"eA==\",\"peer\":\"" + p1 + "\"}";
      instance.send(forPeer1);
      assertEquals(forPeer1, peer1.next(WAIT));
      // Frames for a peer not connected yet are held for it; frames for unknown peers go nowhere.
      String forPeer2 = "{\"type\":\"offer\",\"peer\":\"" + p2 + "\"}";
      instance.send(forPeer2);
      instance.send("{\"type\":\"offer\",\"peer\":\"" + link.shareId() + ".99\"}");
      assertNull(owner.next(QUIET));
      assertNull(peer1.next(QUIET));
      try (SignalingClient peer2 = SignalingClient.connect(second.path("url").asText())) {
        assertEquals(forPeer2, peer2.next(WAIT));
        JsonNode joined2 = json(instance.next(WAIT));
        assertEquals("gateway:peer-joined", joined2.path("type").asText());
        assertEquals(p2, joined2.path("peer").asText());
        peer2.send("{\"type\":\"answer\"}");
        assertEquals("{\"peer\":\"" + p2 + "\",\"type\":\"answer\"}", instance.next(WAIT));
      }
      // A peer closing its socket (as a client does once ICE connected) is not cut: frames for it
      // are held again, and it may connect again while its credential is fresh.
      assertNull(instance.next(QUIET), "no peer-left for a socket that merely closed");
      String later = "{\"type\":\"candidate\",\"peer\":\"" + p2 + "\"}";
      instance.send(later);
      try (SignalingClient again = SignalingClient.connect(second.path("url").asText())) {
        assertEquals(later, again.next(WAIT));
      }
      assertNull(instance.next(QUIET), "announced once per peer");
      assertFalse(owner.isClosed());
      assertFalse(peer1.isClosed());
    }
  }

  @Test
  void clientFramesNamingAPeerAreRefused() throws Exception {
    Session session = newSession();
    JsonNode joined = assertSuccess(join(Link.of(createShare(session, Map.of("type", "control")))), 200);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient owner = SignalingClient.connect(session.clientUrl());
        SignalingClient peer = SignalingClient.connect(joined.path("url").asText())) {
      assertEquals("gateway:peer-joined", json(instance.next(WAIT)).path("type").asText());
      String forged = "{\"type\":\"answer\",\"peer\":\"" + joined.path("peer").asText() + "\"}";
      owner.send(forged);
      assertErrorFrame(owner.next(WAIT), "field 'peer' is reserved for the gateway");
      peer.send("{\"type\":\"answer\",\"peer\":\"someone-else.1\"}");
      assertErrorFrame(peer.next(WAIT), "field 'peer' is reserved for the gateway");
      peer.send("{\"type\":\"gateway:peer-left\"}");
      assertErrorFrame(peer.next(WAIT), "reserved for the gateway");
      assertNull(instance.next(QUIET), "nothing forged reached the instance");
      assertFalse(owner.isClosed());
      assertFalse(peer.isClosed());
      peer.send("{\"type\":\"answer\"}");
      assertEquals("{\"peer\":\"" + joined.path("peer").asText() + "\",\"type\":\"answer\"}", instance.next(WAIT));
    }
  }

  @Test
  void viewShareTakesSeveralPeersUpToItsBound() throws Exception {
    Session session = newSession();
    Link link = Link.of(createShare(session, Map.of("type", "view")));
    List<JsonNode> joins = new ArrayList<>();
    for (int i = 0; i < MAX_PEERS; i++) joins.add(assertSuccess(join(link), 200));
    assertError(join(link), 409);
    List<SignalingClient> peers = new ArrayList<>();
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      for (JsonNode joined : joins) {
        SignalingClient peer = SignalingClient.connect(joined.path("url").asText());
        peers.add(peer);
        assertEquals(joined.path("peer").asText(), json(instance.next(WAIT)).path("peer").asText());
      }
      for (int i = 0; i < peers.size(); i++) {
        peers.get(i).send("{\"type\":\"discover\",\"n\":" + i + "}");
        JsonNode relayed = json(instance.next(WAIT));
        assertEquals(joins.get(i).path("peer").asText(), relayed.path("peer").asText());
        assertEquals(i, relayed.path("n").asInt());
      }
      for (int i = 0; i < peers.size(); i++) {
        instance.send("{\"type\":\"offer\",\"n\":" + i + ",\"peer\":\"" + joins.get(i).path("peer").asText() + "\"}");
      }
      for (int i = 0; i < peers.size(); i++) {
        assertEquals(i, json(peers.get(i).next(WAIT)).path("n").asInt(), "each peer gets its own frames");
        assertNull(peers.get(i).next(QUIET));
      }
      // One leaves: once its credential is stale, its place is free again; the others, whose
      // sockets are open, still count however old their credentials.
      peers.get(0).close();
      assertSuccess(joinOnceAPlaceIsFree(link, CREDENTIAL_TTL.plusSeconds(15)), 200);
      assertError(join(link), 409);
      assertFalse(peers.get(1).isClosed());
    } finally {
      peers.forEach(SignalingClient::close);
    }
  }

  @Test
  void newControlPeerReplacesThePreviousOne() throws Exception {
    Session session = newSession();
    Link link = Link.of(createShare(session, Map.of("type", "control")));
    JsonNode first = assertSuccess(join(link), 200);
    assertEquals("control", first.path("type").asText());
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient peer1 = SignalingClient.connect(first.path("url").asText())) {
      JsonNode joinedNotice = json(instance.next(WAIT));
      assertEquals("control", joinedNotice.path("role").asText());
      JsonNode second = assertSuccess(join(link), 200);
      assertErrorFrame(peer1.next(WAIT), "replaced");
      assertTrue(peer1.awaitClosed(WAIT), "the replaced peer's socket is closed");
      JsonNode left = json(instance.next(WAIT));
      assertEquals("gateway:peer-left", left.path("type").asText());
      assertEquals(first.path("peer").asText(), left.path("peer").asText());
      assertTrue(left.path("reason").asText().contains("replaced"), left.toString());
      // The replaced peer's credential no longer opens a socket.
      assertEquals(401, refusedUpgrade(first.path("url").asText()));
      try (SignalingClient peer2 = SignalingClient.connect(second.path("url").asText())) {
        assertEquals(second.path("peer").asText(), json(instance.next(WAIT)).path("peer").asText());
        peer2.send("{\"type\":\"discover\"}");
        assertEquals(second.path("peer").asText(), json(instance.next(WAIT)).path("peer").asText());
      }
    }
  }

  @Test
  void expiredShareCutsItsPeersAndCannotBeJoined() throws Exception {
    Session session = newSession();
    JsonNode share = createShare(session, Map.of("type", "view", "expiry_at", inSeconds(4)));
    Link link = Link.of(share);
    JsonNode joined = assertSuccess(join(link), 200);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient owner = SignalingClient.connect(session.clientUrl());
        SignalingClient peer = SignalingClient.connect(joined.path("url").asText())) {
      assertEquals("gateway:peer-joined", json(instance.next(WAIT)).path("type").asText());
      JsonNode left = json(instance.next(Duration.ofSeconds(15)));
      assertNotNull(left, "peer-left at expiry");
      assertEquals("gateway:peer-left", left.path("type").asText());
      assertEquals(joined.path("peer").asText(), left.path("peer").asText());
      assertTrue(left.path("reason").asText().contains("expired"), left.toString());
      assertErrorFrame(peer.next(WAIT), "expired");
      assertTrue(peer.awaitClosed(WAIT));
      assertFalse(owner.isClosed(), "the owner streams on");
    }
    Reply late = join(link);
    assertError(late, 404);
    assertTrue(late.error().contains("expired"), late.error());
    assertError(api.get("/1.0/shares/" + link.shareId(), session.token()), 404);
  }

  @Test
  void deletingTheShareOrTheSessionCutsPeers() throws Exception {
    Session session = newSession();
    Link viewLink = Link.of(createShare(session, Map.of("type", "view")));
    Link controlLink = Link.of(createShare(session, Map.of("type", "control")));
    JsonNode viewer = assertSuccess(join(viewLink), 200);
    JsonNode controller = assertSuccess(join(controlLink), 200);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient peer1 = SignalingClient.connect(viewer.path("url").asText());
        SignalingClient peer2 = SignalingClient.connect(controller.path("url").asText())) {
      assertEquals("gateway:peer-joined", json(instance.next(WAIT)).path("type").asText());
      assertEquals("gateway:peer-joined", json(instance.next(WAIT)).path("type").asText());
      assertSuccess(api.delete("/1.0/shares/" + viewLink.shareId(), session.token()), 200);
      JsonNode left = json(instance.next(WAIT));
      assertEquals("gateway:peer-left", left.path("type").asText());
      assertEquals(viewer.path("peer").asText(), left.path("peer").asText());
      assertTrue(left.path("reason").asText().contains("deleted"), left.toString());
      assertErrorFrame(peer1.next(WAIT), "deleted");
      assertTrue(peer1.awaitClosed(WAIT));
      assertFalse(peer2.isClosed());

      assertSuccess(api.delete("/1.0/sessions/" + session.id(), session.token()), 200);
      JsonNode leftToo = json(instance.next(WAIT));
      assertEquals("gateway:peer-left", leftToo.path("type").asText());
      assertEquals(controller.path("peer").asText(), leftToo.path("peer").asText());
      assertErrorFrame(peer2.next(WAIT), "terminated");
      assertTrue(peer2.awaitClosed(WAIT));
      assertTrue(instance.awaitClosed(WAIT));
    }
    assertError(join(controlLink), 404);
  }

  // --- helpers ------------------------------------------------------------------------------

  private static void assertField(Reply reply, String field) {
    assertError(reply, 400);
    assertTrue(reply.error().contains("'" + field + "'"), "the error names " + field + ": " + reply.error());
  }

  private static void assertErrorFrame(String frame, String saying) {
    assertNotNull(frame, "an error frame saying " + saying);
    JsonNode json = json(frame);
    assertEquals("error", json.path("type").asText(), frame);
    assertTrue(json.path("message").asText().contains(saying), frame);
  }

  private static JsonNode json(String frame) {
    assertNotNull(frame, "a frame arrived");
    try {
      return ApiJson.MAPPER.readTree(frame);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + frame, e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
