package org.streamstack.protocol.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import org.streamstack.protocol.control.ControlMessage.GamepadAxes;
import org.streamstack.protocol.control.ControlMessage.GamepadButton;
import org.streamstack.protocol.control.ControlMessage.Key;
import org.streamstack.protocol.control.ControlMessage.MouseButton;
import org.streamstack.protocol.control.ControlMessage.MouseMove;
import org.streamstack.protocol.control.ControlMessage.MouseWheel;
import org.streamstack.protocol.control.ControlMessage.OutOfBand;
import org.streamstack.protocol.control.ControlMessage.RelativeMouseMove;
import org.streamstack.protocol.control.ControlMessage.StreamDisconnect;
import org.streamstack.protocol.control.ControlMessage.TouchEnd;
import org.streamstack.protocol.control.ControlMessage.TouchMove;
import org.streamstack.protocol.control.ControlMessage.TouchStart;

/**
 * Reads and writes control channel messages (PROTOCOL.md 6), sans-IO: text in, records out, and
 * back.
 *
 * <p>Reading is strict about what the protocol defines and lenient about the rest: the message is
 * one JSON object with a string {@code type}; for a known type {@code data} is an object whose
 * fields have the documented JSON types (integers are JSON integers, {@code 600.0} is not one)
 * and ranges; a duplicate member name anywhere is an error (which of the two counts would be a
 * guess). Members the protocol does not name are ignored, in the envelope and in {@code data}. A
 * type the protocol does not define becomes an {@link OutOfBand} holding the text of its
 * {@code data} unchanged, byte for byte.
 *
 * <p>Writing produces the canonical form: {@code type} then {@code data}, fields in the order of
 * the protocol table, no spaces. {@code parse(write(m)).equals(m)} for every message, and
 * {@code write(parse(s)).equals(s)} for every canonical {@code s}.
 */
public final class ControlMessages {

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER = JsonMapper.builder(JSON).build();

  private static final Set<String> KNOWN_TYPES =
      Set.of(
          MouseMove.TYPE,
          MouseButton.TYPE,
          MouseWheel.TYPE,
          Key.TYPE,
          TouchStart.TYPE,
          TouchMove.TYPE,
          TouchEnd.TYPE,
          GamepadButton.TYPE,
          GamepadAxes.TYPE,
          StreamDisconnect.TYPE);

  private ControlMessages() {}

  /** Whether the protocol defines {@code type} (anything else is out-of-band). */
  public static boolean isKnownType(String type) {
    return KNOWN_TYPES.contains(type);
  }

