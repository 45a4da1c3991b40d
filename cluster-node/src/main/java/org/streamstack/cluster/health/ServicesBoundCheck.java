package org.streamstack.cluster.health;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness check of Pekko Management (configured under
 * {@code pekko.management.health-checks.readiness-checks}): ready once every API this member's roles
 * serve is bound. Pekko Management's own cluster-membership check adds "and this member is Up".
 */
public final class ServicesBoundCheck implements Supplier<CompletionStage<Boolean>> {

  private static final Logger log = LoggerFactory.getLogger(ServicesBoundCheck.class);

  private final BoundServices services;
  private volatile List<String> lastMissing = List.of();

  public ServicesBoundCheck(ActorSystem system) {
    this.services = BoundServices.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    List<String> missing = services.missing();
    if (!missing.equals(lastMissing)) {
      lastMissing = missing;
      if (missing.isEmpty()) log.info("Every API of this member is bound: ready as far as its services go");
      else log.info("Not ready: {} not bound yet", String.join(", ", missing));
    }
    return CompletableFuture.completedFuture(missing.isEmpty());
  }
}
