package org.streamstack.protocol.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ApiJsonTest {

  private static CreateSessionRequest read(String json) throws ApiJson.BadJsonException {
    return ApiJson.readBody(json.getBytes(StandardCharsets.UTF_8), CreateSessionRequest.class);
  }

  @Test
  void readsTheCreateRequestOfTheSdkAndIgnoresUnknownFields() throws Exception {
    CreateSessionRequest request = read("""
        {"app":"demo","app_version":3,"region":"","joinable":true,"idle_time_min":5,
         "screen":{"width":1920,"height":1080,"fps":30,"density":160},
         "extra_data":{"nested":[1,2]},"ephemeral":false,"future_field":{"x":1}}""");
    assertEquals("demo", request.app());
    assertEquals(3, request.appVersion());
    assertEquals(new Screen(1920, 1080, 30, 160), request.screen());
    assertEquals("{\"nested\":[1,2]}", request.extraData().toString());
    assertNull(request.problem());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"app\":5}                         | field 'app' must be a string",
      "{\"app\":\"demo\",\"joinable\":\"yes\"} | field 'joinable' must be a boolean",
      "{\"app\":\"demo\",\"joinable\":1}   | field 'joinable' must be a boolean",
      "{\"app\":\"demo\",\"idle_time_min\":\"5\"} | field 'idle_time_min' must be an integer",
      "{\"app\":\"demo\",\"idle_time_min\":1.5} | field 'idle_time_min' must be an integer",
      "{\"app\":\"demo\",\"screen\":{\"width\":\"x\"}} | field 'screen.width' must be an integer",
      "{\"app\":\"demo\",\"screen\":7}     | field 'screen' must be an object",
  })
  void wrongTypesAreRefusedWithTheFieldNamed(String json, String message) {
    ApiJson.BadJsonException error = assertThrows(ApiJson.BadJsonException.class, () -> read(json));
    assertEquals(message, error.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"app\":          | malformed JSON",
      "[1,2]              | request body must be a JSON object",
      "null               | request body must be a JSON object",
      "{\"app\":\"a\"} {} | malformed JSON",
  })
  void malformedBodiesAreRefused(String json, String start) {
    ApiJson.BadJsonException error = assertThrows(ApiJson.BadJsonException.class, () -> read(json));
    assertEquals(start, error.getMessage().substring(0, Math.min(start.length(), error.getMessage().length())));
  }

  @Test
  void emptyBodyIsRefused() {
    assertThrows(ApiJson.BadJsonException.class, () -> ApiJson.readBody(new byte[0], CreateSessionRequest.class));
  }

  @Test
  void semanticProblemsAreNamed() throws Exception {
    assertEquals("field 'app' is required", read("{}").problem());
    assertEquals("field 'app' is required", read("{\"app\":\"  \"}").problem());
    assertEquals("field 'idle_time_min' must not be negative", read("{\"app\":\"a\",\"idle_time_min\":-1}").problem());
    assertEquals("screen.width must be between 16 and 7680", read("{\"app\":\"a\",\"screen\":{\"width\":0}}").problem());
    assertEquals("screen.fps must be between 1 and 240", read("{\"app\":\"a\",\"screen\":{\"fps\":1000}}").problem());
    assertEquals("screen.width and screen.height must be even (pictures are encoded 4:2:0)",
        read("{\"app\":\"a\",\"screen\":{\"width\":1281,\"height\":720}}").problem());
  }

  @Test
  void envelopesHaveTheFieldsOfTheProtocol() {
    assertEquals("{\"type\":\"sync\",\"status\":\"success\",\"status_code\":201,\"metadata\":{\"id\":\"x\"}}",
        new String(ApiJson.write(Envelope.success(201, java.util.Map.of("id", "x"))), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"sync\",\"status\":\"success\",\"status_code\":200,\"metadata\":[],\"total_size\":0}",
        new String(ApiJson.write(Envelope.collection(200, java.util.List.of(), 0)), StandardCharsets.UTF_8));
    assertEquals("{\"type\":\"error\",\"status\":\"failed\",\"status_code\":404,\"error\":\"no session x\"}",
        new String(ApiJson.write(Envelope.failure(404, "no session x")), StandardCharsets.UTF_8));
  }

  @Test
  void screenDefaultsFillOnlyMissingFields() {
    assertEquals(new Screen(800, 720, 60, 240), new Screen(800, null, null, null).orDefaults(Screen.DEFAULT));
  }
}
