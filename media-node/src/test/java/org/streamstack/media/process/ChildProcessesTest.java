package org.streamstack.media.process;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;

class ChildProcessesTest {

  @Test
  void aChildThatIgnoresTermIsKilledEvenWhenItsParentEndsInTime() throws Exception {
    // The shell ends on SIGTERM at once; the sleep it started ignores SIGTERM (ignored signals stay
    // ignored across exec) and would outlive it.
    Process parent = new ProcessBuilder("sh", "-c", "(trap '' TERM; exec sleep 60) & wait").start();
    List<ProcessHandle> children = List.of();
    try {
      Await.until("the sleep started", Duration.ofSeconds(10), () -> parent.descendants()
          .anyMatch(child -> child.info().command().map(command -> command.endsWith("sleep")).orElse(false)));
      children = parent.descendants().collect(Collectors.toList());

      ChildProcesses.stop(parent);

      assertFalse(parent.isAlive());
      for (ProcessHandle child : children) {
        assertFalse(child.isAlive(), "child " + child.pid() + " " + child.info().commandLine().orElse("") + " is gone");
      }
    } finally {
      children.forEach(ProcessHandle::destroyForcibly); // left over when the test fails
      parent.destroyForcibly();
    }
  }
}
