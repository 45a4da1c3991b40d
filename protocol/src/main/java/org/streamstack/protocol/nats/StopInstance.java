package org.streamstack.protocol.nats;

/**
 * Gateway → agent: the session ended, stop its instance. Idempotent: stopping a stopped or unknown
 * instance succeeds. {@code instanceId} may be null when the gateway never learnt it; the agent
 * then finds the instance by session.
 */
public record StopInstance(String sessionId, String instanceId, String reason) {}
