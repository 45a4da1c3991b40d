package org.streamstack.protocol.nats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON of the bus. Unknown fields are ignored, so that a newer process may add fields to a v1
 * record without breaking older readers.
 */
public final class NatsJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private NatsJson() {}

  public static byte[] write(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Reads one record; a payload that is not one is a {@link MalformedMessageException}. */
  public static <T> T read(byte[] payload, Class<T> type) throws MalformedMessageException {
    if (payload == null || payload.length == 0) {
      throw new MalformedMessageException("empty payload where " + type.getSimpleName() + " was expected");
    }
    try {
      return MAPPER.readValue(payload, type);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedMessageException("not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  public static final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
      super(message);
    }
  }
}
