package org.streamstack.cluster.ams.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.streamstack.cluster.ams.applications.ApplicationChange;
import org.streamstack.cluster.ams.applications.ApplicationRegistry;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.applications.MemorySize;
import org.streamstack.protocol.gateway.Screen;

/**
 * The request bodies of the management API, and their checks: every refusal names the field.
 * Types are checked by {@code ApiJson} as the bodies are read; values here.
 */
public final class Requests {

  private Requests() {}

  /** {@code POST /1.0/applications} and {@code PATCH /1.0/applications/{name}}. */
  public record ApplicationBody(
      @JsonProperty("name") String name,
      @JsonProperty("source") SourceBody source,
      @JsonProperty("resources") ResourcesBody resources,
      @JsonProperty("video_codecs") List<String> videoCodecs,
      @JsonProperty("video_encoder") String videoEncoder) {}

  public record SourceBody(
      @JsonProperty("type") String type,
      @JsonProperty("command") List<String> command,
      @JsonProperty("working_directory") String workingDirectory,
      @JsonProperty("environment") Map<String, String> environment) {}

  /** {@code memory} is bytes (a number) or a size such as "2GB". */
  public record ResourcesBody(
      @JsonProperty("cpus") Integer cpus,
      @JsonProperty("memory") JsonNode memory,
      @JsonProperty("encoder_slots") Integer encoderSlots) {}

  /** {@code POST /1.0/instances}. */
  public record InstanceBody(
      @JsonProperty("app") String app,
      @JsonProperty("app_version") Integer appVersion,
      @JsonProperty("enable_streaming") Boolean enableStreaming,
      @JsonProperty("screen") Screen screen,
      @JsonProperty("session") SessionBody session) {}

  /** Gateway first: the session the agent made, and where the instance connects its signalling. */
  public record SessionBody(@JsonProperty("id") String id, @JsonProperty("url") String url) {}

  public static final int MAX_ENCODER_SLOTS = 64;
  public static final int MAX_CPUS = 1024;

  static void checkName(String name) {
    if (name == null || name.isEmpty()) throw new ApiError(400, "field 'name' is required");
    if (!ApplicationRegistry.NAME.matcher(name).matches()) {
      throw new ApiError(400, "field 'name' must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit");
    }
  }

  /** The change a create or update body asks for, each field checked. */
  static ApplicationChange change(ApplicationBody body) {
    ApplicationVersion.Source source = body.source() == null ? null : source(body.source());
    Integer cpus = null;
    Long memory = null;
    Integer encoderSlots = null;
    ResourcesBody resources = body.resources();
    if (resources != null) {
      cpus = resources.cpus();
      if (cpus != null && (cpus < 1 || cpus > MAX_CPUS)) {
        throw new ApiError(400, "field 'resources.cpus' must be between 1 and " + MAX_CPUS);
      }
      memory = memory(resources.memory());
      encoderSlots = resources.encoderSlots();
      if (encoderSlots != null && (encoderSlots < 1 || encoderSlots > MAX_ENCODER_SLOTS)) {
        throw new ApiError(400, "field 'resources.encoder_slots' must be between 1 and " + MAX_ENCODER_SLOTS);
      }
    }
    return new ApplicationChange(source, cpus, memory, encoderSlots, codecs(body.videoCodecs()), encoder(body.videoEncoder()));
  }