  /**
   * Reads one message sent by the client.
   *
   * @throws MalformedControlMessageException when the text is not JSON, not an object, has no
   *     string {@code type}, or a known type's {@code data} has the wrong shape or range
   */
  public static ControlMessage parse(String json) throws MalformedControlMessageException {
    Objects.requireNonNull(json, "json");
    String type = null;
    JsonNode data = null;
    String rawData = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedControlMessageException("message must be a JSON object");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String member = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("type".equals(member)) {
          if (value != JsonToken.VALUE_STRING) {
            throw new MalformedControlMessageException("'type' must be a string");
          }
          type = parser.getText();
        } else if ("data".equals(member)) {
          int start = (int) parser.currentTokenLocation().getCharOffset();
          data = MAPPER.readTree(parser);
          int end = (int) parser.currentLocation().getCharOffset();
          rawData = json.substring(start, end);
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new MalformedControlMessageException("malformed JSON");
      }
      if (parser.nextToken() != null) {
        throw new MalformedControlMessageException("more than one JSON value in the message");
      }
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      if (why != null && why.startsWith("Duplicate field")) {
        throw new MalformedControlMessageException("duplicate member " + why.substring(why.indexOf('\'')));
      }
      throw new MalformedControlMessageException("malformed JSON");
    } catch (IOException e) {
      throw new MalformedControlMessageException("malformed JSON");
    }
    if (type == null) throw new MalformedControlMessageException("message has no 'type'");
    if (!isKnownType(type)) {
      return new OutOfBand(type, rawData == null ? "null" : rawData);
    }
    if (type.equals(StreamDisconnect.TYPE) && (data == null || data.isNull())) {
      // The client leaving is the one message whose data says nothing; JSON.stringify drops an
      // undefined member, so a client may well send it without one (or with null).
      return new StreamDisconnect();
    }
    if (data == null || !data.isObject()) {
      throw new MalformedControlMessageException("'" + type + "': 'data' must be an object");
    }
    Fields f = new Fields(type, data);
    try {
      return switch (type) {
        case MouseMove.TYPE -> mouseMove(f);
        case MouseButton.TYPE -> new MouseButton(f.integer("button"), f.bool("pressed"));
        case MouseWheel.TYPE -> new MouseWheel(f.integer("x"), f.integer("y"));
        case Key.TYPE -> new Key(f.integer("code"), f.bool("pressed"));
        case TouchStart.TYPE -> new TouchStart(f.integer("id"), f.integer("x"), f.integer("y"));
        case TouchMove.TYPE -> new TouchMove(f.integer("id"), f.integer("x"), f.integer("y"));
        case TouchEnd.TYPE -> new TouchEnd(f.integer("id"), f.bool("last"));
        case GamepadButton.TYPE ->
            new GamepadButton(f.integer("id"), f.integer("index"), f.bool("pressed"));
        case GamepadAxes.TYPE -> new GamepadAxes(f.integer("id"), f.integer("index"), f.number("value"));
        case StreamDisconnect.TYPE -> new StreamDisconnect();
        default -> throw new IllegalStateException("known type without a reader: " + type);
      };
    } catch (IllegalArgumentException e) {
      throw new MalformedControlMessageException("'" + type + "': " + e.getMessage());
    }
  }

  /** The wire form of {@code message}: canonical, see the class comment. */
  public static String write(ControlMessage message) {
    Objects.requireNonNull(message, "message");
    StringBuilder out = new StringBuilder(64);
    out.append("{\"type\":");
    if (message instanceof OutOfBand oob) {
      quote(out, oob.type());
      return out.append(",\"data\":").append(oob.data()).append('}').toString();
    }
    out.append('"').append(message.type()).append("\",\"data\":{");
    if (message instanceof RelativeMouseMove m) {
      field(out, "rx", m.rx()).append(',');
      field(out, "ry", m.ry());
    } else if (message instanceof MouseMove m) {
      field(out, "x", m.x()).append(',');
      field(out, "y", m.y()).append(',');
      field(out, "rx", m.rx()).append(',');
      field(out, "ry", m.ry());
    } else if (message instanceof MouseButton m) {
      field(out, "button", m.button()).append(',');
      field(out, "pressed", m.pressed());
    } else if (message instanceof MouseWheel m) {
      field(out, "x", m.x()).append(',');
      field(out, "y", m.y());
    } else if (message instanceof Key m) {
      field(out, "code", m.code()).append(',');
      field(out, "pressed", m.pressed());
    } else if (message instanceof TouchStart m) {
      field(out, "id", m.id()).append(',');
      field(out, "x", m.x()).append(',');
      field(out, "y", m.y());
    } else if (message instanceof TouchMove m) {
      field(out, "id", m.id()).append(',');
      field(out, "x", m.x()).append(',');
      field(out, "y", m.y());
    } else if (message instanceof TouchEnd m) {
      field(out, "id", m.id()).append(',');
      field(out, "last", m.last());
    } else if (message instanceof GamepadButton m) {
      field(out, "id", m.id()).append(',');
      field(out, "index", m.index()).append(',');
      field(out, "pressed", m.pressed());
    } else if (message instanceof GamepadAxes m) {
      field(out, "id", m.id()).append(',');
      field(out, "index", m.index()).append(',');
      out.append("\"value\":").append(number(m.value()));
    } else if (!(message instanceof StreamDisconnect)) {
      throw new IllegalStateException("no writer for " + message);
    }
    return out.append("}}").toString();
  }

  /**
   * {@code input::mouse-move} (PROTOCOL.md 6): with {@code x} and {@code y} an absolute move
   * (all four fields, as ever); with neither, a relative move of a locked pointer, which must
   * carry both {@code rx} and {@code ry}. Half a position is an error.
   */
  private static ControlMessage mouseMove(Fields f) throws MalformedControlMessageException {
    boolean hasX = f.has("x");
    boolean hasY = f.has("y");
    if (hasX != hasY) throw f.malformed("'x' and 'y' come together, got only '" + (hasX ? "x" : "y") + "'");
    if (!hasX) return new RelativeMouseMove(f.integer("rx"), f.integer("ry"));
    return new MouseMove(f.integer("x"), f.integer("y"), f.integer("rx"), f.integer("ry"));
  }

  /**
   * A message from the application to the client, in the same shape (PROTOCOL.md 6):
   * {@code {"type":<type>,"data":<dataJson>}}. The data passes as it is, after a check that it is
   * one JSON value.
   *
   * @param dataJson the JSON text of {@code data}, usually an object
   * @throws IllegalArgumentException when {@code type} is empty or {@code dataJson} is not one
   *     JSON value
   */
  public static String toClient(String type, String dataJson) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(dataJson, "dataJson");
    if (type.isEmpty()) throw new IllegalArgumentException("type must not be empty");
    requireJsonValue(dataJson);
    StringBuilder out = new StringBuilder(type.length() + dataJson.length() + 20);
    out.append("{\"type\":");
    quote(out, type);
    return out.append(",\"data\":").append(dataJson).append('}').toString();
  }

  /** Throws {@link IllegalArgumentException} unless {@code json} is exactly one JSON value. */
  static void requireJsonValue(String json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() == null) throw new IllegalArgumentException("data is empty, not JSON");
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("data holds more than one JSON value");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("data is not JSON: " + json, e);
    }
  }

  private static void quote(StringBuilder out, String text) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(text, out);
    out.append('"');
  }

  private static StringBuilder field(StringBuilder out, String name, int value) {
    return out.append('"').append(name).append("\":").append(value);
  }

  private static StringBuilder field(StringBuilder out, String name, boolean value) {
    return out.append('"').append(name).append("\":").append(value);
  }

  /** Whole numbers without a fraction, as JavaScript's JSON.stringify writes them. */
  private static String number(double value) {
    if (value == Math.rint(value)) return Long.toString((long) value);
    return Double.toString(value);
  }

  /** Typed access to the members of one {@code data} object, with messages naming the field. */
  private record Fields(String type, JsonNode data) {

    int integer(String name) throws MalformedControlMessageException {
      JsonNode node = present(name);
      if (!node.isIntegralNumber()) {
        throw malformed("'" + name + "' must be an integer, got " + describe(node));
      }
      if (!node.canConvertToInt()) {
        throw malformed("'" + name + "' is out of range: " + node.asText());
      }
      return node.intValue();
    }

    boolean has(String name) {
      return data.get(name) != null;
    }

    boolean bool(String name) throws MalformedControlMessageException {
      JsonNode node = present(name);
      if (!node.isBoolean()) {
        throw malformed("'" + name + "' must be true or false, got " + describe(node));
      }
      return node.booleanValue();
    }

    double number(String name) throws MalformedControlMessageException {
      JsonNode node = present(name);
      if (!node.isNumber()) {
        throw malformed("'" + name + "' must be a number, got " + describe(node));
      }
      return node.doubleValue();
    }

    private JsonNode present(String name) throws MalformedControlMessageException {
      JsonNode node = data.get(name);
      if (node == null) throw malformed("'" + name + "' is missing");
      return node;
    }

    MalformedControlMessageException malformed(String why) {
      return new MalformedControlMessageException("'" + type + "': " + why);
    }

    private static String describe(JsonNode node) {
      return switch (node.getNodeType()) {
        case STRING -> "a string";
        case BOOLEAN -> "a boolean";
        case NULL -> "null";
        case ARRAY -> "an array";
        case OBJECT -> "an object";
        case NUMBER -> node.asText();
        default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
      };
    }
  }
}
