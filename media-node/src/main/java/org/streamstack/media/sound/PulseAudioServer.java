package org.streamstack.media.sound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.process.ChildProcesses;

/**
 * One PulseAudio daemon of its own for one instance, so that instances never hear each other: its
 * runtime, state and home directories in a temporary directory, one null sink named {@value
 * #SINK} (the default sink, being the only one) and a native-protocol socket in that directory
 * with anonymous access. A program gets {@link #clientEnvironment()} ({@code PULSE_SERVER}) and
 * plays into the sink; {@link SoundCapture} records the sink's monitor.
 *
 * <p>The daemon runs in user mode even when the node runs as root ({@code --system} would share
 * one daemon between everything): PulseAudio warns about root and goes on. {@code -n} skips the
 * default script, so it opens no hardware, D-Bus or X11 modules; its own home directory keeps it
 * away from the node user's configuration and cookie.
 */
public final class PulseAudioServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PulseAudioServer.class);

  /** The name of the instance's sink; its monitor source is {@code instance.monitor}. */
  public static final String SINK = "instance";
  /** The daemon from the PATH (Debian package {@code pulseaudio}). */
  public static final String DEFAULT_BINARY = "pulseaudio";

  private static final long START_TIMEOUT_MILLIS = 10_000;
  private static final int KEPT_LOG_LINES = 20;

  private final String instanceId;
  private final Process daemon;
  private final Path directory;
  private final Path socket;

  private PulseAudioServer(String instanceId, Process daemon, Path directory, Path socket) {
    this.instanceId = instanceId;
    this.daemon = daemon;
    this.directory = directory;
    this.socket = socket;
  }

  /**
   * Starts a daemon and waits until its socket answers.
   *
   * @param binary the daemon to run, {@link #DEFAULT_BINARY} from the PATH
   * @throws IOException when it cannot start; nothing is left running or on disk
   */
  public static PulseAudioServer start(String instanceId, String binary) throws IOException {
    Path directory = Files.createTempDirectory("streamstack-pulse-");
    Process daemon = null;
    try {
      Path runtime = Files.createDirectory(directory.resolve("runtime"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path home = Files.createDirectory(directory.resolve("home"));
      Path socket = directory.resolve("native");
      ProcessBuilder builder = new ProcessBuilder(List.of(binary,
          "--daemonize=no", "--system=false", "-n", "--exit-idle-time=-1", "--disallow-exit",
          "--use-pid-file=false", "--realtime=false", "--high-priority=false", "--no-cpu-limit",
          // 192 kB/s of sound needs no shared memory; with it, root clients trip over memfd ids.
          "--disable-shm=true",
          "--log-target=stderr",
          "--load=module-null-sink sink_name=" + SINK + " rate=48000 channels=2",
          "--load=module-native-protocol-unix socket=" + socket + " auth-anonymous=1"))
          .redirectErrorStream(true)
          .directory(directory.toFile());
      Map<String, String> env = builder.environment();
      env.put("HOME", home.toString());
      env.put("XDG_RUNTIME_DIR", runtime.toString());
      env.put("PULSE_RUNTIME_PATH", runtime.toString());
      env.put("PULSE_STATE_PATH", directory.resolve("state").toString());
      env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
      // No X11 and no session bus: it would try to reach them and log about it.
      env.remove("DISPLAY");
      env.remove("DBUS_SESSION_BUS_ADDRESS");
      env.remove("PULSE_SERVER");
      try {
        daemon = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot run " + binary + " (Debian package pulseaudio): " + e.getMessage(), e);
      }
      Deque<String> lastLines = relayLog(instanceId, daemon);
      long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
      while (!Files.exists(socket)) {
        if (!daemon.isAlive()) {
          throw new IOException("pulseaudio exited with status " + daemon.exitValue() + " at start: "
              + String.join(" / ", snapshot(lastLines)));
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IOException("pulseaudio did not open its socket within " + START_TIMEOUT_MILLIS + " ms");
        }
        sleep(10);
      }
      LOG.info("Instance {}: sound server pulseaudio (pid {}) on {}", instanceId, daemon.pid(), socket);
      return new PulseAudioServer(instanceId, daemon, directory, socket);
    } catch (IOException | RuntimeException e) {
      if (daemon != null) ChildProcesses.stop(daemon);
      deleteDirectory(directory);
      throw e;
    }
  }

  /** Relays the daemon's output to the log: errors as warnings, the rest (root warnings...) at debug. */
  private static Deque<String> relayLog(String instanceId, Process daemon) {
    Deque<String> lastLines = new ArrayDeque<>();
    Thread relay = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (lastLines) {
            if (lastLines.size() == KEPT_LOG_LINES) lastLines.removeFirst();
            lastLines.addLast(line);
          }
          if (line.startsWith("E:")) {
            LOG.warn("Instance {} pulseaudio: {}", instanceId, line);
          } else {
            LOG.debug("Instance {} pulseaudio: {}", instanceId, line);
          }
        }
      } catch (IOException e) {
        // the daemon ended and its pipe closed
      }
    }, "pulseaudio-output-" + instanceId);
    relay.setDaemon(true);
    relay.start();
    return lastLines;
  }

  private static List<String> snapshot(Deque<String> lines) {
    // The relay thread may not have read the last lines yet.
    sleep(100);
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The server address for clients: {@code unix:<socket>}. */
  public String address() {
    return "unix:" + socket;
  }

  /** What a program needs in its environment to play into this server's sink. */
  public Map<String, String> clientEnvironment() {
    return Map.of("PULSE_SERVER", address());
  }

  /** The daemon's process, so that its owner can watch it. */
  public ProcessHandle process() {
    return daemon.toHandle();
  }

  public boolean isAlive() {
    return daemon.isAlive();
  }

  /** Stops the daemon and removes its directory. */
  @Override
  public void close() {
    ChildProcesses.stop(daemon);
    deleteDirectory(directory);
    LOG.debug("Instance {}: sound server stopped", instanceId);
  }

  private static void deleteDirectory(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.debug("Could not remove {}: {}", directory, e.getMessage());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
