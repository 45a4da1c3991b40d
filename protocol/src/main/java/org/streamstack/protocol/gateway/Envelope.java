package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The one JSON envelope of every gateway response (PROTOCOL.md 1): {@link Sync} for success,
 * {@link Error} for failure. {@code total_size} is set on collections only.
 */
public sealed interface Envelope {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Sync(
      @JsonProperty("type") String type,
      @JsonProperty("status") String status,
      @JsonProperty("status_code") int statusCode,
      @JsonProperty("metadata") Object metadata,
      @JsonProperty("total_size") Integer totalSize)
      implements Envelope {}

  record Error(
      @JsonProperty("type") String type,
      @JsonProperty("status") String status,
      @JsonProperty("status_code") int statusCode,
      @JsonProperty("error") String error)
      implements Envelope {}

  static Sync success(int statusCode, Object metadata) {
    return new Sync("sync", "success", statusCode, metadata, null);
  }

  static Sync collection(int statusCode, Object metadata, int totalSize) {
    return new Sync("sync", "success", statusCode, metadata, totalSize);
  }

  static Error failure(int statusCode, String message) {
    return new Error("error", "failed", statusCode, message);
  }
}
