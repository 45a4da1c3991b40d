package org.streamstack.cluster.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on Pekko Management's port (next to /alive and /ready), registered in
 * reference.conf under {@code pekko.management.http.routes}: the port the orchestrator already
 * probes, and never the public API's.
 */
public final class MetricsRoute implements ManagementRouteProvider {

  private static final ContentType TEXT_FORMAT = ContentTypes.parse(NodeMetrics.CONTENT_TYPE);

  private final NodeMetrics metrics;

  /** Pekko Management creates its route providers by reflection, with the actor system. */
  public MetricsRoute(ExtendedActorSystem system) {
    this.metrics = NodeMetrics.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() -> complete(
        HttpResponse.create().withEntity(HttpEntities.create(TEXT_FORMAT, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8))))));
  }
}
