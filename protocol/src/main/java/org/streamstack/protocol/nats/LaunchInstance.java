package org.streamstack.protocol.nats;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.streamstack.protocol.gateway.Screen;

/**
 * AMS → media node: run an instance. {@code instanceSocketUrl} is null for an instance without
 * streaming. The node replies with an {@link Ack} once the instance is starting, and reports
 * progress as {@link InstanceEvent}s.
 */
public record LaunchInstance(String instanceId, String sessionId, String region, Application application,
    Screen screen, String instanceSocketUrl) {

  /**
   * What to run. {@code source} is {@code synthetic} (the built-in application) or {@code x11} (the
   * program in {@code command}, run under {@code workingDirectory} with {@code environment}).
   * {@code videoCodecs} in order of preference (lower case: h264, vp8); {@code encoder} gpu, cpu or auto.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Application(String name, int version, String source, List<String> command,
      String workingDirectory, Map<String, String> environment, List<String> videoCodecs, String encoder) {}
}
