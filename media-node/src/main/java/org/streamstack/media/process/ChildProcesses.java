package org.streamstack.media.process;

import java.util.concurrent.TimeUnit;

/** Ending the processes a media node starts for its instances (Xvfb, the program, PulseAudio, parec). */
public final class ChildProcesses {

  /** How long a process has to end after SIGTERM before it is killed, and again after SIGKILL. */
  private static final long GRACE_SECONDS = 3;

  private ChildProcesses() {}

  /**
   * Ends {@code process} and everything it started (a program run through {@code sh -c} leaves
   * its children otherwise): SIGTERM first, SIGKILL for whatever is left after the grace period,
   * then waits for it once more. Returns early, killing, when the calling thread is interrupted.
   */
  public static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
