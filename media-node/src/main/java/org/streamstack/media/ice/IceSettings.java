package org.streamstack.media.ice;

import java.time.Duration;
import java.util.List;

/**
 * Per-peer ICE tunables.
 *
 * @param connectTimeout fail if no pair is nominated this long after the remote credentials are applied
 * @param consentTimeout RFC 7675 section 5.1: consent expires 30 s after the last successful consent check
 * @param consentFreshness run RFC 7675 consent checks on the selected pair (ice4j sends one every ~15 s)
 * @param turnServers TURN servers to allocate relayed candidates on, with this peer's credentials
 */
public record IceSettings(Duration connectTimeout, Duration consentTimeout, boolean consentFreshness,
                          List<TurnServer> turnServers) {

    public IceSettings {
        turnServers = List.copyOf(turnServers);
    }

    public static IceSettings defaults() {
        return new IceSettings(Duration.ofSeconds(30), Duration.ofSeconds(30), true, List.of());
    }

    public IceSettings withConsentTimeout(Duration timeout) {
        return new IceSettings(connectTimeout, timeout, consentFreshness, turnServers);
    }

    public IceSettings withConnectTimeout(Duration timeout) {
        return new IceSettings(timeout, consentTimeout, consentFreshness, turnServers);
    }

    public IceSettings withTurnServers(List<TurnServer> servers) {
        return new IceSettings(connectTimeout, consentTimeout, consentFreshness, servers);
    }
}
