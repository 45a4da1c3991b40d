package org.streamstack.protocol.gateway;

/** Body of {@code POST /1.0/sessions/{id}/join}: a changed screen resizes the running instance. */
public record JoinRequest(Screen screen) {}
