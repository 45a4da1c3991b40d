package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Answer of {@code POST /1.0/shares/{id}/join}: a session join's details plus the peer's identity. */
public record ShareConnectionDetails(
    @JsonProperty("url") String url,
    @JsonProperty("stun_servers") List<StunServer> stunServers,
    @JsonProperty("type") String type,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("peer") String peer) {}
