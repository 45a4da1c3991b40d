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

  @Test
  void readsShareFramesAndTheGatewaysPeerNoticesFromTheInstanceSocket() throws Exception {
    assertEquals(new SignalingMessage.Received("s1.1",
            new SignalingMessage.PeerJoined("s1.1", SignalingMessage.ShareRole.VIEW)),
        SignalingMessage.readFromGateway("{\"type\":\"gateway:peer-joined\",\"peer\":\"s1.1\",\"role\":\"view\"}"));
    assertEquals(new SignalingMessage.Received("s2.4",
            new SignalingMessage.PeerJoined("s2.4", SignalingMessage.ShareRole.CONTROL)),
        SignalingMessage.readFromGateway("{\"type\":\"gateway:peer-joined\",\"peer\":\"s2.4\",\"role\":\"control\"}"));
    assertEquals(new SignalingMessage.Received("s1.1", new SignalingMessage.PeerLeft("s1.1", "share expired")),
        SignalingMessage.readFromGateway("{\"type\":\"gateway:peer-left\",\"peer\":\"s1.1\",\"reason\":\"share expired\"}"));
    assertEquals(new SignalingMessage.Received("s1.1", new SignalingMessage.Answer("v=0\r\n")),
        SignalingMessage.readFromGateway("{\"type\":\"answer\",\"sdp\":\"" + b64("v=0\r\n") + "\",\"peer\":\"s1.1\"}"));
    SignalingMessage.Received settings = SignalingMessage.readFromGateway(
        "{\"peer\":\"s1.2\",\"type\":\"settings\",\"api_version\":2,\"video\":{\"preferred_decoder_codecs\":[\"H264\"]}}");
    assertEquals("s1.2", settings.peer());
    assertEquals(List.of("H264"), ((SignalingMessage.Settings) settings.message()).preferredDecoderCodecs());
    // The owner's frames carry no peer, and read as before.
    assertEquals(new SignalingMessage.Received(null, new SignalingMessage.Discover()),
        SignalingMessage.readFromGateway("{\"type\":\"discover\"}"));
    // A notice of the gateway's this side does not know is left alone.
    assertEquals(new SignalingMessage.Received(null, new SignalingMessage.Other("gateway:screen")),
        SignalingMessage.readFromGateway("{\"type\":\"gateway:screen\",\"width\":640}"));
  }

  @Test
  void malformedShareFramesAreNamed() {
    assertEquals("field 'peer' must be a non-empty string", assertThrows(SignalingMessage.MalformedMessageException.class,
        () -> SignalingMessage.readFromGateway("{\"type\":\"discover\",\"peer\":7}")).getMessage());
    assertEquals("field 'peer' must be a non-empty string", assertThrows(SignalingMessage.MalformedMessageException.class,
        () -> SignalingMessage.readFromGateway("{\"type\":\"discover\",\"peer\":\"\"}")).getMessage());
    assertEquals("'gateway:peer-joined' names no 'peer'", assertThrows(SignalingMessage.MalformedMessageException.class,
        () -> SignalingMessage.readFromGateway("{\"type\":\"gateway:peer-joined\",\"role\":\"view\"}")).getMessage());
    assertEquals("'gateway:peer-joined' has role \"owner\", not view or control",
        assertThrows(SignalingMessage.MalformedMessageException.class, () -> SignalingMessage.readFromGateway(
            "{\"type\":\"gateway:peer-joined\",\"peer\":\"a\",\"role\":\"owner\"}")).getMessage());
    assertEquals("'gateway:peer-left' names no 'peer'", assertThrows(SignalingMessage.MalformedMessageException.class,
        () -> SignalingMessage.readFromGateway("{\"type\":\"gateway:peer-left\"}")).getMessage());
    assertEquals("malformed JSON frame", assertThrows(SignalingMessage.MalformedMessageException.class,
        () -> SignalingMessage.readFromGateway("{\"peer\":")).getMessage());
  }

  @Test
  void tagsWhatTheInstanceSendsToASharePeerWithoutTouchingTheRest() throws Exception {
    String offer = SignalingMessage.offer("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
    String tagged = SignalingFrame.withPeer(offer, "s1.\"3\"");
    assertEquals("{\"peer\":\"s1.\\\"3\\\"\"," + offer.substring(1), tagged);
    JsonNode json = ApiJson.MAPPER.readTree(tagged);
    assertEquals("s1.\"3\"", json.path("peer").asText());
    assertEquals("offer", json.path("type").asText());
    SignalingMessage.Received back = SignalingMessage.readFromGateway(tagged);
    assertEquals("s1.\"3\"", back.peer());
    assertEquals("{\"peer\":\"p\" }", SignalingFrame.withPeer("{ }", "p"));
    assertEquals("p", ApiJson.MAPPER.readTree(SignalingFrame.withPeer(SignalingMessage.error("full"), "p"))
        .path("peer").asText());
    assertThrows(IllegalArgumentException.class, () -> SignalingFrame.withPeer("[1]", "p"));
  }
}
