package org.streamstack.cluster.gateway.launch;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.regions.AddressRules;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.protocol.gateway.RegionView;

/**
 * Instances connected by an operator (admin interface) or a benchmark: the regions and applications
 * are the configured lists, and a session waits for whoever connects its instance.
 */
public final class ManualLaunch implements InstanceLaunch {

  private final List<String> regions;
  private final List<String> applications;

  private final AddressRules rules;

  public ManualLaunch(GatewaySettings settings, AddressRules rules) {
    this.regions = settings.regions();
    this.applications = settings.applications();
    this.rules = rules;
  }

  @Override
  public CompletionStage<List<RegionView>> regions() {
    return CompletableFuture.completedFuture(regions.stream().map(name -> new RegionView(name, true)).toList());
  }

  @Override
  public CompletionStage<List<String>> applications() {
    return CompletableFuture.completedFuture(applications);
  }

  @Override
  public CompletionStage<String> regionFor(String sessionId, String app, String requestedRegion, InetAddress client) {
    if (!applications.contains(app)) return refused(400, "unknown application '" + app + "'");
    if (requestedRegion == null || requestedRegion.isEmpty()) {
      if (regions.isEmpty()) return refused(503, "no region can serve a session now");
      // Every configured region is taken to be available: the first one the address belongs to, or the first one.
      if (client != null) {
        for (AddressRules.Preference preference : rules.preferences(client)) {
          if (regions.contains(preference.region())) return CompletableFuture.completedFuture(preference.region());
        }
      }
      return CompletableFuture.completedFuture(regions.get(0));
    }
    if (!regions.contains(requestedRegion)) return refused(400, "unknown region '" + requestedRegion + "'");
    return CompletableFuture.completedFuture(requestedRegion);
  }

  @Override
  public CompletionStage<SessionRecord> startInstance(SessionRecord session) {
    return CompletableFuture.completedFuture(session);
  }

  private static <T> CompletionStage<T> refused(int status, String message) {
    return CompletableFuture.failedFuture(new LaunchRefused(status, message));
  }
}
