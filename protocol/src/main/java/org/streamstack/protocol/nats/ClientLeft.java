package org.streamstack.protocol.nats;

/**
 * Media node → AMS → agent → gateway: the client of a streaming instance went away
 * ({@code stream::disconnect}, ICE failure, consent expiry, a dead data channel association). The
 * gateway terminates a non-joinable session and starts the grace period of a joinable one.
 */
public record ClientLeft(String region, String instanceId, String sessionId, String reason, long atMillis) {}
