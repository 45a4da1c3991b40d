package org.streamstack.protocol.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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

class ControlMessagesTest {

  /** One vector per type of PROTOCOL.md 6, in canonical form, and the record it reads as. */
  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of(
            "{\"type\":\"input::mouse-move\",\"data\":{\"x\":600,\"y\":400,\"rx\":3,\"ry\":-2}}",
            new MouseMove(600, 400, 3, -2)),
        Arguments.of(
            "{\"type\":\"input::mouse-move\",\"data\":{\"rx\":-7,\"ry\":12}}",
            new RelativeMouseMove(-7, 12)),
        Arguments.of(
            "{\"type\":\"input::mouse-button\",\"data\":{\"button\":1,\"pressed\":true}}",
            new MouseButton(MouseButton.LEFT, true)),
        Arguments.of(
            "{\"type\":\"input::mouse-button\",\"data\":{\"button\":3,\"pressed\":false}}",
            new MouseButton(MouseButton.RIGHT, false)),
        Arguments.of(
            "{\"type\":\"input::mouse-wheel\",\"data\":{\"x\":0,\"y\":-1}}", new MouseWheel(0, -1)),
        Arguments.of(
            "{\"type\":\"input::key\",\"data\":{\"code\":30,\"pressed\":true}}", new Key(30, true)),
        Arguments.of(
            "{\"type\":\"input::touch-start\",\"data\":{\"id\":0,\"x\":250,\"y\":500}}",
            new TouchStart(0, 250, 500)),
        Arguments.of(
            "{\"type\":\"input::touch-move\",\"data\":{\"id\":1,\"x\":251,\"y\":501}}",
            new TouchMove(1, 251, 501)),
        Arguments.of(
            "{\"type\":\"input::touch-end\",\"data\":{\"id\":1,\"last\":true}}",
            new TouchEnd(1, true)),
        Arguments.of(
            "{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":12,\"pressed\":true}}",
            new GamepadButton(0, 12, true)),
        Arguments.of(
            "{\"type\":\"input::gamepad-axes\",\"data\":{\"id\":0,\"index\":1,\"value\":-0.25}}",
            new GamepadAxes(0, 1, -0.25)),
        Arguments.of(
            "{\"type\":\"input::gamepad-axes\",\"data\":{\"id\":2,\"index\":0,\"value\":1}}",
            new GamepadAxes(2, 0, 1.0)),
        Arguments.of("{\"type\":\"stream::disconnect\",\"data\":{}}", new StreamDisconnect()),
        Arguments.of(
            "{\"type\":\"game::score\",\"data\":{\"points\":12,\"who\":[\"a\",\"b\"]}}",
            new OutOfBand("game::score", "{\"points\":12,\"who\":[\"a\",\"b\"]}")));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void readsAndWritesEachVector(String json, ControlMessage expected) throws Exception {
    assertEquals(expected, ControlMessages.parse(json));
    assertEquals(json, ControlMessages.write(expected));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void roundTripsThroughTheWire(String json, ControlMessage message) throws Exception {
    assertEquals(message, ControlMessages.parse(ControlMessages.write(message)));
    assertEquals(json, ControlMessages.write(ControlMessages.parse(json)));
  }

  @Test
  void everyKnownTypeHasAVector() {
    long distinct = vectors().map(a -> ((ControlMessage) a.get()[1]).type()).distinct().count();
    assertEquals(11, distinct, "ten protocol types and one out-of-band");
  }

  @Test
  void recordsNameTheirWireType() {
    assertEquals("input::mouse-move", new MouseMove(0, 0, 0, 0).type());
    assertEquals("input::key", new Key(1, false).type());
    assertEquals("stream::disconnect", new StreamDisconnect().type());
    assertEquals("x::y", new OutOfBand("x::y", "{}").type());
  }

  @Test
  void ignoresUnknownFieldsAndMemberOrder() throws Exception {
    assertEquals(
        new MouseMove(10, 20, 1, 2),
        ControlMessages.parse(
            "{\"data\":{\"ry\":2,\"rx\":1,\"y\":20,\"x\":10,\"buttons\":0},\"seq\":7,"
                + "\"type\":\"input::mouse-move\"}"));
    assertEquals(
        new Key(30, false),
        ControlMessages.parse(
            " { \"type\" : \"input::key\" , \"data\" : { \"code\" : 30 , \"pressed\" : false ,"
                + " \"key\" : \"a\" , \"extra\" : {\"deep\":[1,2,{}]} } } "));
  }

  @Test
  void disconnectNeedsNoData() throws Exception {
    assertEquals(new StreamDisconnect(), ControlMessages.parse("{\"type\":\"stream::disconnect\"}"));
    assertEquals(
        new StreamDisconnect(), ControlMessages.parse("{\"type\":\"stream::disconnect\",\"data\":null}"));
    assertEquals(
        new StreamDisconnect(),
        ControlMessages.parse("{\"type\":\"stream::disconnect\",\"data\":{\"reason\":\"bye\"}}"));
  }

  @Test
  void outOfBandKeepsItsDataByteForByte() throws Exception {
    String data = "{ \"n\" : 1.50 , \"big\":12345678901234567890123, \"s\":\"\\u00e9\\n\", \"a\":[ ] }";
    ControlMessage m = ControlMessages.parse("{\"type\":\"app::custom\",\"data\":" + data + "}");
    assertEquals(new OutOfBand("app::custom", data), m);
    assertEquals("{\"type\":\"app::custom\",\"data\":" + data + "}", ControlMessages.write(m));

    assertEquals(new OutOfBand("x", "[1,2]"), ControlMessages.parse("{\"data\":[1,2],\"type\":\"x\"}"));
    assertEquals(new OutOfBand("x", "\"text\""), ControlMessages.parse("{\"type\":\"x\",\"data\":\"text\"}"));
    assertEquals(new OutOfBand("x", "-3e2"), ControlMessages.parse("{\"type\":\"x\",\"data\":-3e2}"));
    assertEquals(new OutOfBand("x", "null"), ControlMessages.parse("{\"type\":\"x\"}"));
    assertEquals(new OutOfBand("x", "true"), ControlMessages.parse("{\"type\":\"x\",\"data\":true}"));
    // The type is quoted on the way out: an application may name its types as it likes.
    OutOfBand odd = new OutOfBand("a\"b\\c", "{}");
    assertEquals("{\"type\":\"a\\\"b\\\\c\",\"data\":{}}", ControlMessages.write(odd));
    assertEquals(odd, ControlMessages.parse(ControlMessages.write(odd)));
  }

  @Test
  void outOfBandCannotImpersonateAKnownTypeOrCarryBadJson() {
    assertEquals(
        "'input::key' is a control message type, not an out-of-band one",
        assertThrows(IllegalArgumentException.class, () -> new OutOfBand("input::key", "{}"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new OutOfBand("x", "{"));
    assertThrows(IllegalArgumentException.class, () -> new OutOfBand("x", "1 2"));
    assertThrows(IllegalArgumentException.class, () -> new OutOfBand("x", ""));
  }

  @Test
  void messagesToTheClientHaveTheSameShape() throws Exception {
    assertEquals(
        "{\"type\":\"app::toast\",\"data\":{\"text\":\"saved\"}}",
        ControlMessages.toClient("app::toast", "{\"text\":\"saved\"}"));
    assertEquals(
        "{\"type\":\"stream::disconnect\",\"data\":{}}",
        ControlMessages.toClient("stream::disconnect", "{}"));
    assertEquals(
        new StreamDisconnect(), ControlMessages.parse(ControlMessages.toClient("stream::disconnect", "{}")));
    assertThrows(IllegalArgumentException.class, () -> ControlMessages.toClient("", "{}"));
    assertThrows(IllegalArgumentException.class, () -> ControlMessages.toClient("t", "{\"a\":}"));
  }

  @Test
  void recordsRefuseWhatTheWireWouldRefuse() {
    assertThrows(IllegalArgumentException.class, () -> new MouseButton(0, true));
    assertThrows(IllegalArgumentException.class, () -> new MouseWheel(2, 0));
    assertThrows(IllegalArgumentException.class, () -> new Key(-1, true));
    assertThrows(IllegalArgumentException.class, () -> new Key(Key.KEY_MAX + 1, true));
    assertThrows(IllegalArgumentException.class, () -> new MouseMove(-1, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new GamepadAxes(0, 0, Double.NaN));
    assertEquals(new GamepadAxes(0, 0, 0.0), new GamepadAxes(0, 0, -0.0));
  }

  /** Input, then the exact message of the exception. */
  static Stream<Arguments> malformed() {
    String move = "{\"type\":\"input::mouse-move\",\"data\":";
    String button = "{\"type\":\"input::mouse-button\",\"data\":";
    String wheel = "{\"type\":\"input::mouse-wheel\",\"data\":";
    String key = "{\"type\":\"input::key\",\"data\":";
    String touch = "{\"type\":\"input::touch-start\",\"data\":";
    String end = "{\"type\":\"input::touch-end\",\"data\":";
    String pad = "{\"type\":\"input::gamepad-button\",\"data\":";
    String axes = "{\"type\":\"input::gamepad-axes\",\"data\":";
    return Stream.of(
        // Not JSON, or not one object.
        Arguments.of("", "message must be a JSON object"),
        Arguments.of("   ", "message must be a JSON object"),
        Arguments.of("hello", "malformed JSON"),
        Arguments.of("{", "malformed JSON"),
        Arguments.of("{\"type\":\"input::key\",", "malformed JSON"),
        Arguments.of("{\"type\":\"input::key\" \"data\":{}}", "malformed JSON"),
        Arguments.of("{'type':'input::key'}", "malformed JSON"),
        Arguments.of("[]", "message must be a JSON object"),
        Arguments.of("[{\"type\":\"input::key\"}]", "message must be a JSON object"),
        Arguments.of("\"input::key\"", "message must be a JSON object"),
        Arguments.of("null", "message must be a JSON object"),
        Arguments.of("42", "message must be a JSON object"),
        Arguments.of("{\"type\":\"x\",\"data\":{}} {}", "more than one JSON value in the message"),
        Arguments.of("{\"type\":\"x\",\"data\":{}}]", "malformed JSON"),
        // The type.
        Arguments.of("{}", "message has no 'type'"),
        Arguments.of("{\"data\":{}}", "message has no 'type'"),
        Arguments.of("{\"type\":7,\"data\":{}}", "'type' must be a string"),
        Arguments.of("{\"type\":null}", "'type' must be a string"),
        Arguments.of("{\"type\":[\"input::key\"]}", "'type' must be a string"),
        Arguments.of("{\"type\":\"x\",\"type\":\"y\"}", "duplicate member 'type'"),
        // The shape of data.
        Arguments.of(move + "[600,400,0,0]}", "'input::mouse-move': 'data' must be an object"),
        Arguments.of(move + "null}", "'input::mouse-move': 'data' must be an object"),
        Arguments.of("{\"type\":\"input::key\"}", "'input::key': 'data' must be an object"),
        Arguments.of(move + "\"600,400\"}", "'input::mouse-move': 'data' must be an object"),
        // Fields of the wrong JSON type.
        Arguments.of(move + "{\"x\":\"600\",\"y\":400,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': 'x' must be an integer, got a string"),
        Arguments.of(move + "{\"x\":600.5,\"y\":400,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': 'x' must be an integer, got 600.5"),
        Arguments.of(move + "{\"x\":600.0,\"y\":400,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': 'x' must be an integer, got 600.0"),
        Arguments.of(move + "{\"x\":600,\"y\":true,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': 'y' must be an integer, got a boolean"),
        Arguments.of(move + "{\"x\":600,\"y\":400,\"rx\":null,\"ry\":0}}",
            "'input::mouse-move': 'rx' must be an integer, got null"),
        Arguments.of(move + "{\"x\":600,\"y\":400,\"rx\":0}}", "'input::mouse-move': 'ry' is missing"),
        // A locked pointer's relative move carries both rx and ry; half a position is neither.
        Arguments.of(move + "{\"rx\":4}}", "'input::mouse-move': 'ry' is missing"),
        Arguments.of(move + "{}}", "'input::mouse-move': 'rx' is missing"),
        Arguments.of(move + "{\"rx\":1.5,\"ry\":0}}", "'input::mouse-move': 'rx' must be an integer, got 1.5"),
        Arguments.of(move + "{\"x\":600,\"rx\":1,\"ry\":0}}",
            "'input::mouse-move': 'x' and 'y' come together, got only 'x'"),
        Arguments.of(move + "{\"y\":600,\"rx\":1,\"ry\":0}}",
            "'input::mouse-move': 'x' and 'y' come together, got only 'y'"),
        Arguments.of(move + "{\"x\":3000000000,\"y\":400,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': 'x' is out of range: 3000000000"),
        Arguments.of(move + "{\"x\":600,\"x\":601,\"y\":400,\"rx\":0,\"ry\":0}}", "duplicate member 'x'"),
        Arguments.of(button + "{\"button\":1,\"pressed\":\"true\"}}",
            "'input::mouse-button': 'pressed' must be true or false, got a string"),
        Arguments.of(button + "{\"button\":1,\"pressed\":1}}",
            "'input::mouse-button': 'pressed' must be true or false, got 1"),
        Arguments.of(button + "{\"pressed\":true}}", "'input::mouse-button': 'button' is missing"),
        Arguments.of(key + "{\"code\":[30],\"pressed\":true}}",
            "'input::key': 'code' must be an integer, got an array"),
        Arguments.of(axes + "{\"id\":0,\"index\":1,\"value\":\"0.5\"}}",
            "'input::gamepad-axes': 'value' must be a number, got a string"),
        Arguments.of(axes + "{\"id\":0,\"index\":1,\"value\":{}}}",
            "'input::gamepad-axes': 'value' must be a number, got an object"),
        Arguments.of(end + "{\"id\":0}}", "'input::touch-end': 'last' is missing"),
        // Values out of the protocol's range.
        Arguments.of(button + "{\"button\":0,\"pressed\":true}}",
            "'input::mouse-button': button must be 1 (left), 2 (middle) or 3 (right), got 0"),
        Arguments.of(button + "{\"button\":4,\"pressed\":true}}",
            "'input::mouse-button': button must be 1 (left), 2 (middle) or 3 (right), got 4"),
        Arguments.of(wheel + "{\"x\":0,\"y\":2}}", "'input::mouse-wheel': y must be -1, 0 or 1, got 2"),
        Arguments.of(wheel + "{\"x\":-5,\"y\":0}}", "'input::mouse-wheel': x must be -1, 0 or 1, got -5"),
        Arguments.of(key + "{\"code\":-1,\"pressed\":true}}",
            "'input::key': code must be a Linux key code 0-767, got -1"),
        Arguments.of(key + "{\"code\":768,\"pressed\":true}}",
            "'input::key': code must be a Linux key code 0-767, got 768"),
        Arguments.of(move + "{\"x\":-1,\"y\":400,\"rx\":0,\"ry\":0}}",
            "'input::mouse-move': x must not be negative, got -1"),
        Arguments.of(touch + "{\"id\":-1,\"x\":1,\"y\":1}}",
            "'input::touch-start': id must not be negative, got -1"),
        Arguments.of(pad + "{\"id\":0,\"index\":-2,\"pressed\":true}}",
            "'input::gamepad-button': index must not be negative, got -2"),
        Arguments.of(axes + "{\"id\":0,\"index\":1,\"value\":1.5}}",
            "'input::gamepad-axes': value must be from -1 to 1, got 1.5"),
        Arguments.of(axes + "{\"id\":0,\"index\":1,\"value\":-2}}",
            "'input::gamepad-axes': value must be from -1 to 1, got -2.0"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesMalformedMessagesSayingWhy(String json, String why) {
    MalformedControlMessageException e =
        assertThrows(MalformedControlMessageException.class, () -> ControlMessages.parse(json));
    assertEquals(why, e.getMessage());
  }

  @Test
  void thereAreThirtyOrMoreMalformedCases() {
    assertTrue(malformed().count() >= 30);
    List<String> inputs = malformed().map(a -> (String) a.get()[0]).toList();
    assertEquals(inputs.size(), inputs.stream().distinct().count(), "no case twice");
  }
}
