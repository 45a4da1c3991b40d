package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.Coturn;
import org.streamstack.media.stack.WholeStack;
import org.streamstack.protocol.turn.TurnRestCredentials;

/**
 * A browser that may only use relayed candidates ({@code iceTransportPolicy: relay}), as one behind
 * a firewall that lets nothing but its TURN server through: it streams through a real coturn with
 * the credentials the gateway put in the session's stun_servers, and gets nowhere with credentials
 * that have expired, which coturn refuses. The cluster node and the media node both know the coturn
 * (the media node relays its own candidates through it too), as `./streamstack up` sets them up.
 */
class RelayOnlyStreamingTest extends WholeStackBrowserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Coturn coturn;

  @Override
  protected WholeStack startStack() throws Exception {
    assumeTrue(Coturn.installed(), "coturn is not installed (apt-get install coturn)");
    coturn = Coturn.start();
    return WholeStack.withMediaNodeInProcess(coturn.clusterNodeSettings(), coturn.mediaNodeSettings());
  }

  @AfterAll
  void stopCoturn() {
    if (coturn != null) coturn.close();
  }

  /** A session's stun_servers (PROTOCOL.md 3) as a browser's iceServers: its password is the credential. */
  private static String iceServersOf(JsonNode stunServers) {
    ArrayNode iceServers = JSON.createArrayNode();
    for (JsonNode server : stunServers) {
      ObjectNode entry = iceServers.addObject();
      entry.set("urls", server.path("urls"));
      if (server.hasNonNull("username")) entry.put("username", server.path("username").asText());
      if (server.hasNonNull("password")) entry.put("credential", server.path("password").asText());
    }
    return iceServers.toString();
  }

  private JsonNode turnEntry(JsonNode stunServers) {
    for (JsonNode server : stunServers) {
      if (server.path("urls").get(0).asText().startsWith("turn:")) return server;
    }
    throw new AssertionError("no TURN server in the session's stun_servers: " + stunServers);
  }

  @SuppressWarnings("unchecked")
  private List<String> pageErrors() {
    return (List<String>) browser.script("return streamStats.errors;");
  }

  @Test
  void aRelayOnlyBrowserStreamsThroughCoturnWithTheSessionsCredentials() {
    JsonNode session = stack.createSession(Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    JsonNode stunServers = session.path("stun_servers");
    assertEquals(List.of(coturn.stunUrl()), JSON.convertValue(stunServers.get(0).path("urls"), List.class));
    JsonNode turn = turnEntry(stunServers);
    assertEquals(List.of(coturn.turnUrl()), JSON.convertValue(turn.path("urls"), List.class));
    String username = turn.path("username").asText();
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    assertTrue(expiry > Instant.now().getEpochSecond(), "the credentials are valid for a while: " + username);
    assertEquals(sessionId, username.substring(username.indexOf(':') + 1), "the credentials are the session's");

    browser.openClient(Map.of("ws", session.path("url").asText(), "codecs", "H264", "policy", "relay",
        "ice", iceServersOf(stunServers)));
    Await.until("the first decoded frame through the relay", Duration.ofSeconds(15),
        () -> browser.number("streamStats.frames") > 0);
    long first = browser.number("streamStats.frames");
    long started = System.nanoTime();
    Await.until("250 more decoded frames", Duration.ofSeconds(10),
        () -> browser.number("streamStats.frames") - first >= 250);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    @SuppressWarnings("unchecked")
    Map<String, String> selected = (Map<String, String>) browser.asyncScript(
        "const done = arguments[arguments.length - 1]; selectedCandidateTypes().then(done);");
    System.out.printf("relay only: 250 frames through coturn in %d ms; selected pair %s%n", elapsedMs, selected);
    assertEquals("relay", selected.get("local"), "the browser sends through its relayed candidate: " + selected);
    assertEquals("connected", browser.script("return streamStats.state;"));
    assertEquals(List.of(), pageErrors());
    // coturn logs each allocation with the user it authenticated: the session's credentials.
    assertTrue(coturn.log().contains("username=<" + username + ">"), "coturn's log names the session's TURN user " + username);
    // The media node relays its own candidates through the same coturn, with credentials of its own.
    assertTrue(coturn.log().matches("(?s).*username=<\\d+:media-[^>]+>.*"), "coturn's log shows the media node's allocation");
    assertEquals(200, stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken).status());
  }

  @Test
  void expiredCredentialsAreRefusedByCoturnAndTheBrowserCannotConnect() {
    JsonNode session = stack.createSession(Map.of("app", "demo"));
    String sessionId = session.path("id").asText();
    // What a page kept open past its credentials' lifetime holds: the same secret, an expiry an hour ago.
    TurnRestCredentials expired = TurnRestCredentials.issue(coturn.sharedSecret(), sessionId,
        Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));
    ArrayNode stunServers = JSON.createArrayNode();
    ObjectNode turn = stunServers.addObject();
    turn.putArray("urls").add(coturn.turnUrl());
    turn.put("username", expired.username());
    turn.put("password", expired.password());

    browser.openClient(Map.of("ws", session.path("url").asText(), "codecs", "H264", "policy", "relay",
        "ice", iceServersOf(stunServers)));
    Await.until("the page to report that the TURN server refused it", Duration.ofSeconds(10),
        () -> pageErrors().stream().anyMatch(error -> error.contains("refused: 401")));
    Await.until("the page to give up: ICE failed", Duration.ofSeconds(10),
        () -> "failed".equals(browser.script("return streamStats.state;")));
    System.out.println("relay only with expired credentials, the page shows: " + pageErrors());
    assertEquals(0, browser.number("streamStats.frames"));
    assertTrue(pageErrors().contains("ICE failed: no candidate could be gathered (policy relay)"), pageErrors().toString());
    // coturn treats a user whose expiry has passed as one it has no credentials for.
    assertTrue(coturn.log().contains("Cannot find credentials of user <" + expired.username() + ">"),
        "coturn's log names the refused user " + expired.username());
    stack.gateway.delete("/1.0/sessions/" + sessionId, stack.clientToken);
  }

  private Object demoPage(String expression) {
    return browser.script("return window.streamstack." + expression + ";");
  }

  private long demoPageNumber(String expression) {
    Object value = demoPage(expression);
    return value == null ? 0 : ((Number) value).longValue();
  }

  @Test
  void theDemoPageStreamsRelayOnlyWhenAskedTo() {
    browser.open(stack.gateway.base + "/#token=" + stack.clientToken);
    Await.until("the page to list the applications", Duration.ofSeconds(10), () -> "ready".equals(demoPage("state")));
    new Select(browser.driver().findElement(By.id("app"))).selectByValue("demo");
    new Select(browser.driver().findElement(By.id("codec"))).selectByValue("H264");
    browser.driver().findElement(By.id("relay")).click();
    browser.driver().findElement(By.id("start")).click();
    Await.until("the page to create a session", Duration.ofSeconds(10), () -> demoPage("sessionId") != null);
    String sessionId = (String) demoPage("sessionId");
    Await.until("the first decoded frame through the relay", Duration.ofSeconds(15),
        () -> demoPageNumber("framesDecoded()") > 0);
    long first = demoPageNumber("framesDecoded()");
    Await.until("100 more decoded frames", Duration.ofSeconds(10), () -> demoPageNumber("framesDecoded()") - first >= 100);
    assertEquals("streaming", demoPage("state"));
    assertEquals(null, demoPage("lastError"));
    Await.until("the page's figures to show the path", Duration.ofSeconds(3), () -> demoPage("stats.path") != null);
    assertEquals("relayed (TURN)", demoPage("stats.path"));
    assertEquals("relayed (TURN)", browser.driver().findElement(By.id("stat-path")).getText());
    // The page allocated its relay on coturn with the credentials of its session.
    assertTrue(coturn.log().matches("(?s).*username=<\\d+:" + sessionId + ">.*"),
        "coturn's log shows an allocation for session " + sessionId);
    browser.driver().findElement(By.id("stop")).click();
  }

  @Test
  void theDemoPageSaysWhyWhenCoturnRefusesItsCredentials() {
    String secret = coturn.sharedSecret();
    // The gateway still signs with the old secret: every credential it gives out is refused.
    coturn.restartWithSecret("rotated-" + UUID.randomUUID());
    try {
      browser.open(stack.gateway.base + "/#token=" + stack.clientToken);
      Await.until("the page to list the applications", Duration.ofSeconds(10), () -> "ready".equals(demoPage("state")));
      new Select(browser.driver().findElement(By.id("app"))).selectByValue("demo");
      browser.driver().findElement(By.id("relay")).click();
      browser.driver().findElement(By.id("start")).click();
      Await.until("the page to give up", Duration.ofSeconds(15), () -> demoPage("lastError") != null);
      String shown = browser.driver().findElement(By.id("message")).getText();
      System.out.println("relay only, coturn refusing the session's credentials: the demo page shows: " + shown);
      assertTrue(shown.startsWith("Could not reach the media node: relay only, and no relay: the TURN server turn:127.0.0.1:"
          + coturn.port()), shown);
      assertTrue(shown.contains("refused the credentials (401: expired or wrong)"), shown);
      assertEquals(shown, demoPage("lastError"));
      assertEquals("ready", demoPage("state"), "the page is back at its start, ready to try again");
    } finally {
      coturn.restartWithSecret(secret);
    }
  }
}
