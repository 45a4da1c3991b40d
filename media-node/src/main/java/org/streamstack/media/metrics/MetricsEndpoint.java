package org.streamstack.media.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} of a media node on its own small HTTP server (a media node serves no other
 * HTTP): the JDK's server, one thread, since Prometheus scrapes every few seconds at most.
 */
public final class MetricsEndpoint implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Listens on every interface at {@code port}, so that Prometheus can scrape the pod or host. */
  public static MetricsEndpoint start(int port, MediaMetrics metrics) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
          exchange.getResponseHeaders().add("Allow", "GET, HEAD");
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", MediaMetrics.CONTENT_TYPE);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        }
      } catch (IOException | RuntimeException e) {
        log.warn("A metrics scrape failed: {}", e.toString());
      }
    });
    server.start();
    log.info("Metrics on http://{}:{}/metrics", server.getAddress().getHostString(), server.getAddress().getPort());
    return new MetricsEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
