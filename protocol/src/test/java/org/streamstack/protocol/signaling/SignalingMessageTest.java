package org.streamstack.protocol.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.protocol.gateway.ApiJson;

class SignalingMessageTest {

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes());
  }

  @Test
  void readsWhatTheClientSends() throws Exception {
    assertInstanceOf(SignalingMessage.Discover.class, SignalingMessage.readFromClient("{\"type\":\"discover\"}"));
    SignalingMessage.Settings settings = (SignalingMessage.Settings) SignalingMessage.readFromClient("""
        {"type":"settings","api_version":2,"data_channels":["game"],"enable_speaker":true,
         "enable_microphone":false,"enable_video":true,"enable_camera":false,"device_type":"desktop",
         "video":{"preferred_decoder_codecs":["VP8","H264"]},"unknown":1}""");
    assertEquals(2, settings.apiVersion());
    assertEquals(List.of("game"), settings.dataChannels());
    assertEquals(List.of("VP8", "H264"), settings.preferredDecoderCodecs());
    assertEquals(new SignalingMessage.Answer("v=0\r\n"),
        SignalingMessage.readFromClient("{\"type\":\"answer\",\"sdp\":\"" + b64("v=0\r\n") + "\"}"));
    assertEquals(new SignalingMessage.Candidate("candidate:1 1 udp 1 a.local 5 typ host", "0", 0),
        SignalingMessage.readFromClient("{\"type\":\"candidate\",\"candidate\":\""
            + b64("candidate:1 1 udp 1 a.local 5 typ host") + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}"));
    assertEquals(new SignalingMessage.Other("stats"), SignalingMessage.readFromClient("{\"type\":\"stats\"}"));
    assertEquals(List.of(), ((SignalingMessage.Settings) SignalingMessage.readFromClient(
        "{\"type\":\"settings\",\"api_version\":2}")).preferredDecoderCodecs());
  }

  @Test
  void malformedFramesAreNamed() {
    assertEquals("malformed JSON frame",
        assertThrows(SignalingMessage.MalformedMessageException.class, () -> SignalingMessage.readFromClient("{")).getMessage());
    assertEquals("frame has no string 'type'",
        assertThrows(SignalingMessage.MalformedMessageException.class, () -> SignalingMessage.readFromClient("{\"type\":3}")).getMessage());
    assertEquals("field 'sdp' is not base64",
        assertThrows(SignalingMessage.MalformedMessageException.class,
            () -> SignalingMessage.readFromClient("{\"type\":\"answer\",\"sdp\":\"***\"}")).getMessage());
    assertEquals("field 'candidate' must be a string",
        assertThrows(SignalingMessage.MalformedMessageException.class,
            () -> SignalingMessage.readFromClient("{\"type\":\"candidate\"}")).getMessage());
  }

  @Test
  void writesWhatTheInstanceSends() throws Exception {
    JsonNode discover = ApiJson.MAPPER.readTree(SignalingMessage.discoverResponse(List.of("h264"), 30));
    assertEquals("resp:discover", discover.path("type").asText());
    assertEquals(2, discover.path("max_api_version").asInt());
    assertEquals(30, discover.path("fps").asInt());
    JsonNode offer = ApiJson.MAPPER.readTree(SignalingMessage.offer("v=0\r\n"));
    assertEquals("v=0\r\n", new String(Base64.getDecoder().decode(offer.path("sdp").asText())));
    JsonNode candidate = ApiJson.MAPPER.readTree(SignalingMessage.candidate("candidate:x", "0", 0));
    assertEquals("candidate:x", new String(Base64.getDecoder().decode(candidate.path("candidate").asText())));
    assertEquals("0", candidate.path("sdpMid").asText());
  }
}
