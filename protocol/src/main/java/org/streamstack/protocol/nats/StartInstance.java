package org.streamstack.protocol.nats;

import org.streamstack.protocol.gateway.Screen;

/**
 * Gateway → agent (gateway first): start a streaming instance for a session. The instance connects
 * its signalling to {@code instanceSocketUrl}, which carries the session-scoped instance credential.
 *
 * @param appVersion null for the application's latest version
 */
public record StartInstance(String sessionId, String app, Integer appVersion, Screen screen,
    String instanceSocketUrl) {}
