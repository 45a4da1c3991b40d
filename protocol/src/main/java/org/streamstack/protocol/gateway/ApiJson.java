package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.stream.Collectors;

/**
 * The JSON mapping of the public API. Strict about types (a number where a string belongs is a
 * 400, not a silent conversion) and lenient about unknown fields, as PROTOCOL.md 1 asks.
 */
public final class ApiJson {

  public static final ObjectMapper MAPPER = createMapper();

  private ApiJson() {}

  private static ObjectMapper createMapper() {
    JsonMapper mapper =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (LogicalType numeric : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
      mapper.coercionConfigFor(numeric).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
      mapper.coercionConfigFor(numeric).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    return mapper;
  }

  /** Thrown for a body that is not the JSON a request expects; its message is fit for a client. */
  public static final class BadJsonException extends Exception {
    public BadJsonException(String message) {
      super(message);
    }
  }

  /** Reads a request body: an empty body or JSON {@code null} is an error, as is any non-object. */
  public static <T> T readBody(byte[] body, Class<T> type) throws BadJsonException {
    if (body.length == 0) throw new BadJsonException("request body is empty; expected a JSON object");
    JsonNode tree;
    try {
      tree = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadJsonException("malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadJsonException("unreadable body: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) throw new BadJsonException("request body must be a JSON object");
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (MismatchedInputException e) {
      throw new BadJsonException(describeMismatch(e));
    } catch (JsonProcessingException e) {
      throw new BadJsonException("invalid request: " + e.getOriginalMessage());
    }
  }

  private static String describeMismatch(MismatchedInputException e) {
    String path =
        e.getPath().stream()
            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    String expected = describeType(e.getTargetType());
    if (path.isEmpty()) return "invalid request: " + e.getOriginalMessage();
    return expected == null
        ? "field '" + path + "' has the wrong type"
        : "field '" + path + "' must be " + expected;
  }

  private static String describeType(Class<?> type) {
    if (type == null) return null;
    if (type == String.class) return "a string";
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "an integer";
    if (type == Boolean.class || type == boolean.class) return "a boolean";
    if (java.util.List.class.isAssignableFrom(type)) return "an array";
    if (type.isRecord()) return "an object";
    return null;
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonMappingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
