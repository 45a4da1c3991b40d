package org.streamstack.protocol.signaling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The only check the gateway makes of a signalling frame (PROTOCOL.md 4): a JSON object with a
 * string {@code type}, within the size limit. The rest (SDP, candidates) passes opaquely.
 *
 * <p>Types that start with {@value #GATEWAY_PREFIX} are the gateway's own notices to the instance
 * side (a resized screen, a share's peer coming or going); neither socket may send one, so a
 * client can never forge them.
 */
public final class SignalingFrame {

  /** The type prefix of frames only the gateway itself sends (to the instance socket). */
  public static final String GATEWAY_PREFIX = "gateway:";

  private static final JsonFactory JSON = new JsonFactory();

  private SignalingFrame() {}

  /** Why {@code text} is not a signalling frame, or null when it is one. */
  public static String problem(String text, int maxBytes) {
    if (oversized(text, maxBytes)) return "frame is larger than " + maxBytes + " bytes";
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return "frame must be a JSON object";
      boolean typed = false;
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
        if (token == null) return "frame is not complete JSON";
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("type".equals(field)) {
          if (value != JsonToken.VALUE_STRING) return "field 'type' must be a string";
          if (parser.getText().startsWith(GATEWAY_PREFIX)) {
            return "type '" + parser.getText() + "' is reserved for the gateway";
          }
          typed = true;
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) return "frame holds more than one JSON value";
      return typed ? null : "frame has no 'type'";
    } catch (IOException e) {
      return "malformed JSON frame";
    }
  }

  /** True when {@code text} takes more than {@code maxBytes} bytes in UTF-8. */
  public static boolean oversized(String text, int maxBytes) {
    // UTF-8 never takes more than 3 bytes for a Java char; count only when the cheap bound fails.
    return (long) text.length() * 3 > maxBytes && text.getBytes(StandardCharsets.UTF_8).length > maxBytes;
  }

  /** The error frame the gateway itself sends before closing a socket. */
  public static String error(String message) {
    StringBuilder json = new StringBuilder("{\"type\":\"error\",\"message\":\"");
    for (char c : message.toCharArray()) {
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        default -> {
          if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
          else json.append(c);
        }
      }
    }
    return json.append("\"}").toString();
  }
}
