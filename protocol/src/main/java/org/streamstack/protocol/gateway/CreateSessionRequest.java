package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** Body of {@code POST /1.0/sessions} (PROTOCOL.md 3); every field but {@code app} is optional. */
public record CreateSessionRequest(
    @JsonProperty("app") String app,
    @JsonProperty("app_version") Integer appVersion,
    @JsonProperty("region") String region,
    @JsonProperty("joinable") Boolean joinable,
    @JsonProperty("idle_time_min") Integer idleTimeMin,
    @JsonProperty("screen") Screen screen,
    @JsonProperty("extra_data") JsonNode extraData,
    @JsonProperty("ephemeral") Boolean ephemeral) {

  public static final int MAX_NAME_LENGTH = 128;

  /** Why this request cannot be served, or null when it is well formed. */
  public String problem() {
    if (app == null || app.isBlank()) return "field 'app' is required";
    if (app.length() > MAX_NAME_LENGTH) return "field 'app' is longer than " + MAX_NAME_LENGTH + " characters";
    if (appVersion != null && appVersion < 0) return "field 'app_version' must not be negative";
    if (region != null && region.length() > MAX_NAME_LENGTH) return "field 'region' is too long";
    if (idleTimeMin != null && idleTimeMin < 0) return "field 'idle_time_min' must not be negative";
    return screen == null ? null : screen.problem();
  }
}
