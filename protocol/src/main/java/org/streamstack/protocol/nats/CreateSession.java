package org.streamstack.protocol.nats;

import org.streamstack.protocol.gateway.Screen;

/**
 * AMS → agent → gateway (instance first): an instance was created with streaming enabled; the
 * gateway creates a joinable session for it, owned by {@code owner} (an account; null means the
 * agent's configured one).
 */
public record CreateSession(String region, String instanceId, String app, Integer appVersion, Screen screen,
    String owner) {}
