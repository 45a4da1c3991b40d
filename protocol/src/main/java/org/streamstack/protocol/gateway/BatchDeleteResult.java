package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome for one id of a batch delete; {@code error} is set when it failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchDeleteResult(
    @JsonProperty("id") String id,
    @JsonProperty("status") String status,
    @JsonProperty("status_code") int statusCode,
    @JsonProperty("error") String error) {}
