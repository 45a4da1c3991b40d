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
 *
 * <p>Shares (issue 6): the instance socket also carries the frames of a session's share peers,
 * each with a {@code "peer":"<peer id>"} field the gateway adds (clients may not send one), and
 * the gateway's own notices {@code gateway:peer-joined} and {@code gateway:peer-left}; what the
 * instance sends to a share peer carries the same field ({@link SignalingFrame#withPeer}). Frames
 * without it are the owner's, exactly as before.
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

  /** What a share lets its peers do: watch, or watch and drive the application. */
  enum ShareRole {
    VIEW("view"),
    CONTROL("control");

    private final String wireName;

    ShareRole(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** The role named {@code name} on the wire, or null when there is none of that name. */
    public static ShareRole fromWire(String name) {
      for (ShareRole role : values()) {
        if (role.wireName.equals(name)) return role;
      }
      return null;
    }
  }

  /** The gateway's notice: a share peer will send frames tagged with {@code peer}. */
  record PeerJoined(String peer, ShareRole role) implements SignalingMessage {}

  /** The gateway's notice: a share peer was cut (share deleted or expired, peer replaced, ...). */
  record PeerLeft(String peer, String reason) implements SignalingMessage {}

  /**
   * One frame of the instance socket: {@code peer} is the share peer it comes from (or that a
   * notice is about); null for the owner's frames.
   */
  record Received(String peer, SignalingMessage message) {}

  /** The type of the gateway's notice that a share peer joined. */
  String PEER_JOINED = SignalingFrame.GATEWAY_PREFIX + "peer-joined";
  /** The type of the gateway's notice that a share peer was cut. */
  String PEER_LEFT = SignalingFrame.GATEWAY_PREFIX + "peer-left";
  /** The field naming a share peer. */
  String PEER_FIELD = SignalingFrame.PEER_FIELD;

  /** Thrown for a frame that is not a signalling message this side can read. */
  final class MalformedMessageException extends Exception {
    private final String peer;

    public MalformedMessageException(String message) {
      this(message, null);
    }

    /** @param peer the share peer whose frame it is, when the frame said so; null otherwise */
    public MalformedMessageException(String message, String peer) {
      super(message);
      this.peer = peer;
    }

    /** The share peer whose frame could not be read, or null (the owner's, or not known). */
    public String peer() {
      return peer;
    }
  }

  /** Reads one frame sent by the client. */
  static SignalingMessage readFromClient(String frame) throws MalformedMessageException {
    return read(parseObject(frame));
  }

  /**
   * Reads one frame of the instance socket: the owner's frames, share peers' frames (tagged with
   * {@code peer}) and the gateway's peer notices.
   */
  static Received readFromGateway(String frame) throws MalformedMessageException {
    JsonNode json = parseObject(frame);
    JsonNode peerField = json.get(PEER_FIELD);
    String peer = null;
    if (peerField != null) {
      if (!peerField.isTextual() || peerField.asText().isEmpty()) {
        throw new MalformedMessageException("field 'peer' must be a non-empty string");
      }
      peer = peerField.asText();
    }
    String type = json.path("type").asText();
    if (type.equals(PEER_JOINED)) {
      if (peer == null) throw new MalformedMessageException("'" + type + "' names no 'peer'");
      ShareRole role = ShareRole.fromWire(json.path("role").asText(null));
      if (role == null) {
        throw new MalformedMessageException("'" + type + "' has role " + json.path("role") + ", not view or control");
      }
      return new Received(peer, new PeerJoined(peer, role));
    }
    if (type.equals(PEER_LEFT)) {
      if (peer == null) throw new MalformedMessageException("'" + type + "' names no 'peer'");
      return new Received(peer, new PeerLeft(peer, json.path("reason").asText("")));
    }
    try {
      return new Received(peer, read(json));
    } catch (MalformedMessageException e) {
      throw new MalformedMessageException(e.getMessage(), peer);
    }
  }

  private static JsonNode parseObject(String frame) throws MalformedMessageException {
    JsonNode json;
    try {
      json = ApiJson.MAPPER.readTree(frame);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException("malformed JSON frame");
    }
    if (json == null || !json.isObject() || !json.path("type").isTextual()) {
      throw new MalformedMessageException("frame has no string 'type'");
    }
    return json;
  }

  private static SignalingMessage read(JsonNode json) throws MalformedMessageException {
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
        + SignalingFrame.quoted(sdpMid) + ",\"sdpMLineIndex\":" + sdpMLineIndex + "}";
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
}
