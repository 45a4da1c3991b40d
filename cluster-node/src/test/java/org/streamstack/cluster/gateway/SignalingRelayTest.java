package org.streamstack.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.cluster.testing.SignalingClient;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * Black-box tests of the signalling relay (PROTOCOL.md 4) on one real, running cluster member:
 * two real websocket clients, the client one from the session's {@code url} and the instance one
 * from the admin interface, exchanging frames through the gateway. Small limits make the limits
 * reachable in a test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignalingRelayTest {

  private static final int MAX_FRAME_BYTES = 4096;
  private static final int RATE_LIMIT = 20;
  private static final int MAX_PENDING_FRAMES = 5;
  private static final Duration WAIT = Duration.ofSeconds(5);
  /** How long a test waits to see that something does not arrive. */
  private static final Duration QUIET = Duration.ofMillis(300);

  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  private RunningNode node;
  private ApiClient api;

  @BeforeAll
  void startNode() {
    node = RunningNode.standalone("""
        streamstack.gateway.signaling {
          max-frame-bytes = %d
          rate-limit = %d
          rate-burst = %d
          max-pending-frames = %d
        }
        """.formatted(MAX_FRAME_BYTES, RATE_LIMIT, RATE_LIMIT, MAX_PENDING_FRAMES));
    api = node.api;
  }

  @AfterAll
  void stopNode() {
    if (node != null) node.stop();
  }

  /** A fresh account with one fresh session. */
  private record Session(String token, String id, String clientUrl) {}

  private Session newSession(boolean joinable) {
    String token = node.createAccount("relay-" + ACCOUNTS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8));
    JsonNode session = node.createSession(token, Map.of("app", "demo", "joinable", joinable));
    return new Session(token, session.path("id").asText(), session.path("url").asText());
  }

  // --- relaying -----------------------------------------------------------------------------

  @Test
  void framesRelayBothWaysByteExact() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      // Whitespace, number spelling, escapes and non-ASCII must survive untouched: the gateway
      // relays text, it does not re-serialise JSON.
      List<String> toInstance = List.of(
          "{\"type\":\"discover\"}",
          "{ \"type\" : \"settings\", \"api_version\":2,\n \"data_channels\":[\"control\"], \"x\":1.50e0 }",
          "{\"type\":\"answer\",\"sdp\":\"dj0wDQpvPS0gNDYxMTcz\",\"note\":\"caf\\u00e9 café 😀 \\\"q\\\"\"}",
          "{\"type\":\"candidate\",\"candidate\":\"Y2FuZGlkYXRl\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}");
      List<String> toClient = List.of(
          "{\"type\":\"resp:discover\",\"max_api_version\":2,\"capabilities\":[],\"fps\":60}",
          "{\"type\":\"offer\",   \"sdp\":\"dj0wDQo=\"}",
          "{\"sdpMLineIndex\":1,\"type\":\"candidate\",\"candidate\":\"YQ==\",\"sdpMid\":\"1\"}");
      for (String frame : toInstance) client.send(frame);
      for (String frame : toClient) instance.send(frame);
      assertEquals(toInstance, receive(instance, toInstance.size()));
      assertEquals(toClient, receive(client, toClient.size()));
      // A frame close to the size limit passes whole.
      String large = "{\"type\":\"offer\",\"sdp\":\"" + "A".repeat(MAX_FRAME_BYTES - 100) + "\"}";
      instance.send(large);
      assertEquals(large, client.next(WAIT));
      assertNoFrame(client);
      assertNoFrame(instance);
    }
  }

  @Test
  void framesSentBeforeTheInstanceConnectsAreDeliveredInOrder() throws Exception {
    Session session = newSession(false);
    String instanceUrl = node.instanceSocketUrl(session.id());
    try (SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      List<String> early = new ArrayList<>();
      for (int i = 0; i < MAX_PENDING_FRAMES; i++) early.add("{\"type\":\"candidate\",\"n\":" + i + "}");
      for (String frame : early) client.send(frame);
      assertNoFrame(client);
      try (SignalingClient instance = SignalingClient.connect(instanceUrl)) {
        assertEquals(early, receive(instance, early.size()));
        // And what follows comes after them.
        client.send("{\"type\":\"discover\"}");
        assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
        instance.send("{\"type\":\"offer\",\"sdp\":\"eA==\"}");
        assertEquals("{\"type\":\"offer\",\"sdp\":\"eA==\"}", client.next(WAIT));
      }
      assertFalse(client.isClosed());
    }
  }

  // --- the gateway's notices -----------------------------------------------------------------

  @Test
  void aJoinWithANewScreenIsPersistedAndTellsTheInstanceSocket() throws Exception {
    Session session = newSession(true);
    String path = "/1.0/sessions/" + session.id();
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      ApiClient.Reply joined = api.post(path + "/join",
          Map.of("screen", Map.of("width", 960, "height", 540, "fps", 30)), session.token());
      assertEquals(200, joined.status(), joined.body());
      JsonNode notice = ApiJson.MAPPER.readTree(instance.next(WAIT));
      assertEquals("gateway:screen", notice.path("type").asText());
      assertEquals(960, notice.path("width").asInt());
      assertEquals(540, notice.path("height").asInt());
      assertEquals(30, notice.path("fps").asInt());
      assertTrue(notice.path("density").isInt(), "the session's density, kept: " + notice);
      JsonNode screen = api.get(path, session.token()).json().path("metadata").path("screen");
      assertEquals(960, screen.path("width").asInt());
      assertEquals(540, screen.path("height").asInt());
      assertEquals(30, screen.path("fps").asInt());
      // The same screen again, or no screen: nothing changes, nothing is said.
      assertEquals(200, api.post(path + "/join", Map.of("screen", Map.of("width", 960, "height", 540)),
          session.token()).status());
      assertEquals(200, api.send("POST", path + "/join", null, session.token()).status());
      assertNoFrame(instance);
    }
  }

  @Test
  void aScreenNoticeIsHeldUntilTheInstanceConnects() throws Exception {
    Session session = newSession(true);
    assertEquals(200, api.post("/1.0/sessions/" + session.id() + "/join",
        Map.of("screen", Map.of("width", 640, "height", 360)), session.token()).status());
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      JsonNode notice = ApiJson.MAPPER.readTree(instance.next(WAIT));
      assertEquals("gateway:screen", notice.path("type").asText());
      assertEquals(640, notice.path("width").asInt());
      assertEquals(360, notice.path("height").asInt());
    }
  }

  @Test
  void framesSentBeforeTheClientConnectsAreDeliveredInOrder() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      List<String> early = List.of("{\"type\":\"offer\",\"sdp\":\"eA==\"}", "{\"type\":\"candidate\",\"n\":1}");
      for (String frame : early) instance.send(frame);
      try (SignalingClient client = SignalingClient.connect(session.clientUrl())) {
        assertEquals(early, receive(client, early.size()));
      }
    }
  }

  @Test
  void sessionBecomesActiveWhenTheInstanceConnects() throws Exception {
    Session session = newSession(false);
    assertEquals("created", status(session));
    try (SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      assertEquals("created", status(session), "a client alone does not make a session active");
      try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
        assertEquals("active", status(session));
        assertFalse(instance.isClosed());
        assertFalse(client.isClosed());
      }
    }
  }

  // --- socket authorisation -----------------------------------------------------------------

  @Test
  void socketsWithoutTheRightCredentialAreRefused() {
    Session session = newSession(false);
    Session other = newSession(false);
    String base = session.clientUrl().substring(0, session.clientUrl().indexOf('?'));
    String clientToken = session.clientUrl().substring(session.clientUrl().indexOf("?token=") + 7);
    String instanceUrl = node.instanceSocketUrl(session.id());
    String instanceBase = instanceUrl.substring(0, instanceUrl.indexOf('?'));

    assertEquals(401, refusedUpgrade(base));
    assertEquals(401, refusedUpgrade(base + "?token="));
    assertEquals(401, refusedUpgrade(base + "?token=" + clientToken + "x"));
    assertEquals(401, refusedUpgrade(instanceBase));
    assertEquals(401, refusedUpgrade(instanceBase + "?token=wrong"));
    // A credential grants one socket of one session.
    assertEquals(401, refusedUpgrade(instanceBase + "?token=" + clientToken));
    assertEquals(401, refusedUpgrade(other.clientUrl().substring(0, other.clientUrl().indexOf('?'))
        + "?token=" + clientToken));
    assertEquals("created", status(session), "refused sockets change nothing");
  }

  @Test
  void socketsOfUnknownSessionsAreRefused() {
    Session session = newSession(false);
    String query = session.clientUrl().substring(session.clientUrl().indexOf('?'));
    String root = "ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/";
    assertEquals(404, refusedUpgrade(root + UUID.randomUUID() + "/sockets/client" + query));
    assertEquals(404, refusedUpgrade(root + UUID.randomUUID() + "/sockets/instance" + query));
    assertEquals(404, refusedUpgrade(root + "not-a-session/sockets/client" + query));
    assertEquals(404, refusedUpgrade(root + session.id() + "/sockets/neither" + query));
  }

  // --- envelope and limits ------------------------------------------------------------------

  @Test
  void framesThatAreNotSignallingGetAnErrorAndTheSocketStaysOpen() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      for (String bad : List.of("not json", "[{\"type\":\"offer\"}]", "\"offer\"", "{\"type\":5}",
          "{\"type\":null}", "{\"type\":{\"name\":\"offer\"}}", "{\"sdp\":\"eA==\"}", "{\"type\":\"offer\"",
          "{\"type\":\"offer\"} {\"type\":\"offer\"}", "")) {
        client.send(bad);
        assertErrorFrame(client.next(WAIT), "frame " + bad);
        assertFalse(client.isClosed(), "a bad frame does not close the socket: " + bad);
      }
      instance.send("[]");
      assertErrorFrame(instance.next(WAIT), "frame [] from the instance");
      // Still open both ways, and nothing bad was relayed.
      client.send("{\"type\":\"discover\"}");
      assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
      instance.send("{\"type\":\"offer\",\"sdp\":\"eA==\"}");
      assertEquals("{\"type\":\"offer\",\"sdp\":\"eA==\"}", client.next(WAIT));
      assertNoFrame(instance);
      assertFalse(client.isClosed());
      assertFalse(instance.isClosed());
    }
  }

  @Test
  void frameOverTheSizeLimitClosesTheSocketAfterAnError() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      client.send("{\"type\":\"discover\"}");
      assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
      client.send("{\"type\":\"answer\",\"sdp\":\"" + "A".repeat(MAX_FRAME_BYTES) + "\"}");
      assertErrorFrame(client.next(WAIT), "oversized frame");
      assertTrue(client.awaitClosed(WAIT), "the gateway closes a socket that sent an oversized frame");
      assertNoFrame(instance);
      assertFalse(instance.isClosed(), "the other side stays connected");
    }
  }

  @Test
  void multiByteFrameOverTheSizeLimitInBytesClosesTheSocket() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      // Under the limit in characters, over it in UTF-8 bytes.
      client.send("{\"type\":\"answer\",\"sdp\":\"" + "é".repeat(MAX_FRAME_BYTES / 2 + 100) + "\"}");
      assertErrorFrame(client.next(WAIT), "oversized frame");
      assertTrue(client.awaitClosed(WAIT));
      assertNoFrame(instance);
    }
  }

  @Test
  void exceedingTheRateLimitClosesTheSocketAfterAnError() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      int sent = 0;
      try {
        while (sent < RATE_LIMIT * 50 && !client.isClosed()) {
          client.send("{\"type\":\"candidate\",\"n\":" + sent + "}");
          sent++;
        }
      } catch (CompletionException | IllegalStateException e) {
        // The gateway closed the socket while we were still sending.
      }
      assertTrue(client.awaitClosed(WAIT), "the gateway closes a socket that sends too fast (" + sent + " sent)");
      String last = null;
      String frame;
      while ((frame = client.next(Duration.ZERO)) != null) last = frame;
      assertErrorFrame(last, "the frame before the close");
      assertTrue(sent > RATE_LIMIT, "frames within the burst pass: " + sent);
      // Frames within the limit (at least the burst) were relayed in order before the close.
      List<String> relayed = receive(instance, RATE_LIMIT);
      while ((frame = instance.next(QUIET)) != null) relayed.add(frame);
      assertTrue(relayed.size() >= RATE_LIMIT && relayed.size() < sent, relayed.size() + " relayed of " + sent);
      for (int i = 0; i < relayed.size(); i++) assertEquals("{\"type\":\"candidate\",\"n\":" + i + "}", relayed.get(i));
      assertFalse(instance.isClosed());
    }
  }

  @Test
  void moreEarlyFramesThanTheBoundClosesTheSender() throws Exception {
    Session session = newSession(false);
    try (SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      for (int i = 0; i <= MAX_PENDING_FRAMES; i++) client.send("{\"type\":\"candidate\",\"n\":" + i + "}");
      assertErrorFrame(client.next(WAIT), "the frame past the bound");
      assertTrue(client.awaitClosed(WAIT), "the sender is closed when the held frames fill the buffer");
    }
  }

  // --- reconnects and the end of a session --------------------------------------------------

  @Test
  void reconnectingClientReplacesTheOldConnection() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient first = SignalingClient.connect(session.clientUrl())) {
      instance.send("{\"type\":\"offer\",\"n\":1}");
      assertEquals("{\"type\":\"offer\",\"n\":1}", first.next(WAIT));
      try (SignalingClient second = SignalingClient.connect(session.clientUrl())) {
        assertTrue(first.awaitClosed(WAIT), "the replaced connection is closed");
        assertFalse(second.isClosed());
        instance.send("{\"type\":\"offer\",\"n\":2}");
        assertEquals("{\"type\":\"offer\",\"n\":2}", second.next(WAIT));
        second.send("{\"type\":\"answer\",\"n\":2}");
        assertEquals("{\"type\":\"answer\",\"n\":2}", instance.next(WAIT));
        String frame;
        while ((frame = first.next(Duration.ZERO)) != null) {
          assertFalse(frame.contains("\"n\":2"), "the replaced connection gets nothing new: " + frame);
        }
      }
    }
  }

  @Test
  void reconnectingInstanceReplacesTheOldConnection() throws Exception {
    Session session = newSession(false);
    try (SignalingClient client = SignalingClient.connect(session.clientUrl());
        SignalingClient first = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      client.send("{\"type\":\"discover\",\"n\":1}");
      assertEquals("{\"type\":\"discover\",\"n\":1}", first.next(WAIT));
      try (SignalingClient second = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
        assertTrue(first.awaitClosed(WAIT), "the replaced connection is closed");
        client.send("{\"type\":\"discover\",\"n\":2}");
        assertEquals("{\"type\":\"discover\",\"n\":2}", second.next(WAIT));
      }
    }
  }

  @Test
  void deletingTheSessionClosesBothSockets() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient client = SignalingClient.connect(session.clientUrl())) {
      client.send("{\"type\":\"discover\"}");
      assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
      instance.send("{\"type\":\"resp:discover\"}");
      assertEquals("{\"type\":\"resp:discover\"}", client.next(WAIT));

      ApiClient.Reply deleted = api.delete("/1.0/sessions/" + session.id(), session.token());
      assertEquals(200, deleted.status(), deleted.body());
      assertTrue(client.awaitClosed(WAIT), "client socket closed when its session ends");
      assertTrue(instance.awaitClosed(WAIT), "instance socket closed when its session ends");
      assertErrorFrame(client.next(WAIT), "client's last frame");
      assertErrorFrame(instance.next(WAIT), "instance's last frame");
    }
    // An ended session takes no sockets.
    assertEquals(404, refusedUpgrade(session.clientUrl()));
  }

  @Test
  void connectGivesAUrlThatWorks() throws Exception {
    Session session = newSession(false);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()))) {
      ApiClient.Reply reply = api.get("/1.0/sessions/" + session.id() + "/connect", session.token());
      assertEquals(200, reply.status(), reply.body());
      String url = reply.json().path("metadata").path("url").asText();
      assertFalse(url.equals(session.clientUrl()));
      try (SignalingClient client = SignalingClient.connect(url)) {
        client.send("{\"type\":\"discover\"}");
        assertEquals("{\"type\":\"discover\"}", instance.next(WAIT));
        instance.send("{\"type\":\"offer\"}");
        assertEquals("{\"type\":\"offer\"}", client.next(WAIT));
      }
    }
  }

  @Test
  void joinGivesAUrlThatReplacesTheConnectedClient() throws Exception {
    Session session = newSession(true);
    try (SignalingClient instance = SignalingClient.connect(node.instanceSocketUrl(session.id()));
        SignalingClient first = SignalingClient.connect(session.clientUrl())) {
      first.send("{\"type\":\"discover\",\"n\":1}");
      assertEquals("{\"type\":\"discover\",\"n\":1}", instance.next(WAIT));

      ApiClient.Reply reply = api.post("/1.0/sessions/" + session.id() + "/join",
          Map.of("screen", Map.of("width", 800, "height", 600)), session.token());
      assertEquals(200, reply.status(), reply.body());
      String url = reply.json().path("metadata").path("url").asText();
      assertTrue(instance.next(WAIT).startsWith("{\"type\":\"gateway:screen\""), "the new screen, told first");
      try (SignalingClient joined = SignalingClient.connect(url)) {
        assertTrue(first.awaitClosed(WAIT), "a new client replaces the connected one");
        joined.send("{\"type\":\"discover\",\"n\":2}");
        assertEquals("{\"type\":\"discover\",\"n\":2}", instance.next(WAIT));
        instance.send("{\"type\":\"offer\",\"n\":2}");
        assertEquals("{\"type\":\"offer\",\"n\":2}", joined.next(WAIT));
      }
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private String status(Session session) {
    ApiClient.Reply reply = api.get("/1.0/sessions/" + session.id(), session.token());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().path("metadata").path("status").asText();
  }

  /** The HTTP status with which the gateway refuses a websocket upgrade to {@code url}. */
  static int refusedUpgrade(String url) {
    Throwable thrown = assertThrows(Throwable.class, () -> SignalingClient.connect(url).close(),
        "the upgrade to " + url + " must fail");
    Throwable cause = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, cause,
        "refused upgrade of " + url);
    return handshake.getResponse().statusCode();
  }

  private static List<String> receive(SignalingClient socket, int count) throws InterruptedException {
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String frame = socket.next(WAIT);
      if (frame == null) fail("only " + frames.size() + " of " + count + " frames arrived: " + frames);
      frames.add(frame);
    }
    return frames;
  }

  private static void assertNoFrame(SignalingClient socket) throws InterruptedException {
    assertNull(socket.next(QUIET), "no further frame");
  }

  private static void assertErrorFrame(String frame, String what) {
    assertNotNull(frame, what + ": no error frame arrived");
    JsonNode json;
    try {
      json = ApiJson.MAPPER.readTree(frame);
    } catch (IOException e) {
      throw new AssertionError(what + ": error frame is not JSON: " + frame, e);
    }
    assertTrue(json.isObject(), what + ": " + frame);
    assertEquals("error", json.path("type").asText(), what + ": " + frame);
    assertTrue(json.path("message").isTextual() && !json.path("message").asText().isBlank(), what + ": " + frame);
  }
}
