package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What a client needs to reach a running session: answer of join and connect (PROTOCOL.md 3). */
public record ConnectionDetails(
    @JsonProperty("url") String url, @JsonProperty("stun_servers") List<StunServer> stunServers) {}
