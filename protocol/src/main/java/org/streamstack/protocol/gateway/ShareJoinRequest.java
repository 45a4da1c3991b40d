package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /1.0/shares/{id}/join}: the secret from the share's link. */
public record ShareJoinRequest(@JsonProperty("secret") String secret) {

  public String problem() {
    if (secret == null || secret.isEmpty()) return "field 'secret' is required";
    if (secret.length() > 256) return "field 'secret' is longer than 256 characters";
    return null;
  }
}
