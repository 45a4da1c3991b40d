package org.streamstack.cluster.ams.applications;

import java.time.Instant;
import java.util.List;
import org.streamstack.cluster.serialization.CborSerializable;

/** An application and every version it has had, oldest first; the last one is the latest. */
public record Application(String name, List<ApplicationVersion> versions, Instant createdAt)
    implements CborSerializable {

  public ApplicationVersion latest() {
    return versions.get(versions.size() - 1);
  }

  /** The version numbered {@code version}, or null. */
  public ApplicationVersion version(int version) {
    return version >= 0 && version < versions.size() ? versions.get(version) : null;
  }

  public Instant updatedAt() {
    return latest().createdAt();
  }
}
