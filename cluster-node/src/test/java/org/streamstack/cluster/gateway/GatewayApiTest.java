package org.streamstack.cluster.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.ApiClient.Reply;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * Black-box tests of the gateway's HTTP API (PROTOCOL.md 1 to 3) against one real, running
 * cluster member: raw HTTP in, status codes, headers and JSON out. Every test uses accounts of
 * its own, so the tests do not depend on each other's sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayApiTest {

  private static final String TURN_URL = "turn:127.0.0.1:3478?transport=udp";
  private static final String STUN_URL = "stun:127.0.0.1:3478";
  private static final String TURN_SECRET = "s3cret";
  private static final int RATE_BURST = 60;

  /** RFC 3339 date-time (section 5.6): full date, 'T', full time with optional fraction, offset. */
  private static final Pattern RFC_3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})");

  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  private RunningNode node;
  private ApiClient api;

  @BeforeAll
  void startNode() {
    node = RunningNode.standalone("""
        streamstack.gateway {
          max-body-bytes = 1k
          account-rate-limit = 30
          account-rate-burst = %d
          applications = ["demo", "other"]
          regions = ["local", "eu"]
          ice {
            stun-urls = ["%s"]
            turn-urls = ["%s"]
            turn-shared-secret = "%s"
          }
        }
        """.formatted(RATE_BURST, STUN_URL, TURN_URL, TURN_SECRET));
    api = node.api;
  }

  @AfterAll
  void stopNode() {
    if (node != null) node.stop();
  }

  // --- status, envelope, CORS ---------------------------------------------------------------

  @Test
  void statusAnswersWithoutAToken() {
    Reply reply = api.get("/1.0/status", null);
    JsonNode metadata = assertSuccess(reply, 200);
    assertEquals("online", metadata.path("status").asText());
    assertEquals("1.0", metadata.path("api_version").asText());
    assertEquals(2, metadata.path("signaling_api_version").asInt());
  }

  @Test
  void corsPreflightIsAnsweredWithoutAToken() {
    Reply reply = api.send(HttpRequest.newBuilder(java.net.URI.create(api.base + "/1.0/sessions/"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://app.example.com")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type")
        .build());
    assertEquals(204, reply.status(), reply.body());
    assertEquals("*", header(reply, "Access-Control-Allow-Origin"));
    String methods = header(reply, "Access-Control-Allow-Methods");
    assertNotNull(methods, "preflight answer names the allowed methods");
    for (String method : List.of("GET", "POST", "DELETE")) assertTrue(methods.contains(method), methods);
    String headers = header(reply, "Access-Control-Allow-Headers");
    assertNotNull(headers, "preflight answer names the allowed headers");
    assertTrue(headers.toLowerCase().contains("authorization"), headers);
    assertTrue(headers.toLowerCase().contains("content-type"), headers);
  }

  @Test
  void corsHeaderIsOnSuccessAndErrorResponses() {
    String token = newAccount();
    Reply status = api.send(api.request("/1.0/status", null).header("Origin", "https://app.example.com").GET().build());
    assertSuccess(status, 200);
    assertEquals("*", header(status, "Access-Control-Allow-Origin"));

    Reply created = api.send(api.request("/1.0/sessions", token).header("Origin", "https://app.example.com")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"demo\"}")).build());
    assertSuccess(created, 201);
    assertEquals("*", header(created, "Access-Control-Allow-Origin"));

    Reply refused = api.send(api.request("/1.0/sessions", null).header("Origin", "https://app.example.com").GET().build());
    assertError(refused, 401);
    assertEquals("*", header(refused, "Access-Control-Allow-Origin"), "a browser can read the error only with it");
  }

  // --- sessions: create, get, delete ----------------------------------------------------------

  @Test
  void createdSessionHasEveryFieldOfTheSessionObject() {
    String token = newAccount();
    Instant before = Instant.now().minusSeconds(1);
    Reply reply = api.post("/1.0/sessions", Map.of("app", "demo"), token);
    JsonNode session = assertSuccess(reply, 201);
    Instant after = Instant.now().plusSeconds(1);

    String id = session.path("id").asText();
    UUID.fromString(id);
    assertEquals("created", session.path("status").asText());
    assertEquals("demo", session.path("app").asText());
    assertEquals("local", session.path("region").asText(), "an empty region is the gateway's pick");
    assertTrue(session.path("joinable").isBoolean());
    assertFalse(session.path("joinable").asBoolean());
    assertScreen(session.path("screen"), 1280, 720, 60, 240);

    String createdAt = session.path("created_at").asText();
    assertTrue(RFC_3339.matcher(createdAt).matches(), "created_at is RFC 3339: " + createdAt);
    Instant created = OffsetDateTime.parse(createdAt).toInstant();
    assertTrue(!created.isBefore(before) && !created.isAfter(after), "created_at is now: " + createdAt);

    String url = session.path("url").asText();
    String prefix = "ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/" + id + "/sockets/client?token=";
    assertTrue(url.startsWith(prefix), "url is the absolute client socket URL: " + url);
    assertTrue(url.length() > prefix.length() + 16, "url carries a credential: " + url);

    assertStunServers(session.path("stun_servers"), id);
  }

  @Test
  void explicitFieldsAreKeptAndPartialScreenTakesDefaults() {
    String token = newAccount();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("app", "other");
    body.put("region", "eu");
    body.put("joinable", true);
    body.put("screen", Map.of("width", 1920, "height", 1080));
    body.put("app_version", 3);
    body.put("idle_time_min", 15);
    body.put("extra_data", Map.of("level", List.of(1, "two", Map.of("three", true))));
    body.put("unknown_field", "is ignored");
    JsonNode session = assertSuccess(api.post("/1.0/sessions", body, token), 201);
    assertEquals("other", session.path("app").asText());
    assertEquals(3, session.path("app_version").asInt());
    assertEquals(15, session.path("idle_time_min").asInt());
    assertEquals(ApiJson.MAPPER.valueToTree(body.get("extra_data")), session.path("extra_data"));
    assertEquals("eu", session.path("region").asText());
    assertTrue(session.path("joinable").asBoolean());
    assertScreen(session.path("screen"), 1920, 1080, 60, 240);

    JsonNode fetched = assertSuccess(api.get("/1.0/sessions/" + session.path("id").asText(), token), 200);
    assertEquals(session.path("id").asText(), fetched.path("id").asText());
    assertEquals("created", fetched.path("status").asText());
    assertEquals("other", fetched.path("app").asText());
    assertEquals("eu", fetched.path("region").asText());
    assertTrue(fetched.path("joinable").asBoolean());
    assertScreen(fetched.path("screen"), 1920, 1080, 60, 240);
    assertEquals(session.path("created_at").asText(), fetched.path("created_at").asText());
    assertEquals(session.path("extra_data"), fetched.path("extra_data"));
    assertStunServers(fetched.path("stun_servers"), session.path("id").asText());
  }

  @Test
  void trailingSlashIsAccepted() {
    String token = newAccount();
    JsonNode session = assertSuccess(api.post("/1.0/sessions/", Map.of("app", "demo"), token), 201);
    String id = session.path("id").asText();
    assertEquals(id, assertSuccess(api.get("/1.0/sessions/" + id + "/", token), 200).path("id").asText());
    JsonNode ids = assertSuccess(api.get("/1.0/sessions/", token), 200);
    assertEquals(List.of(id), texts(ids));
    assertSuccess(api.get("/1.0/applications/", token), 200);
  }

  @Test
  void deleteEndsTheSession() {
    String token = newAccount();
    String id = createSession(token, Map.of("app", "demo"));
    JsonNode deleted = assertSuccess(api.delete("/1.0/sessions/" + id, token), 200);
    assertEquals(id, deleted.path("id").asText());
    assertEquals("terminated", deleted.path("status").asText());
    assertEquals("terminated", assertSuccess(api.get("/1.0/sessions/" + id, token), 200).path("status").asText());
    // Deleting again is harmless.
    assertEquals("terminated", assertSuccess(api.delete("/1.0/sessions/" + id, token), 200).path("status").asText());
  }

  @Test
  void ephemeralSessionLeavesNoTraceOnceTerminated() {
    String token = newAccount();
    String ephemeral = createSession(token, Map.of("app", "demo", "ephemeral", true));
    String kept = createSession(token, Map.of("app", "demo"));
    assertEquals(List.of(ephemeral, kept), texts(assertSuccess(api.get("/1.0/sessions", token), 200)));
    assertSuccess(api.delete("/1.0/sessions/" + ephemeral, token), 200);
    assertError(api.get("/1.0/sessions/" + ephemeral, token), 404);
    assertError(api.get("/1.0/sessions/" + ephemeral + "/connect", token), 404);
    awaitTrue(() -> texts(assertSuccess(api.get("/1.0/sessions", token), 200)).equals(List.of(kept)),
        Duration.ofSeconds(5), "the ended ephemeral session leaves the list");
    Reply recursive = api.get("/1.0/sessions?recursion=true", token);
    JsonNode sessions = assertSuccess(recursive, 200);
    assertEquals(1, sessions.size());
    assertEquals(kept, sessions.get(0).path("id").asText());
    assertEquals(1, recursive.json().path("total_size").asInt());
  }

  @Test
  void turnCredentialsFollowTheTurnRestScheme() throws Exception {
    String token = newAccount();
    JsonNode session = assertSuccess(api.post("/1.0/sessions", Map.of("app", "demo"), token), 201);
    String id = session.path("id").asText();
    JsonNode turn = turnEntry(session.path("stun_servers"));
    String username = turn.path("username").asText();
    String[] parts = username.split(":", 2);
    assertEquals(2, parts.length, "username is <unix expiry>:<session id>: " + username);
    assertEquals(id, parts[1]);
    long expiry = Long.parseLong(parts[0]);
    long now = Instant.now().getEpochSecond();
    assertTrue(expiry > now, "TURN credential expires in the future: " + expiry + " <= " + now);
    assertTrue(expiry <= now + Duration.ofDays(1).toSeconds(), "TURN credential is time-limited: " + expiry);

    Mac hmac = Mac.getInstance("HmacSHA1");
    hmac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    String expected = Base64.getEncoder().encodeToString(hmac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, turn.path("password").asText());
  }

  // --- sessions: list -----------------------------------------------------------------------

  @Test
  void listFiltersPagesAndSorts() {
    String token = newAccount();
    String first = createSession(token, Map.of("app", "other"));
    String second = createSession(token, Map.of("app", "demo"));
    String third = createSession(token, Map.of("app", "other"));
    List<String> inOrder = List.of(first, second, third);
    assertSuccess(api.delete("/1.0/sessions/" + second, token), 200);

    Reply all = api.get("/1.0/sessions", token);
    assertEquals(inOrder, texts(assertSuccess(all, 200)), "ids, oldest first");
    assertEquals(3, all.json().path("total_size").asInt());

    Reply recursive = api.get("/1.0/sessions?recursion=true", token);
    JsonNode objects = assertSuccess(recursive, 200);
    assertEquals(3, recursive.json().path("total_size").asInt());
    List<String> objectIds = new ArrayList<>();
    for (JsonNode session : objects) {
      assertTrue(session.isObject(), "recursion answers session objects");
      objectIds.add(session.path("id").asText());
      assertEquals(session.path("id").asText().equals(second) ? "terminated" : "created",
          session.path("status").asText());
      assertScreen(session.path("screen"), 1280, 720, 60, 240);
    }
    assertEquals(inOrder, objectIds);

    Reply created = api.get("/1.0/sessions?status=created", token);
    assertEquals(List.of(first, third), texts(assertSuccess(created, 200)));
    assertEquals(2, created.json().path("total_size").asInt());
    Reply terminated = api.get("/1.0/sessions?status=terminated&recursion=true", token);
    JsonNode terminatedObjects = assertSuccess(terminated, 200);
    assertEquals(1, terminatedObjects.size());
    assertEquals(second, terminatedObjects.get(0).path("id").asText());
    assertEquals(1, terminated.json().path("total_size").asInt());

    Reply page = api.get("/1.0/sessions?limit=1&offset=1", token);
    assertEquals(List.of(second), texts(assertSuccess(page, 200)));
    assertEquals(3, page.json().path("total_size").asInt(), "total_size counts every match, not the page");
    assertEquals(List.of(second, third), texts(assertSuccess(api.get("/1.0/sessions?offset=1", token), 200)));
    assertEquals(List.of(), texts(assertSuccess(api.get("/1.0/sessions?offset=5", token), 200)));

    assertEquals(List.of(third, second, first),
        texts(assertSuccess(api.get("/1.0/sessions?sort_order=desc", token), 200)));
    List<String> byId = new ArrayList<>(inOrder);
    byId.sort(null);
    assertEquals(byId, texts(assertSuccess(api.get("/1.0/sessions?sort_by=id", token), 200)));
    // demo < other; equal apps are ordered by id.
    List<String> others = new ArrayList<>(List.of(first, third));
    others.sort(null);
    assertEquals(List.of(second, others.get(0), others.get(1)),
        texts(assertSuccess(api.get("/1.0/sessions?sort_by=app", token), 200)));
    // terminated > created
    assertEquals(second,
        texts(assertSuccess(api.get("/1.0/sessions?sort_by=status&sort_order=desc&limit=1", token), 200)).get(0));

    for (String bad : List.of("status=bogus", "sort_by=colour", "sort_order=sideways", "limit=-1", "limit=x",
        "offset=1.5")) {
      assertError(api.get("/1.0/sessions?" + bad, token), 400);
    }

    // Another account sees none of them.
    Reply foreign = api.get("/1.0/sessions", newAccount());
    assertEquals(List.of(), texts(assertSuccess(foreign, 200)));
    assertEquals(0, foreign.json().path("total_size").asInt());
  }

  // --- sessions: batch delete ---------------------------------------------------------------

  @Test
  void batchDeleteAnswers200WhenAllEnded() {
    String token = newAccount();
    String a = createSession(token, Map.of("app", "demo"));
    String b = createSession(token, Map.of("app", "demo"));
    String keep = createSession(token, Map.of("app", "demo"));
    Reply reply = api.send("DELETE", "/1.0/sessions", Map.of("ids", List.of(a, b)), token);
    JsonNode results = assertSuccess(reply, 200);
    assertEquals(Map.of(a, 200, b, 200), resultCodes(results));
    for (String id : List.of(a, b)) {
      assertEquals("terminated", assertSuccess(api.get("/1.0/sessions/" + id, token), 200).path("status").asText());
    }
    assertEquals("created", assertSuccess(api.get("/1.0/sessions/" + keep, token), 200).path("status").asText());
  }

  @Test
  void batchDeleteAnswers207WhenSomeFailed() {
    String token = newAccount();
    String mine = createSession(token, Map.of("app", "demo"));
    String foreign = createSession(newAccount(), Map.of("app", "demo"));
    String unknown = UUID.randomUUID().toString();
    String garbage = "not-a-session";
    Reply reply = api.send("DELETE", "/1.0/sessions?force=true",
        Map.of("ids", List.of(mine, foreign, unknown, garbage)), token);
    JsonNode results = assertSuccess(reply, 207);
    assertEquals(Map.of(mine, 200, foreign, 403, unknown, 404, garbage, 404), resultCodes(results));
    for (JsonNode result : results) {
      if (result.path("status_code").asInt() != 200) {
        assertFalse(result.path("error").asText().isEmpty(), "a failed id says why: " + result);
      }
    }
    assertEquals("terminated", assertSuccess(api.get("/1.0/sessions/" + mine, token), 200).path("status").asText());
  }

  @Test
  void batchDeleteRejectsBadBodies() {
    String token = newAccount();
    String id = createSession(token, Map.of("app", "demo"));
    assertError(api.send("DELETE", "/1.0/sessions", Map.of("ids", List.of()), token), 400);
    assertError(api.send("DELETE", "/1.0/sessions", Map.of("ids", "all"), token), 400);
    assertError(api.send("DELETE", "/1.0/sessions", "{\"ids\":[", token), 400);
    assertError(api.send("DELETE", "/1.0/sessions", null, token), 400);
    assertError(api.send("DELETE", "/1.0/sessions?force=maybe", Map.of("ids", List.of(id)), token), 400);
    List<Object> withNull = new ArrayList<>();
    withNull.add(id);
    withNull.add(null);
    assertError(api.send("DELETE", "/1.0/sessions", Map.of("ids", withNull), token), 400);
    // A refused batch ends nothing.
    assertEquals("created", assertSuccess(api.get("/1.0/sessions/" + id, token), 200).path("status").asText());
  }

  // --- join and connect ---------------------------------------------------------------------

  @Test
  void joinAJoinableSessionResizesItsScreen() {
    String token = newAccount();
    String id = createSession(token, Map.of("app", "demo", "joinable", true));
    Reply reply = api.post("/1.0/sessions/" + id + "/join", Map.of("screen", Map.of("width", 1920, "height", 1080)),
        token);
    JsonNode details = assertSuccess(reply, 200);
    assertClientUrl(details.path("url").asText(), id);
    assertStunServers(details.path("stun_servers"), id);
    assertScreen(assertSuccess(api.get("/1.0/sessions/" + id, token), 200).path("screen"), 1920, 1080, 60, 240);

    // No body: the screen stays.
    JsonNode again = assertSuccess(api.send("POST", "/1.0/sessions/" + id + "/join", null, token), 200);
    assertClientUrl(again.path("url").asText(), id);
    assertScreen(assertSuccess(api.get("/1.0/sessions/" + id, token), 200).path("screen"), 1920, 1080, 60, 240);

    assertError(api.post("/1.0/sessions/" + id + "/join", Map.of("screen", Map.of("width", "wide")), token), 400);
    assertError(api.post("/1.0/sessions/" + id + "/join", Map.of("screen", Map.of("width", 5)), token), 400);
  }

  @Test
  void joinIsRefusedForNonJoinableAndTerminatedSessions() {
    String token = newAccount();
    String plain = createSession(token, Map.of("app", "demo"));
    assertError(api.post("/1.0/sessions/" + plain + "/join", Map.of(), token), 400);

    String joinable = createSession(token, Map.of("app", "demo", "joinable", true));
    assertSuccess(api.delete("/1.0/sessions/" + joinable, token), 200);
    assertError(api.post("/1.0/sessions/" + joinable + "/join", Map.of(), token), 404);
    assertError(api.post("/1.0/sessions/" + UUID.randomUUID() + "/join", Map.of(), token), 404);
  }

  @Test
  void connectGivesFreshCredentials() {
    String token = newAccount();
    JsonNode session = assertSuccess(api.post("/1.0/sessions", Map.of("app", "demo"), token), 201);
    String id = session.path("id").asText();
    JsonNode details = assertSuccess(api.get("/1.0/sessions/" + id + "/connect", token), 200);
    String url = details.path("url").asText();
    assertClientUrl(url, id);
    assertFalse(url.equals(session.path("url").asText()), "connect issues a new credential");
    assertStunServers(details.path("stun_servers"), id);

    assertSuccess(api.delete("/1.0/sessions/" + id, token), 200);
    assertError(api.get("/1.0/sessions/" + id + "/connect", token), 404);
  }

  // --- applications, regions --------------------------------------------------------------

  @Test
  void applicationsAndRegionsAreListed() {
    String token = newAccount();
    Reply apps = api.get("/1.0/applications", token);
    assertEquals(List.of("demo", "other"), texts(assertSuccess(apps, 200)));
    assertEquals(2, apps.json().path("total_size").asInt());
    Reply appObjects = api.get("/1.0/applications?recursion=true", token);
    JsonNode appList = assertSuccess(appObjects, 200);
    assertEquals(2, appList.size());
    assertEquals("demo", appList.get(0).path("name").asText());
    assertEquals("other", appList.get(1).path("name").asText());
    assertEquals(2, appObjects.json().path("total_size").asInt());

    Reply regions = api.get("/1.0/regions", token);
    assertEquals(List.of("local", "eu"), texts(assertSuccess(regions, 200)));
    assertEquals(2, regions.json().path("total_size").asInt());
    JsonNode regionList = assertSuccess(api.get("/1.0/regions?recursion=true", token), 200);
    assertEquals("local", regionList.get(0).path("name").asText());
    assertTrue(regionList.get(0).path("available").asBoolean());
    assertEquals("eu", regionList.get(1).path("name").asText());

    assertError(api.get("/1.0/applications", null), 401);
    assertError(api.get("/1.0/regions", null), 401);
  }

  // --- authentication -----------------------------------------------------------------------

  @Test
  void everyTokenFormIsAccepted() {
    String token = newAccount();
    String id = createSession(token, Map.of("app", "demo"));
    for (String authorization : List.of("Macaroon root=" + token, "macaroon root=" + token,
        "MACAROON root=" + token, "Bearer " + token, "bearer " + token)) {
      Reply reply = api.send(api.request("/1.0/sessions", null).header("Authorization", authorization).GET().build());
      assertEquals(List.of(id), texts(assertSuccess(reply, 200)), authorization);
    }
    Reply query = api.get("/1.0/sessions?recursion=true&api_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
        null);
    JsonNode sessions = assertSuccess(query, 200);
    assertEquals(id, sessions.get(0).path("id").asText());
    // The SDK's form, on a create.
    Reply created = api.send(api.request("/1.0/sessions/", null).header("Authorization", "Macaroon root=" + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"app\":\"demo\"}")).build());
    assertSuccess(created, 201);
  }

  @Test
  void missingOrWrongTokensAreRefused() {
    String token = newAccount();
    assertError(api.get("/1.0/sessions", null), 401);
    assertError(api.post("/1.0/sessions", Map.of("app", "demo"), null), 401);
    assertError(api.get("/1.0/sessions", token + "x"), 401);
    assertError(api.get("/1.0/sessions?api_token=nonsense", null), 401);
    assertError(api.get("/1.0/sessions?api_token=", null), 401);
    for (String authorization : List.of("Basic " + token, "Macaroon " + token, "Macaroon root=", "Bearer", token)) {
      Reply reply = api.send(api.request("/1.0/sessions", null).header("Authorization", authorization).GET().build());
      assertError(reply, 401);
    }
  }

  @Test
  void deletedAccountsTokenIsRefused() {
    String name = accountName();
    String token = node.createAccount(name);
    String id = createSession(token, Map.of("app", "demo"));
    assertSuccess(api.get("/1.0/sessions/" + id, token), 200);
    assertSuccess(node.admin.delete("/admin/v1/accounts/" + name, null), 200);
    assertError(api.get("/1.0/sessions/" + id, token), 401);
    assertError(api.get("/1.0/sessions", token), 401);
    assertError(api.post("/1.0/sessions", Map.of("app", "demo"), token), 401);
    assertError(node.admin.delete("/admin/v1/accounts/" + name, null), 404);
  }

  @Test
  void anotherAccountsSessionIsForbidden() {
    String owner = newAccount();
    String other = newAccount();
    String id = createSession(owner, Map.of("app", "demo", "joinable", true));
    assertError(api.get("/1.0/sessions/" + id, other), 403);
    assertError(api.post("/1.0/sessions/" + id + "/join", Map.of(), other), 403);
    assertError(api.get("/1.0/sessions/" + id + "/connect", other), 403);
    assertError(api.delete("/1.0/sessions/" + id, other), 403);
    assertEquals("created", assertSuccess(api.get("/1.0/sessions/" + id, owner), 200).path("status").asText());
  }

  @Test
  void unknownSessionsAreNotFound() {
    String token = newAccount();
    for (String id : List.of(UUID.randomUUID().toString(), "not-a-session", "..", "%20")) {
      assertError(api.get("/1.0/sessions/" + id, token), 404);
      assertError(api.delete("/1.0/sessions/" + id, token), 404);
      assertError(api.get("/1.0/sessions/" + id + "/connect", token), 404);
    }
  }

  // --- bad input ----------------------------------------------------------------------------

  @Test
  void malformedAndMistypedBodiesAre400() {
    String token = newAccount();
    for (String body : List.of("{\"app\":", "not json", "[\"demo\"]", "null", "\"demo\"", "{\"app\":\"demo\"} {}", "",
        "{\"app\":5}", "{\"app\":\"demo\",\"joinable\":\"yes\"}", "{\"app\":\"demo\",\"joinable\":1}",
        "{\"app\":\"demo\",\"screen\":{\"width\":\"x\"}}", "{\"app\":\"demo\",\"screen\":\"big\"}",
        "{\"app\":\"demo\",\"screen\":{\"width\":1.5}}", "{\"app\":\"demo\",\"idle_time_min\":\"5\"}",
        "{\"app\":\"demo\",\"app_version\":true}", "{\"app\":\"demo\",\"region\":7}",
        "{\"app\":\"demo\",\"screen\":{\"width\":100000}}", "{\"app\":\"demo\",\"idle_time_min\":-1}")) {
      Reply reply = api.postRaw("/1.0/sessions", body, token);
      assertEquals(400, reply.status(), "body " + body + " answered " + reply.body());
      assertError(reply, 400);
    }
    assertEquals(List.of(), texts(assertSuccess(api.get("/1.0/sessions", token), 200)), "no session was created");
  }

  @Test
  void missingOrUnknownAppOrRegionIs400() {
    String token = newAccount();
    assertError(api.post("/1.0/sessions", Map.of("region", "local"), token), 400);
    assertError(api.post("/1.0/sessions", Map.of("app", ""), token), 400);
    Reply unknownApp = api.post("/1.0/sessions", Map.of("app", "tetris"), token);
    assertError(unknownApp, 400);
    assertTrue(unknownApp.error().contains("tetris"), unknownApp.error());
    Reply unknownRegion = api.post("/1.0/sessions", Map.of("app", "demo", "region", "mars"), token);
    assertError(unknownRegion, 400);
    assertTrue(unknownRegion.error().contains("mars"), unknownRegion.error());
    assertEquals("local", assertSuccess(api.post("/1.0/sessions", Map.of("app", "demo", "region", ""), token), 201)
        .path("region").asText());
  }

  @Test
  void bodyOverTheLimitIs413() {
    String token = newAccount();
    String big = "{\"app\":\"demo\",\"extra_data\":\"" + "x".repeat(2000) + "\"}";
    assertError(api.postRaw("/1.0/sessions", big, token), 413);
    // Without a declared length (chunked) the limit holds as well.
    Reply chunked = api.send(api.request("/1.0/sessions", token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big))).build());
    assertError(chunked, 413);
    // Just under the limit is fine.
    String fits = "{\"app\":\"demo\",\"extra_data\":\"" + "x".repeat(900) + "\"}";
    JsonNode session = assertSuccess(api.postRaw("/1.0/sessions", fits, token), 201);
    assertEquals("x".repeat(900), session.path("extra_data").asText());
    assertEquals(1, texts(assertSuccess(api.get("/1.0/sessions", token), 200)).size());
  }

  @Test
  void tooManyRequestsAre429() {
    String token = newAccount();
    String bystander = newAccount();
    Reply limited = null;
    for (int i = 0; i < 20 * RATE_BURST && limited == null; i++) {
      Reply reply = api.get("/1.0/applications", token);
      if (reply.status() == 429) {
        limited = reply;
      } else {
        assertSuccess(reply, 200);
      }
    }
    assertNotNull(limited, "no 429 after " + 20 * RATE_BURST + " requests");
    assertError(limited, 429);
    // The limit is per account, and a rate: it lets requests through again.
    assertSuccess(api.get("/1.0/applications", bystander), 200);
    awaitStatus(() -> api.get("/1.0/applications", token), 200, Duration.ofSeconds(5));
  }

  @Test
  void wrongMethodIs405() {
    String token = newAccount();
    String id = createSession(token, Map.of("app", "demo", "joinable", true));
    assertError(api.send("PUT", "/1.0/sessions", Map.of("app", "demo"), token), 405);
    assertError(api.send("PATCH", "/1.0/sessions/" + id, Map.of("joinable", false), token), 405);
    assertError(api.send("POST", "/1.0/sessions/" + id, Map.of("app", "demo"), token), 405);
    assertError(api.get("/1.0/sessions/" + id + "/join", token), 405);
    assertError(api.post("/1.0/sessions/" + id + "/connect", Map.of(), token), 405);
    assertError(api.delete("/1.0/applications", token), 405);
    assertError(api.post("/1.0/regions", Map.of(), token), 405);
    assertError(api.post("/1.0/status", Map.of(), null), 405);
  }

  @Test
  void unknownPathIs404() {
    String token = newAccount();
    for (String path : List.of("/1.0", "/1.0/nothing", "/2.0/sessions", "/sessions",
        "/1.0/sessions/" + UUID.randomUUID() + "/nothing", "/1.0/sessions/a/b/c/d/e", "/1.0/applications/demo")) {
      assertError(api.get(path, token), 404);
      assertError(api.get(path, null), 404);
    }
  }

  // --- admin interface ----------------------------------------------------------------------

  @Test
  void adminRefusesDuplicateAndBadAccountNames() {
    String name = accountName();
    node.createAccount(name);
    assertError(node.admin.post("/admin/v1/accounts", Map.of("name", name), null), 409);
    for (String bad : List.of("", "Bad Name", "UPPER", "-dash-first", "x".repeat(65), "slash/name")) {
      assertError(node.admin.post("/admin/v1/accounts", Map.of("name", bad), null), 400);
    }
    assertError(node.admin.post("/admin/v1/accounts", Map.of("name", accountName(), "token_ttl_days", 0), null), 400);
    assertError(node.admin.post("/admin/v1/accounts", Map.of("name", 5), null), 400);
    assertError(node.admin.postRaw("/admin/v1/accounts", "{\"name\":", null), 400);

    JsonNode listed = assertSuccess(node.admin.get("/admin/v1/accounts", null), 200);
    long named = 0;
    for (JsonNode account : listed) {
      if (account.path("name").asText().equals(name)) named++;
      assertTrue(account.path("token").isMissingNode(), "tokens are never listed");
    }
    assertEquals(1, named);
  }

  // --- helpers ------------------------------------------------------------------------------

  private String accountName() {
    return "api-" + ACCOUNTS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String newAccount() {
    return node.createAccount(accountName());
  }

  private String createSession(String token, Map<String, Object> body) {
    return assertSuccess(api.post("/1.0/sessions", body, token), 201).path("id").asText();
  }

  /** The success envelope of PROTOCOL.md 1 with {@code status}; returns its metadata. */
  static JsonNode assertSuccess(Reply reply, int status) {
    assertEquals(status, reply.status(), "HTTP status; body " + reply.body());
    assertJsonContent(reply);
    JsonNode body = reply.json();
    assertEquals("sync", body.path("type").asText(), reply.body());
    assertEquals("success", body.path("status").asText(), reply.body());
    assertTrue(body.path("status_code").isInt(), reply.body());
    assertEquals(status, body.path("status_code").asInt(), reply.body());
    assertTrue(body.has("metadata"), "success carries metadata: " + reply.body());
    assertFalse(body.has("error"), reply.body());
    return body.path("metadata");
  }

  /** The error envelope of PROTOCOL.md 1, with status_code equal to the HTTP status. */
  static void assertError(Reply reply, int status) {
    assertEquals(status, reply.status(), "HTTP status; body " + reply.body());
    assertJsonContent(reply);
    JsonNode body = reply.json();
    assertEquals("error", body.path("type").asText(), reply.body());
    assertEquals("failed", body.path("status").asText(), reply.body());
    assertTrue(body.path("status_code").isInt(), reply.body());
    assertEquals(status, body.path("status_code").asInt(), reply.body());
    assertTrue(body.path("error").isTextual() && !body.path("error").asText().isBlank(),
        "error says why: " + reply.body());
    assertFalse(body.has("metadata"), reply.body());
  }

  private static void assertJsonContent(Reply reply) {
    String contentType = header(reply, "Content-Type");
    assertNotNull(contentType, "responses declare their content type");
    assertTrue(contentType.startsWith("application/json"), contentType);
  }

  private static String header(Reply reply, String name) {
    return reply.raw().headers().firstValue(name).orElse(null);
  }

  private static void assertScreen(JsonNode screen, int width, int height, int fps, int density) {
    assertEquals(width, screen.path("width").asInt(-1), screen.toString());
    assertEquals(height, screen.path("height").asInt(-1), screen.toString());
    assertEquals(fps, screen.path("fps").asInt(-1), screen.toString());
    assertEquals(density, screen.path("density").asInt(-1), screen.toString());
  }

  private void assertClientUrl(String url, String sessionId) {
    String prefix = "ws://127.0.0.1:" + node.node.gatewayPort() + "/1.0/sessions/" + sessionId + "/sockets/client?token=";
    assertTrue(url.startsWith(prefix) && url.length() > prefix.length() + 16, "absolute client socket URL: " + url);
  }

  /** Every configured ICE URL is offered, and TURN with a credential of this session. */
  private static void assertStunServers(JsonNode servers, String sessionId) {
    assertTrue(servers.isArray() && servers.size() > 0, "stun_servers: " + servers);
    List<String> urls = new ArrayList<>();
    for (JsonNode server : servers) {
      assertTrue(server.path("urls").isArray(), "urls is an array: " + server);
      server.path("urls").forEach(url -> urls.add(url.asText()));
    }
    assertTrue(urls.contains(STUN_URL), urls.toString());
    assertTrue(urls.contains(TURN_URL), urls.toString());
    JsonNode turn = turnEntry(servers);
    assertTrue(turn.path("username").asText().endsWith(":" + sessionId), turn.toString());
    assertFalse(turn.path("password").asText().isEmpty(), turn.toString());
  }

  private static JsonNode turnEntry(JsonNode servers) {
    for (JsonNode server : servers) {
      for (JsonNode url : server.path("urls")) {
        if (url.asText().equals(TURN_URL)) return server;
      }
    }
    return fail("no TURN entry in " + servers);
  }

  private static List<String> texts(JsonNode array) {
    assertTrue(array.isArray(), "expected an array: " + array);
    List<String> values = new ArrayList<>();
    for (JsonNode value : array) {
      assertTrue(value.isTextual(), "expected ids: " + array);
      values.add(value.asText());
    }
    return values;
  }

  private static Map<String, Integer> resultCodes(JsonNode results) {
    assertTrue(results.isArray(), results.toString());
    Map<String, Integer> codes = new HashMap<>();
    for (JsonNode result : results) codes.put(result.path("id").asText(), result.path("status_code").asInt());
    return codes;
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail(what + ": not within " + within);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static void awaitStatus(java.util.function.Supplier<Reply> request, int status, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Reply last;
    do {
      last = request.get();
      if (last.status() == status) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    } while (System.nanoTime() < deadline);
    fail("no " + status + " within " + within + "; last answer " + last.status() + " " + last.body());
  }
}
