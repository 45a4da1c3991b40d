package org.streamstack.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void clientFramesMayNotNameAPeer() {
    assertEquals("field 'peer' is reserved for the gateway",
        SignalingFrame.clientProblem("{\"type\":\"offer\",\"peer\":\"s.1\"}", 1000));
    assertEquals("field 'peer' is reserved for the gateway",
        SignalingFrame.clientProblem("{\"peer\":7,\"type\":\"offer\"}", 1000));
    // Only the top level is the gateway's: a nested "peer" is the application's business.
    assertNull(SignalingFrame.clientProblem("{\"type\":\"x\",\"data\":{\"peer\":\"p\"}}", 1000));
    assertNull(SignalingFrame.clientProblem("{\"type\":\"answer\",\"sdp\":\"eA==\"}", 1000));
    // The instance side names the peer a frame is for.
    assertNull(SignalingFrame.problem("{\"type\":\"offer\",\"peer\":\"s.1\"}", 1000));
    // The client side's other rules still hold.
    assertEquals("type 'gateway:peer-joined' is reserved for the gateway",
        SignalingFrame.clientProblem("{\"type\":\"gateway:peer-joined\"}", 1000));
  }

  @Test
  void peerTagIsAddedWithoutTouchingTheRestAndReadBack() throws Exception {
    String frame = " { \"type\" : \"answer\", \"sdp\":\"caf\u00e9\\u00e9\" }";
    String tagged = SignalingFrame.withPeer(frame, "abc-1.2");
    assertEquals(" {\"peer\":\"abc-1.2\", \"type\" : \"answer\", \"sdp\":\"caf\u00e9\\u00e9\" }", tagged);
    assertNull(SignalingFrame.problem(tagged, 1000));
    assertEquals("abc-1.2", SignalingFrame.peerOf(tagged));
    assertEquals("s.3", SignalingFrame.peerOf("{\"type\":\"offer\",\"x\":{\"peer\":\"no\"},\"peer\":\"s.3\"}"));
    assertNull(SignalingFrame.peerOf("{\"type\":\"offer\",\"x\":{\"peer\":\"no\"}}"));
    assertNull(SignalingFrame.peerOf("{\"type\":\"offer\",\"peer\":3}"));
    var notice = new ObjectMapper().readTree(SignalingFrame.peerNotice(SignalingMessage.PEER_LEFT, "s.1", "reason", "share \"x\" expired"));
    assertEquals("gateway:peer-left", notice.path("type").asText());
    assertEquals("s.1", notice.path("peer").asText());
    assertEquals("share \"x\" expired", notice.path("reason").asText());
    // Only an object is tagged: not one inside an array, which the gateway would otherwise pass on.
    assertThrows(IllegalArgumentException.class, () -> SignalingFrame.withPeer("[{\"type\":\"offer\"}]", "s.1"));
    assertThrows(IllegalArgumentException.class,
        () -> SignalingFrame.peerNotice("peer-left", "s.1", "reason", "a type without the gateway's prefix"));
  }
}
