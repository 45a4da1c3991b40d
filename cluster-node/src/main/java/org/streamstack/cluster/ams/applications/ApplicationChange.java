package org.streamstack.cluster.ams.applications;

import java.time.Instant;
import java.util.List;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * The fields of a create or update request, each already checked on its own; null means "not
 * given": a create takes the defaults for it, an update keeps what the latest version has.
 * {@code resources} fields are merged one by one.
 */
public record ApplicationChange(ApplicationVersion.Source source, Integer cpus, Long memoryBytes, Integer encoderSlots,
    List<String> videoCodecs, String videoEncoder) implements CborSerializable {

  /** The version this change makes on top of {@code base} (null for a new application). */
  public ApplicationVersion applyTo(ApplicationVersion base, int version, Instant at) {
    ApplicationVersion.Resources baseResources = base == null ? ApplicationVersion.Resources.defaults() : base.resources();
    return new ApplicationVersion(
        version,
        source != null ? source : base == null ? ApplicationVersion.Source.synthetic() : base.source(),
        new ApplicationVersion.Resources(
            cpus != null ? cpus : baseResources.cpus(),
            memoryBytes != null ? memoryBytes : baseResources.memoryBytes(),
            encoderSlots != null ? encoderSlots : baseResources.encoderSlots()),
        videoCodecs != null ? videoCodecs : base == null ? ApplicationVersion.VIDEO_CODECS : base.videoCodecs(),
        videoEncoder != null ? videoEncoder : base == null ? "auto" : base.videoEncoder(),
        at);
  }

  /** Whether {@code version} is what this change makes of it already (an update that changes nothing). */
  public boolean changesNothing(ApplicationVersion latest) {
    ApplicationVersion applied = applyTo(latest, latest.version(), latest.createdAt());
    return applied.equals(latest);
  }
}
