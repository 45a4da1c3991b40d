package org.streamstack.cluster.ams.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * The envelopes of the management API, those of LXD and Anbox AMS: {@code sync} for what is done,
 * {@code async} with an operation for what is under way, {@code error} with the HTTP code.
 */
public final class AmsReply {

  public record Envelope(
      @JsonProperty("type") String type,
      @JsonProperty("status") String status,
      @JsonProperty("status_code") int statusCode,
      @JsonProperty("operation") String operation,
      @JsonProperty("error_code") int errorCode,
      @JsonProperty("error") String error,
      @JsonProperty("metadata") Object metadata) {}

  private AmsReply() {}

  /** HTTP 200 or 201; the envelope's status code is LXD's 200 (success) either way. */
  public static HttpResponse sync(int httpStatus, Object metadata) {
    return json(httpStatus, new Envelope("sync", "Success", 200, "", 0, "", metadata));
  }

  /** HTTP 202 with the operation; LXD's status code 100 (operation created). */
  public static HttpResponse async(Views.OperationView operation) {
    return json(202, new Envelope("async", "Operation created", 100, operation.url(), 0, "", operation));
  }

  public static HttpResponse error(int httpStatus, String message) {
    return json(httpStatus, new Envelope("error", "", 0, "", httpStatus, message, null));
  }

  private static HttpResponse json(int status, Envelope envelope) {
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(ContentTypes.APPLICATION_JSON, ApiJson.write(envelope));
  }
}
