package org.streamstack.protocol.nats;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Reply to {@link StartInstance}: the instance AMS created and scheduled, or why not ({@code code}
 * as in {@link Ack}: 400 unknown application, 503 no capacity in the region).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartedInstance(String instanceId, String error, Integer code) {

  public static StartedInstance started(String instanceId) {
    return new StartedInstance(instanceId, null, null);
  }

  public static StartedInstance failed(int code, String error) {
    return new StartedInstance(null, error, code);
  }

  public boolean ok() {
    return error == null;
  }
}
