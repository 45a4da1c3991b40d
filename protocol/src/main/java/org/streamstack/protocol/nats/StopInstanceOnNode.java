package org.streamstack.protocol.nats;

/** AMS → media node: stop an instance. Idempotent; the node replies with an {@link Ack}. */
public record StopInstanceOnNode(String instanceId, String reason) {}
