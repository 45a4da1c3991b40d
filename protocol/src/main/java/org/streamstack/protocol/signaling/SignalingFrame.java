package org.streamstack.protocol.signaling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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

  /** The field the gateway adds to frames of a share's peer, and reads on frames for one. */
  public static final String PEER_FIELD = "peer";

  /** Why {@code text} is not a signalling frame, or null when it is one. */
  public static String problem(String text, int maxBytes) {
    return problem(text, maxBytes, false);
  }

  /**
   * Why {@code text} is not a frame a client socket may send, or null: a client frame may not
   * carry {@value #PEER_FIELD}, which the gateway sets to tell the instance which share peer
   * sent it, so that no client can pass for another.
   */
  public static String clientProblem(String text, int maxBytes) {
    return problem(text, maxBytes, true);
  }

  private static String problem(String text, int maxBytes, boolean fromClient) {
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
        } else if (fromClient && PEER_FIELD.equals(field)) {
          return "field '" + PEER_FIELD + "' is reserved for the gateway";
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) return "frame holds more than one JSON value";
      return typed ? null : "frame has no 'type'";
    } catch (IOException e) {
      return "malformed JSON frame";
    }
  }

  /**
   * The top-level string {@value #PEER_FIELD} of a frame (the instance side naming the share peer
   * it is for), or null when it has none. Only called on frames {@link #problem} accepted.
   */
  public static String peerOf(String text) {
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return null;
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_OBJECT && token != null) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (PEER_FIELD.equals(field)) return value == JsonToken.VALUE_STRING ? parser.getText() : null;
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * {@code text} (a JSON object) with {@code "peer":"<peer>"} added as its first field; the rest of
   * the text is kept byte for byte, as neither the gateway's relay nor the instance re-serialises
   * what it sends (SDP included). Both sides tag with this one function.
   */
  public static String withPeer(String text, String peer) {
    int open = 0;
    while (open < text.length() && Character.isWhitespace(text.charAt(open))) open++;
    if (open == text.length() || text.charAt(open) != '{') {
      throw new IllegalArgumentException("not a JSON object: " + text);
    }
    int next = open + 1;
    while (next < text.length() && Character.isWhitespace(text.charAt(next))) next++;
    boolean empty = next < text.length() && text.charAt(next) == '}';
    return text.substring(0, open + 1) + "\"" + PEER_FIELD + "\":" + quoted(peer) + (empty ? "" : ",")
        + text.substring(open + 1);
  }

  /**
   * A gateway notice about a share peer: {@code {"type":<type>,"peer":..,<key>:<value>}}, its type
   * one of {@link SignalingMessage#PEER_JOINED} and {@link SignalingMessage#PEER_LEFT}, which the
   * instance side reads.
   */
  public static String peerNotice(String type, String peer, String key, String value) {
    if (!type.startsWith(GATEWAY_PREFIX)) throw new IllegalArgumentException("not a gateway notice type: " + type);
    return "{\"type\":" + quoted(type) + ",\"" + PEER_FIELD + "\":" + quoted(peer)
        + ",\"" + key + "\":" + quoted(value) + "}";
  }

  /** True when {@code text} takes more than {@code maxBytes} bytes in UTF-8. */
  public static boolean oversized(String text, int maxBytes) {
    // UTF-8 never takes more than 3 bytes for a Java char; count only when the cheap bound fails.
    return (long) text.length() * 3 > maxBytes && text.getBytes(StandardCharsets.UTF_8).length > maxBytes;
  }

  /** The error frame the gateway itself sends before closing a socket. */
  public static String error(String message) {
    return "{\"type\":\"error\",\"message\":" + quoted(message) + "}";
  }

  /** {@code value} as a JSON string (JSON null for null), for the few frames written by hand. */
  static String quoted(String value) {
    if (value == null) return "null";
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
  }
}
