package org.streamstack.cluster.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient.Reply;
import org.streamstack.cluster.testing.RunningNode;

/**
 * The demo page as served by a real gateway: its files with their content types and no caching,
 * without a token; nothing else of the class path, however the path is spelled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPageTest {

  private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"(/static/[^\"]+)\"");
  private static final Pattern MODULE_IMPORT = Pattern.compile("from '\\./([^']+)'");

  private RunningNode node;

  @BeforeAll
  void startNode() {
    node = RunningNode.standalone();
  }

  @AfterAll
  void stopNode() {
    if (node != null) node.stop();
  }

  @Test
  void thePageLoadsWithoutATokenAndIsNeverCached() {
    Reply page = node.api.get("/", null);
    assertEquals(200, page.status(), page.body());
    assertEquals("text/html; charset=UTF-8", header(page, "Content-Type"));
    assertEquals("no-cache", header(page, "Cache-Control"));
    assertEquals("nosniff", header(page, "X-Content-Type-Options"));
    assertTrue(header(page, "Content-Security-Policy").contains("script-src 'self'"), "scripts only from the gateway");
    assertTrue(page.body().contains("<video id=\"video\""), page.body());
  }

  @Test
  void everyFileThePageAndItsModulesReferToIsServedWithItsContentType() {
    Set<String> files = new LinkedHashSet<>();
    Matcher inPage = PAGE_REFERENCE.matcher(node.api.get("/", null).body());
    while (inPage.find()) files.add(inPage.group(1));
    // Modules import their neighbours: follow the imports until no new file turns up.
    for (List<String> pending = List.copyOf(files); !pending.isEmpty(); ) {
      Set<String> found = new LinkedHashSet<>();
      for (String file : pending) {
        Reply reply = node.api.get(file, null);
        assertEquals(200, reply.status(), file + ": " + reply.body());
        assertEquals("no-cache", header(reply, "Cache-Control"), file);
        assertEquals(contentTypeOf(file), header(reply, "Content-Type"), file);
        assertFalse(reply.body().isBlank(), file + " is empty");
        Matcher imports = MODULE_IMPORT.matcher(reply.body());
        while (imports.find()) {
          String imported = "/static/" + imports.group(1);
          if (files.add(imported)) found.add(imported);
        }
      }
      pending = List.copyOf(found);
    }
    assertTrue(files.containsAll(List.of("/static/style.css", "/static/app.js", "/static/client.js",
        "/static/input.js", "/static/latency-probe.js")), "files of the page: " + files);
  }

  private static String contentTypeOf(String file) {
    if (file.endsWith(".js")) return "application/javascript; charset=UTF-8";
    if (file.endsWith(".css")) return "text/css; charset=UTF-8";
    throw new AssertionError("the page refers to a file of unexpected kind: " + file);
  }

  @Test
  void unknownFilesAre404() {
    for (String path : List.of("/static/nothing.js", "/static/", "/static", "/static/app.js/more",
        "/static/web/app.js", "/index.html", "/static/reference.conf", "/static/logback.xml")) {
      Reply reply = node.api.get(path, null);
      assertEquals(404, reply.status(), path + ": " + reply.body());
      assertEquals("failed", reply.json().path("status").asText(), path);
    }
  }

  @Test
  void pathTraversalReachesNothingElseOfTheClassPath() throws IOException {
    // Sent byte for byte: an HTTP client library would resolve the dot segments before sending.
    for (String path : List.of("/static/../reference.conf", "/static/..%2Freference.conf",
        "/static/%2e%2e/%2e%2e/reference.conf", "/static/..%2f..%2fcluster-node.conf", "/static/..\\reference.conf",
        "/static/%2e%2e%5creference.conf", "/static/.%2e/logback.xml", "/static/app.js%00.css")) {
      String response = rawGet(path);
      String statusLine = response.lines().findFirst().orElse("");
      assertTrue(statusLine.startsWith("HTTP/1.1 404") || statusLine.startsWith("HTTP/1.1 400"),
          path + " answered " + statusLine);
      assertFalse(response.contains("streamstack {") || response.contains("<configuration"),
          path + " leaked a file: " + response);
    }
  }

  @Test
  void onlyGetIsAllowedOnThePage() {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      Reply reply = node.api.send(method, "/", Map.of(), null);
      assertEquals(405, reply.status(), method + ": " + reply.body());
    }
  }

  @Test
  void theApiBesideThePageIsUnchanged() {
    assertEquals(200, node.api.get("/1.0/status", null).status());
    assertEquals(401, node.api.get("/1.0/applications", null).status());
    assertEquals(404, node.api.get("/nothing", null).status());
  }

  private static String header(Reply reply, String name) {
    return reply.raw().headers().firstValue(name).orElse("");
  }

  private String rawGet(String path) throws IOException {
    URI base = URI.create(node.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
