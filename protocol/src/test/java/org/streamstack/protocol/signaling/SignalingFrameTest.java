package org.streamstack.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignalingFrameTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"discover\"}",
      "{\"type\":\"settings\",\"api_version\":2,\"data_channels\":[\"a\"],\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}",
      "{\"sdp\":\"dj0wDQo=\",\"type\":\"answer\"}",
      "  {\"type\":\"candidate\",\"candidate\":\"Y2FuZGlkYXRl\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}  ",
  })
  void framesOfTheProtocolPass(String frame) {
    assertNull(SignalingFrame.problem(frame, 65536));
  }

  @Test
  void framesThatAreNotTypedJsonObjectsAreNamed() {
    assertEquals("frame must be a JSON object", SignalingFrame.problem("[1]", 1000));
    assertEquals("frame must be a JSON object", SignalingFrame.problem("\"offer\"", 1000));
    assertEquals("frame has no 'type'", SignalingFrame.problem("{\"sdp\":\"x\"}", 1000));
    assertEquals("field 'type' must be a string", SignalingFrame.problem("{\"type\":1}", 1000));
    assertEquals("field 'type' must be a string", SignalingFrame.problem("{\"type\":{\"a\":1}}", 1000));
    assertEquals("malformed JSON frame", SignalingFrame.problem("{\"type\":\"offer\"", 1000));
    assertEquals("malformed JSON frame", SignalingFrame.problem("{type:offer}", 1000));
    assertEquals("frame holds more than one JSON value", SignalingFrame.problem("{\"type\":\"a\"}{}", 1000));
    assertEquals("frame must be a JSON object", SignalingFrame.problem("", 1000));
  }

  @Test
  void nobodyButTheGatewaySendsGatewayNotices() {
    assertEquals("type 'gateway:screen' is reserved for the gateway",
        SignalingFrame.problem("{\"type\":\"gateway:screen\",\"width\":640}", 1000));
    assertNull(SignalingFrame.problem("{\"type\":\"gateways\"}", 1000));
  }

  @Test
  void sizeIsCountedInUtf8Bytes() {
    String multibyte = "{\"type\":\"x\",\"v\":\"" + "é".repeat(100) + "\"}";
    int bytes = multibyte.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    assertNull(SignalingFrame.problem(multibyte, bytes));
    assertEquals("frame is larger than " + (bytes - 1) + " bytes", SignalingFrame.problem(multibyte, bytes - 1));
  }

  @Test
  void errorFramesAreValidJsonWhateverTheMessage() throws Exception {
    String frame = SignalingFrame.error("bad \"quote\" \\ and\nnewline \u0001");
    var node = new ObjectMapper().readTree(frame);
    assertEquals("error", node.path("type").asText());
    assertEquals("bad \"quote\" \\ and\nnewline \u0001", node.path("message").asText());
  }
}
