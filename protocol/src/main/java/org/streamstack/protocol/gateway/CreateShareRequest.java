package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /1.0/sessions/{id}/share}: {@code type} is required, {@code expiry_at}
 * (unix seconds) and {@code description} are optional. Whether {@code expiry_at} lies in the
 * allowed window depends on the clock, so the gateway checks it ({@link ShareRules}).
 */
public record CreateShareRequest(
    @JsonProperty("type") String type,
    @JsonProperty("expiry_at") Long expiryAt,
    @JsonProperty("description") String description) {

  /** Why this request cannot be served, leaving aside the clock, or null when it is well formed. */
  public String problem() {
    if (type == null || type.isEmpty()) return "field 'type' is required: view or control";
    if (!ShareRules.TYPES.contains(type)) return "field 'type' must be view or control, not '" + type + "'";
    return ShareRules.descriptionProblem(description);
  }
}
