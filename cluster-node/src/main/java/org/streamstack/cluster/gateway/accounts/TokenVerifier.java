package org.streamstack.cluster.gateway.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Checks client tokens against the {@link AccountRegistry}, remembering each answer (yes or no)
 * for a short while so that a busy gateway does not ask the registry on every request.
 */
public final class TokenVerifier {

  private static final int MAX_CACHED = 100_000;

  private record Cached(String account, Instant expiresAt, long cachedAtNanos) {}

  private final ActorSystem<?> system;
  private final Duration cacheTtl;
  private final Duration askTimeout;
  private final ConcurrentHashMap<String, Cached> byDigest = new ConcurrentHashMap<>();

  public TokenVerifier(ActorSystem<?> system, Duration cacheTtl, Duration askTimeout) {
    this.system = system;
    this.cacheTtl = cacheTtl;
    this.askTimeout = askTimeout;
  }

  /** The account owning {@code token}, or empty when the token is unknown, revoked or expired. */
  public CompletionStage<Optional<String>> accountOf(String token) {
    String digest = Credentials.digest(token);
    long now = System.nanoTime();
    Cached cached = byDigest.get(digest);
    if (cached != null && now - cached.cachedAtNanos() < cacheTtl.toNanos()) {
      return CompletableFuture.completedFuture(live(cached));
    }
    return AccountRegistry.ref(system)
        .<AccountRegistry.Verification>ask(replyTo -> new AccountRegistry.Verify(digest, replyTo), askTimeout)
        .thenApply(verification -> {
          if (byDigest.size() >= MAX_CACHED) byDigest.clear();
          Cached fresh = new Cached(verification.account(), verification.expiresAt(), System.nanoTime());
          byDigest.put(digest, fresh);
          return live(fresh);
        });
  }

  /** Forgets what was cached for {@code account}, so that its deletion takes effect here at once. */
  public void forget(String account) {
    byDigest.values().removeIf(cached -> account.equals(cached.account()));
  }

  private static Optional<String> live(Cached cached) {
    if (cached.account() == null) return Optional.empty();
    if (cached.expiresAt() != null && !Instant.now().isBefore(cached.expiresAt())) return Optional.empty();
    return Optional.of(cached.account());
  }
}
