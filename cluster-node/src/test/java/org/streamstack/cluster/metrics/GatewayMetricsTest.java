package org.streamstack.cluster.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.cluster.testing.RunningNode;

/** GET /metrics on the management port of a gateway member: the format, and figures that move. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private RunningNode node;
  private ApiClient management;
  private String token;

  @BeforeAll
  void start() {
    node = RunningNode.standalone();
    management = new ApiClient("http://127.0.0.1:" + node.node.managementPort());
    token = node.createAccount("metrics");
  }

  @AfterAll
  void stop() {
    if (node != null) node.stop();
  }

  private PrometheusText scrape() {
    ApiClient.Reply reply = management.get("/metrics", null);
    assertEquals(200, reply.status(), reply.body());
    String contentType = reply.raw().headers().firstValue("Content-Type").orElse("");
    assertTrue(contentType.startsWith("text/plain") && contentType.contains("version=0.0.4"), contentType);
    return PrometheusText.parse(reply.body());
  }

  @Test
  void metricsAreInTheTextFormatWithTheirTypes() {
    PrometheusText metrics = scrape();
    assertEquals("gauge", metrics.types.get("streamstack_sessions_total"));
    assertEquals("gauge", metrics.types.get("streamstack_agents_total"));
    assertEquals("counter", metrics.types.get("streamstack_http_requests_total"));
    assertEquals("histogram", metrics.types.get("streamstack_http_request_duration_seconds"));
    // Every status is there from the start, so that a dashboard shows 0 rather than no data.
    for (String status : new String[] {"created", "active", "error", "terminating", "terminated"}) {
      assertTrue(metrics.samples.containsKey(PrometheusText.series("streamstack_sessions_total",
          Map.of("status", status))), status);
    }
  }

  @Test
  void sessionsMoveBetweenStatuses() {
    double created = scrape().value("streamstack_sessions_total", "status", "created");
    double terminated = scrape().value("streamstack_sessions_total", "status", "terminated");
    String id = node.createSession(token, Map.of("app", "demo")).path("id").asText();
    assertEquals(created + 1, scrape().value("streamstack_sessions_total", "status", "created"));

    assertEquals(200, node.api.delete("/1.0/sessions/" + id, token).status());
    Await.until("the session to be counted as terminated", WAIT, () -> {
      PrometheusText now = scrape();
      return now.value("streamstack_sessions_total", "status", "created") == created
          && now.value("streamstack_sessions_total", "status", "terminated") == terminated + 1;
    });
  }

  @Test
  void requestsAreCountedByRoutePatternNeverByRawId() {
    String id = node.createSession(token, Map.of("app", "demo")).path("id").asText();
    PrometheusText before = scrape();
    String[] getOne = {"method", "GET", "route", "/1.0/sessions/{id}", "code", "200"};
    String[] unknown = {"method", "GET", "route", "other", "code", "404"};

    assertEquals(200, node.api.get("/1.0/sessions/" + id, token).status());
    assertEquals(200, node.api.get("/1.0/sessions/" + id, token).status());
    assertEquals(404, node.api.get("/no/such/" + id, token).status());

    PrometheusText after = scrape();
    assertEquals(before.value("streamstack_http_requests_total", getOne) + 2,
        after.value("streamstack_http_requests_total", getOne));
    assertEquals(before.value("streamstack_http_requests_total", unknown) + 1,
        after.value("streamstack_http_requests_total", unknown));
    String[] durationOfGetOne = {"method", "GET", "route", "/1.0/sessions/{id}"};
    assertEquals(before.value("streamstack_http_request_duration_seconds_count", durationOfGetOne) + 2,
        after.value("streamstack_http_request_duration_seconds_count", durationOfGetOne));
    assertTrue(after.value("streamstack_http_request_duration_seconds_sum", durationOfGetOne) > 0);
    assertFalse(after.samples.keySet().stream().anyMatch(series -> series.contains(id)),
        "a session id became a label value");
  }
}
