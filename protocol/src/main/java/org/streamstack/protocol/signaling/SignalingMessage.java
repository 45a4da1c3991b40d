package org.streamstack.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * The signalling messages of PROTOCOL.md 4 as the instance side reads and writes them. SDP and
 * candidates travel base64-encoded; these records hold them decoded.
 */
public sealed interface SignalingMessage {

  /** Client asks what the instance can do. */
  record Discover() implements SignalingMessage {}

  /** Client's settings (API version 2): the instance offers after this. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Settings(
      @JsonProperty("api_version") Integer apiVersion,
      @JsonProperty("data_channels") List<String> dataChannels,
      @JsonProperty("enable_speaker") Boolean enableSpeaker,
      @JsonProperty("enable_microphone") Boolean enableMicrophone,
      @JsonProperty("enable_video") Boolean enableVideo,
      @JsonProperty("enable_camera") Boolean enableCamera,
      @JsonProperty("device_type") String deviceType,
      @JsonProperty("foreground_activity") String foregroundActivity,
      @JsonProperty("video") VideoSettings video)
      implements SignalingMessage {

    /** Sound is on unless the client says otherwise. */
    public boolean speakerEnabled() {
      return enableSpeaker == null || enableSpeaker;
    }

    public boolean videoEnabled() {
      return enableVideo == null || enableVideo;
    }

    public List<String> channels() {
      return dataChannels == null ? List.of() : dataChannels;
    }

    public List<String> preferredDecoderCodecs() {
      return video == null || video.preferredDecoderCodecs() == null ? List.of() : video.preferredDecoderCodecs();
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record VideoSettings(@JsonProperty("preferred_decoder_codecs") List<String> preferredDecoderCodecs) {}

  /** The browser's SDP answer, decoded. */
  record Answer(String sdp) implements SignalingMessage {}

  /** A trickled candidate: the {@code candidate:...} attribute value, decoded. */
  record Candidate(String candidate, String sdpMid, Integer sdpMLineIndex) implements SignalingMessage {}

  /** An error either side reports. */
  record Error(String message) implements SignalingMessage {}

  /** A message of a type this side does not act on. */
  record Other(String type) implements SignalingMessage {}

  /** Thrown for a frame that is not a signalling message this side can read. */
  final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
      super(message);
    }
  }

  /** Reads one frame sent by the client. */
  static SignalingMessage readFromClient(String frame) throws MalformedMessageException {
    JsonNode json;
    try {
      json = ApiJson.MAPPER.readTree(frame);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("malformed JSON frame");
    }
    if (json == null || !json.isObject() || !json.path("type").isTextual()) {
      throw new MalformedMessageException("frame has no string 'type'");
    }
    String type = json.path("type").asText();
    try {
      switch (type) {
        case "discover":
          return new Discover();
        case "settings":
          return ApiJson.MAPPER.treeToValue(json, Settings.class);
        case "answer":
          return new Answer(base64Field(json, "sdp"));
        case "candidate":
          return new Candidate(base64Field(json, "candidate"),
              json.path("sdpMid").isTextual() ? json.path("sdpMid").asText() : null,
              json.path("sdpMLineIndex").canConvertToInt() ? json.path("sdpMLineIndex").asInt() : null);
        case "error":
          return new Error(json.path("message").asText(""));
        default:
          return new Other(type);
      }
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("'" + type + "' frame has wrong fields: " + e.getOriginalMessage());
    }
  }

  private static String base64Field(JsonNode json, String field) throws MalformedMessageException {
    if (!json.path(field).isTextual()) throw new MalformedMessageException("field '" + field + "' must be a string");
    try {
      return new String(Base64.getDecoder().decode(json.path(field).asText()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("field '" + field + "' is not base64");
    }
  }

  // --- what the instance sends ----------------------------------------------------------------

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DiscoverResponse(
      @JsonProperty("type") String type,
      @JsonProperty("max_api_version") int maxApiVersion,
      @JsonProperty("capabilities") List<String> capabilities,
      @JsonProperty("fps") int fps) {}

  static String discoverResponse(List<String> capabilities, int fps) {
    return write(new DiscoverResponse("resp:discover", 2, capabilities, fps));
  }

  static String offer(String sdp) {
    return "{\"type\":\"offer\",\"sdp\":\"" + base64(sdp) + "\"}";
  }

  static String candidate(String candidate, String sdpMid, int sdpMLineIndex) {
    return "{\"type\":\"candidate\",\"candidate\":\"" + base64(candidate) + "\",\"sdpMid\":"
        + ApiJsonText.quote(sdpMid) + ",\"sdpMLineIndex\":" + sdpMLineIndex + "}";
  }

  static String error(String message) {
    return SignalingFrame.error(message);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String write(Object value) {
    return new String(ApiJson.write(value), StandardCharsets.UTF_8);
  }

  /** JSON string quoting for the few hand-written frames above. */
  final class ApiJsonText {
    private ApiJsonText() {}

    static String quote(String text) {
      return new String(ApiJson.write(text), StandardCharsets.UTF_8);
    }
  }
}
