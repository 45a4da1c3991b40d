package org.streamstack.media.x11;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The X11 program of an application, checked: its command line, the directory it starts in (null:
 * the node's own) and the environment it gets on top of the node's, to which the instance adds
 * {@code DISPLAY} and {@code XAUTHORITY}.
 */
public record X11Program(List<String> command, Path workingDirectory, Map<String, String> environment) {

  public X11Program {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    if (command.isEmpty()) throw new IllegalArgumentException("an X11 program needs a command");
    Objects.requireNonNull(command.get(0));
  }
}
