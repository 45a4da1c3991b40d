package org.streamstack.cluster.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.streamstack.protocol.gateway.SessionStatus;

/**
 * The Prometheus metrics of one cluster member, served at {@code GET /metrics} on the management
 * port. One registry per actor system, not the JVM-wide default one: tests run several members in
 * one JVM, and each must report only its own figures.
 */
public final class NodeMetrics implements Extension {

  /** Text exposition format 0.0.4, the one every Prometheus version reads. */
  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

  private static final class Id extends ExtensionId<NodeMetrics> {
    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics();
    }
  }

  private static final Id ID = new Id();

  public static NodeMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final CollectorRegistry registry = new CollectorRegistry();
  private final Map<SessionStatus, Gauge.Child> sessionsByStatus = new EnumMap<>(SessionStatus.class);
  private final Gauge agents;
  private final Counter httpRequests;
  private final Histogram httpDuration;

  private NodeMetrics() {
    Gauge sessions = Gauge.build()
        .name("streamstack_sessions_total")
        .help("Sessions whose entity runs on this member, by status (the sum over members is the cluster's)")
        .labelNames("status")
        .register(registry);
    for (SessionStatus status : SessionStatus.values()) {
      // Every status is present from the start, at 0, so that rate() and absence alerts work.
      sessionsByStatus.put(status, sessions.labels(status.name().toLowerCase(java.util.Locale.ROOT)));
    }
    agents = Gauge.build()
        .name("streamstack_agents_total")
        .help("Agents this gateway member hears: active (heard within the agent timeout) or unresponsive")
        .labelNames("state")
        .register(registry);
    agents.labels("active");
    agents.labels("unresponsive");
    httpRequests = Counter.build()
        .name("streamstack_http_requests_total")
        .help("Requests the gateway API answered, by method, route pattern and status code")
        .labelNames("method", "route", "code")
        .register(registry);
    httpDuration = Histogram.build()
        .name("streamstack_http_request_duration_seconds")
        .help("Time from a request's arrival to its response, by method and route pattern")
        .labelNames("method", "route")
        .buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
  }

  /** A session entity on this member entered {@code status}, leaving {@code previous} (null: none). */
  public void sessionMoved(SessionStatus previous, SessionStatus status) {
    if (previous == status) return;
    if (previous != null) sessionsByStatus.get(previous).dec();
    if (status != null) sessionsByStatus.get(status).inc();
  }

  public void agents(int active, int unresponsive) {
    agents.labels("active").set(active);
    agents.labels("unresponsive").set(unresponsive);
  }

  public void httpRequest(String method, String route, int code, double seconds) {
    httpRequests.labels(method, route, Integer.toString(code)).inc();
    httpDuration.labels(method, route).observe(seconds);
  }

  /** Every metric in the Prometheus text format. */
  public String scrape() {
    StringWriter out = new StringWriter(8192);
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
