package org.streamstack.protocol.nats;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Reply to {@link CreateSession}: the session and where its instance connects, or why not. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreatedSession(String sessionId, String instanceSocketUrl, String error, Integer code) {

  public static CreatedSession created(String sessionId, String instanceSocketUrl) {
    return new CreatedSession(sessionId, instanceSocketUrl, null, null);
  }

  public static CreatedSession failed(int code, String error) {
    return new CreatedSession(null, null, error, code);
  }

  public boolean ok() {
    return error == null;
  }
}