  private static ApplicationVersion.Source source(SourceBody source) {
    String type = source.type();
    if (type == null) throw new ApiError(400, "field 'source.type' is required: one of " + ApplicationVersion.SOURCE_TYPES);
    if (!ApplicationVersion.SOURCE_TYPES.contains(type)) {
      throw new ApiError(400, "field 'source.type' must be one of " + ApplicationVersion.SOURCE_TYPES + ", not '" + type + "'");
    }
    if (type.equals(ApplicationVersion.SYNTHETIC)) {
      if (source.command() != null || source.workingDirectory() != null || source.environment() != null) {
        throw new ApiError(400, "fields 'source.command', 'source.working_directory' and 'source.environment' are for"
            + " x11 sources only; the synthetic application takes none");
      }
      return ApplicationVersion.Source.synthetic();
    }
    List<String> command = source.command();
    if (command == null || command.isEmpty()) {
      throw new ApiError(400, "field 'source.command' is required for an x11 source: the program and its arguments");
    }
    for (int i = 0; i < command.size(); i++) {
      if (command.get(i) == null) throw new ApiError(400, "field 'source.command[" + i + "]' must be a string");
    }
    if (command.get(0).isBlank()) throw new ApiError(400, "field 'source.command[0]' must name the program");
    String directory = source.workingDirectory();
    if (directory != null && !directory.startsWith("/")) {
      throw new ApiError(400, "field 'source.working_directory' must be an absolute path");
    }
    Map<String, String> environment = null;
    if (source.environment() != null) {
      environment = new LinkedHashMap<>();
      for (Map.Entry<String, String> variable : source.environment().entrySet()) {
        if (!variable.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new ApiError(400, "field 'source.environment' has '" + variable.getKey() + "', which is no variable name");
        }
        if (variable.getValue() == null) {
          throw new ApiError(400, "field 'source.environment." + variable.getKey() + "' must be a string");
        }
        environment.put(variable.getKey(), variable.getValue());
      }
    }
    return new ApplicationVersion.Source(type, List.copyOf(command), directory, environment);
  }

  private static Long memory(JsonNode memory) {
    if (memory == null || memory.isNull()) return null;
    String problem = "field 'resources.memory' must be a number of bytes or a size such as \"2GB\"";
    long bytes;
    if (memory.isIntegralNumber() && memory.canConvertToLong()) {
      bytes = memory.longValue();
    } else if (memory.isTextual()) {
      try {
        bytes = MemorySize.parse(memory.textValue());
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, problem + ": " + e.getMessage());
      }
    } else {
      throw new ApiError(400, problem);
    }
    if (bytes < 0) throw new ApiError(400, "field 'resources.memory' must not be negative");
    return bytes;
  }

  private static List<String> codecs(List<String> codecs) {
    if (codecs == null) return null;
    if (codecs.isEmpty()) throw new ApiError(400, "field 'video_codecs' must name at least one of " + ApplicationVersion.VIDEO_CODECS);
    List<String> checked = new ArrayList<>(codecs.size());
    for (int i = 0; i < codecs.size(); i++) {
      String codec = codecs.get(i) == null ? null : codecs.get(i).toLowerCase(Locale.ROOT);
      if (codec == null || !ApplicationVersion.VIDEO_CODECS.contains(codec)) {
        throw new ApiError(400, "field 'video_codecs[" + i + "]' must be one of " + ApplicationVersion.VIDEO_CODECS
            + (codec == null ? "" : ", not '" + codecs.get(i) + "'"));
      }
      if (checked.contains(codec)) throw new ApiError(400, "field 'video_codecs' names " + codec + " twice");
      checked.add(codec);
    }
    return List.copyOf(checked);
  }

  private static String encoder(String encoder) {
    if (encoder == null) return null;
    if (!ApplicationVersion.VIDEO_ENCODERS.contains(encoder)) {
      throw new ApiError(400, "field 'video_encoder' must be one of " + ApplicationVersion.VIDEO_ENCODERS + ", not '" + encoder + "'");
    }
    return encoder;
  }

  /** Checks what can be checked of an instance request before the application is looked up. */
  static void check(InstanceBody body) {
    if (body.app() == null || body.app().isEmpty()) throw new ApiError(400, "field 'app' is required");
    if (body.appVersion() != null && body.appVersion() < 0) throw new ApiError(400, "field 'app_version' must not be negative");
    if (body.screen() != null && body.screen().problem() != null) throw new ApiError(400, body.screen().problem());
    SessionBody session = body.session();
    if (session == null) return;
    if (!Boolean.TRUE.equals(body.enableStreaming())) {
      throw new ApiError(400, "field 'session' needs 'enable_streaming': true; only a streaming instance serves a session");
    }
    if (session.id() == null || session.id().isBlank()) throw new ApiError(400, "field 'session.id' is required");
    if (session.url() == null || session.url().isBlank()) throw new ApiError(400, "field 'session.url' is required");
    if (!session.url().startsWith("ws://") && !session.url().startsWith("wss://")) {
      throw new ApiError(400, "field 'session.url' must be the ws:// or wss:// URL of the session's instance socket");
    }
  }
}
