package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The session object of PROTOCOL.md 3, as the gateway answers it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionView(
    @JsonProperty("id") String id,
    @JsonProperty("status") String status,
    @JsonProperty("status_message") String statusMessage,
    @JsonProperty("app") String app,
    @JsonProperty("app_version") Integer appVersion,
    @JsonProperty("region") String region,
    @JsonProperty("joinable") boolean joinable,
    @JsonProperty("ephemeral") boolean ephemeral,
    @JsonProperty("idle_time_min") int idleTimeMin,
    @JsonProperty("screen") Screen screen,
    @JsonProperty("extra_data") JsonNode extraData,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("url") String url,
    @JsonProperty("stun_servers") List<StunServer> stunServers) {}
