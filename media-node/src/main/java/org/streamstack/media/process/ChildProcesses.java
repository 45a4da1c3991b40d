package org.streamstack.media.process;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Ending the processes a media node starts for its instances (Xvfb, the program, PulseAudio, parec). */
public final class ChildProcesses {

  /** How long a process has to end after SIGTERM before it is killed, and again after SIGKILL. */
  private static final long GRACE_SECONDS = 3;

  private ChildProcesses() {}

  /**
   * Ends {@code process} and everything it started (a program run through {@code sh -c} leaves
   * its children otherwise): SIGTERM to all of them, SIGKILL for whichever is left after the grace
   * period (a child that ignores SIGTERM outlives a parent that ended in time), then waits for them
   * once more. Returns early, killing, when the calling thread is interrupted.
   */
  public static void stop(Process process) {
    // Taken once, before anything ends: a descendant whose parent has ended is reparented and no
    // longer among the process's descendants, so a later look would miss just those left over.
    List<ProcessHandle> family = process.descendants().collect(Collectors.toList());
    family.forEach(ProcessHandle::destroy);
    process.destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    try {
      if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) process.destroyForcibly();
      for (ProcessHandle member : family) awaitUntil(member, deadline);
      List<ProcessHandle> killed = family.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
      killed.forEach(ProcessHandle::destroyForcibly);
      process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
      long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
      for (ProcessHandle member : killed) awaitUntil(member, killDeadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      family.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static void awaitUntil(ProcessHandle member, long deadlineNanos) throws InterruptedException {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0 || !member.isAlive()) return;
    try {
      member.onExit().get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // still alive: killed by the caller
    }
  }
}
