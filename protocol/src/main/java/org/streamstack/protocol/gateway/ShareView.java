package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The share object of the API; {@code url} (which holds the secret) only in the create answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShareView(
    @JsonProperty("id") String id,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("type") String type,
    @JsonProperty("description") String description,
    @JsonProperty("expiry_at") long expiryAt,
    @JsonProperty("created_at") String createdAt,
    @JsonProperty("url") String url) {}
