package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code PATCH /1.0/shares/{id}}: what is given changes, what is absent (or null) stays. */
public record UpdateShareRequest(
    @JsonProperty("description") String description, @JsonProperty("expiry_at") Long expiryAt) {

  public String problem() {
    if (description == null && expiryAt == null) return "nothing to change: give 'description' or 'expiry_at'";
    return ShareRules.descriptionProblem(description);
  }
}
