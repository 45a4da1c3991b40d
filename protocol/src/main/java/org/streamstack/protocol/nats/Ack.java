package org.streamstack.protocol.nats;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The reply to a request that returns nothing: {@code error} is null on success, else why it
 * failed, with {@code code} the HTTP status that names the failure (400 bad input, 404 unknown,
 * 409 conflict, 503 no capacity) so that the gateway and AMS can pass it on unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ack(String error, Integer code) {

  public static final Ack OK = new Ack(null, null);

  public static Ack failed(int code, String error) {
    return new Ack(error, code);
  }

  public boolean ok() {
    return error == null;
  }
}
