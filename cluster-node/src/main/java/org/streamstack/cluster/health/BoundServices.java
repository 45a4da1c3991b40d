package org.streamstack.cluster.health;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The network services this member's roles serve (the gateway API, the AMS API) and which of them
 * are bound. The readiness check reads it: a member whose APIs are not listening yet, or no longer,
 * must not be sent traffic.
 */
public final class BoundServices implements Extension {

  public static final String GATEWAY_API = "gateway-api";
  public static final String AMS_API = "ams-api";

  private static final ExtensionId<BoundServices> ID = new ExtensionId<>() {
    @Override
    public BoundServices createExtension(ActorSystem<?> system) {
      return new BoundServices();
    }
  };

  private final Set<String> expected = ConcurrentHashMap.newKeySet();
  private final Set<String> bound = ConcurrentHashMap.newKeySet();

  private BoundServices() {}

  public static BoundServices get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** This member serves {@code service}: until it is bound, the member is not ready. */
  public void expect(String service) {
    expected.add(service);
  }

  public void bound(String service) {
    bound.add(service);
  }

  /** The service stopped listening (on shutdown): the member is no longer ready. */
  public void unbound(String service) {
    bound.remove(service);
  }

  /** The expected services that are not bound, sorted; empty when the member is ready to serve. */
  public List<String> missing() {
    return expected.stream().filter(service -> !bound.contains(service)).sorted().toList();
  }
}
