package org.streamstack.protocol.signaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.streamstack.protocol.gateway.ApiJson;
import org.streamstack.protocol.gateway.Screen;

/**
 * The gateway's notice to an instance that its session was joined with a new screen (PROTOCOL.md
 * 3: a changed screen resizes the running instance): {@code {"type":"gateway:screen","width":W,
 * "height":H}}, with {@code fps} and {@code density} when known. Only the gateway sends it, on the
 * instance socket ({@link SignalingFrame#GATEWAY_PREFIX}); the instance's display and encoders follow.
 */
public record ScreenNotice(int width, int height, Integer fps, Integer density) {

  public static final String TYPE = SignalingFrame.GATEWAY_PREFIX + "screen";

  /** The notice of a session's screen, which holds a width and a height. */
  public static ScreenNotice of(Screen screen) {
    if (screen.width() == null || screen.height() == null) {
      throw new IllegalArgumentException("a screen notice needs a width and a height: " + screen);
    }
    return new ScreenNotice(screen.width(), screen.height(), screen.fps(), screen.density());
  }

  /** As a screen of the gateway API, to be checked like the screen of a new session. */
  public Screen screen() {
    return new Screen(width, height, fps, density);
  }

  public String toJson() {
    ObjectNode json = ApiJson.MAPPER.createObjectNode();
    json.put("type", TYPE).put("width", width).put("height", height);
    if (fps != null) json.put("fps", fps);
    if (density != null) json.put("density", density);
    return json.toString();
  }

  /**
   * Reads a notice.
   *
   * @throws IllegalArgumentException when the text is not a {@value #TYPE} frame with integer
   *     {@code width} and {@code height} (and integer {@code fps}, {@code density} when present)
   */
  public static ScreenNotice parse(String text) {
    JsonNode json;
    try {
      json = ApiJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON");
    }
    if (json == null || !json.isObject() || !TYPE.equals(json.path("type").asText(null))) {
      throw new IllegalArgumentException("not a " + TYPE + " frame");
    }
    return new ScreenNotice(required(json, "width"), required(json, "height"), optional(json, "fps"),
        optional(json, "density"));
  }

  private static int required(JsonNode json, String field) {
    Integer value = optional(json, field);
    if (value == null) throw new IllegalArgumentException(TYPE + ": '" + field + "' is missing");
    return value;
  }

  private static Integer optional(JsonNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) return null;
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(TYPE + ": '" + field + "' must be an integer, got " + node);
    }
    return node.intValue();
  }
}
