package org.streamstack.cluster.ams.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.streamstack.cluster.ams.applications.Application;
import org.streamstack.cluster.ams.applications.ApplicationVersion;
import org.streamstack.cluster.ams.instances.InstanceRecord;
import org.streamstack.cluster.ams.instances.Operation;
import org.streamstack.cluster.ams.nodes.NodeTable;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.NodeHeartbeat;

/** The JSON objects of the management API, made from what the entities hold. */
public final class Views {

  private Views() {}

  public record ApplicationView(
      @JsonProperty("name") String name,
      @JsonProperty("latest_version") int latestVersion,
      @JsonProperty("versions") List<VersionView> versions,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt) {}

  public record VersionView(
      @JsonProperty("version") int version,
      @JsonProperty("source") SourceView source,
      @JsonProperty("resources") ResourcesView resources,
      @JsonProperty("video_codecs") List<String> videoCodecs,
      @JsonProperty("video_encoder") String videoEncoder,
      @JsonProperty("created_at") String createdAt) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SourceView(
      @JsonProperty("type") String type,
      @JsonProperty("command") List<String> command,
      @JsonProperty("working_directory") String workingDirectory,
      @JsonProperty("environment") Map<String, String> environment) {}

  public record ResourcesView(
      @JsonProperty("cpus") Integer cpus,
      @JsonProperty("memory") Long memory,
      @JsonProperty("encoder_slots") int encoderSlots) {}

  public record InstanceView(
      @JsonProperty("id") String id,
      @JsonProperty("app") AppRef app,
      @JsonProperty("status") String status,
      @JsonProperty("status_message") String statusMessage,
      @JsonProperty("node") String node,
      @JsonProperty("region") String region,
      @JsonProperty("streaming") boolean streaming,
      @JsonProperty("session_id") String sessionId,
      @JsonProperty("screen") Screen screen,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt) {}

  public record AppRef(@JsonProperty("name") String name, @JsonProperty("version") int version) {}

  public record NodeView(
      @JsonProperty("name") String name,
      @JsonProperty("region") String region,
      @JsonProperty("address") String address,
      @JsonProperty("status") String status,
      @JsonProperty("capacity") CapacityView capacity,
      @JsonProperty("load") LoadView load,
      @JsonProperty("free_encoder_slots") int freeEncoderSlots,
      @JsonProperty("instances") List<String> instances,
      @JsonProperty("last_seen_at") String lastSeenAt) {}

  public record CapacityView(
      @JsonProperty("encoder_slots") int encoderSlots,
      @JsonProperty("cpus") int cpus,
      @JsonProperty("memory") long memory,
      @JsonProperty("gpus") List<GpuView> gpus) {}

  public record GpuView(@JsonProperty("model") String model, @JsonProperty("nvenc_sessions") int nvencSessions) {}

  public record LoadView(
      @JsonProperty("instances") int instances,
      @JsonProperty("encoder_slots_used") int encoderSlotsUsed,
      @JsonProperty("encoder_slots_reserved") int encoderSlotsReserved,
      @JsonProperty("cpu_load") double cpuLoad,
      @JsonProperty("memory_used") long memoryUsed) {}

  public record OperationView(
      @JsonProperty("id") String id,
      @JsonProperty("class") String operationClass,
      @JsonProperty("description") String description,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt,
      @JsonProperty("status") String status,
      @JsonProperty("status_code") int statusCode,
      @JsonProperty("resources") Map<String, List<String>> resources,
      @JsonProperty("metadata") Map<String, Object> metadata,
      @JsonProperty("may_cancel") boolean mayCancel,
      @JsonProperty("err") String err) {

    public String url() {
      return "/1.0/operations/" + id;
    }
  }

  public static String applicationUrl(String name) {
    return "/1.0/applications/" + name;
  }

  public static String instanceUrl(String id) {
    return "/1.0/instances/" + id;
  }

  public static String nodeUrl(String name) {
    return "/1.0/nodes/" + name;
  }

  public static ApplicationView of(Application application) {
    List<VersionView> versions = new ArrayList<>(application.versions().size());
    for (ApplicationVersion version : application.versions()) versions.add(of(version));
    return new ApplicationView(application.name(), application.latest().version(), versions,
        time(application.createdAt()), time(application.updatedAt()));
  }

  public static VersionView of(ApplicationVersion version) {
    ApplicationVersion.Source source = version.source();
    ApplicationVersion.Resources resources = version.resources();
    return new VersionView(version.version(),
        new SourceView(source.type(), source.command(), source.workingDirectory(), source.environment()),
        new ResourcesView(resources.cpus(), resources.memoryBytes(), resources.encoderSlots()),
        version.videoCodecs(), version.videoEncoder(), time(version.createdAt()));
  }

  public static InstanceView of(InstanceRecord instance) {
    return new InstanceView(instance.id(), new AppRef(instance.app(), instance.application().version()),
        instance.status().wireName(), instance.statusMessage() == null ? "" : instance.statusMessage(), instance.node(),
        instance.region(), instance.streaming(), instance.sessionId(), instance.screen(), time(instance.createdAt()),
        time(instance.updatedAt()));
  }

  public static OperationView of(String instanceId, Operation operation) {
    return new OperationView(operation.id(instanceId), "task", operation.kind().description,
        time(operation.createdAt()), time(operation.updatedAt()), operation.status().wireName, operation.status().code,
        Map.of("instances", List.of(instanceUrl(instanceId))), Map.of(), false, operation.err());
  }

  public static NodeView of(NodeTable.NodeView node) {
    NodeHeartbeat.Capacity capacity = node.capacity();
    NodeHeartbeat.Load load = node.load();
    List<GpuView> gpus = new ArrayList<>();
    if (capacity != null && capacity.gpus() != null) {
      for (NodeHeartbeat.Gpu gpu : capacity.gpus()) gpus.add(new GpuView(gpu.model(), gpu.nvencSessions()));
    }
    int encoderSlots = capacity == null ? 0 : capacity.encoderSlots();
    int used = load == null ? 0 : load.encoderSlotsUsed();
    return new NodeView(node.nodeId(), node.region(), node.address(), node.online() ? "online" : "offline",
        new CapacityView(encoderSlots, capacity == null ? 0 : capacity.cpus(), capacity == null ? 0 : capacity.memoryBytes(), gpus),
        new LoadView(load == null ? 0 : load.instances(), used, node.encoderSlotsReserved(),
            load == null ? 0 : load.cpuLoad(), load == null ? 0 : load.memoryUsedBytes()),
        node.freeEncoderSlots(), node.instances(), time(node.lastSeenAt()));
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
