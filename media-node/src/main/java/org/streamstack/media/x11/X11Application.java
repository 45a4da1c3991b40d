package org.streamstack.media.x11;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.app.FrameSource;
import org.streamstack.media.audio.AudioFrame;
import org.streamstack.media.process.ChildProcesses;
import org.streamstack.media.process.OutputRelay;
import org.streamstack.media.sound.PulseAudioServer;
import org.streamstack.media.sound.SoundCapture;
import org.streamstack.media.video.VideoFrame;
import org.streamstack.protocol.control.ControlMessage;

/**
 * An X11 program as an instance's application: its own {@link VirtualDisplay} of the stream's
 * size, the program started on it, its screen grabbed by {@link X11Capture} and the client's
 * input injected by {@link X11Input}. Its sound goes to a {@link PulseAudioServer} of its own (the
 * program gets {@code PULSE_SERVER}), recorded by a {@link SoundCapture} when captured; a node
 * without PulseAudio (or parec) runs the program without sound, said once in the log. What the
 * program writes on stdout and stderr goes to the node's log, a line at a time. The program's
 * {@link ProgramMessageChannel} (its socket's path in {@value ProgramMessageChannel#ENVIRONMENT_VARIABLE})
 * carries the client's out-of-band messages and gamepad events to it (no virtual gamepad here) and
 * its own messages to the clients. {@link #exited}
 * completes with its exit status when it ends (the instance ends with it); {@link #close} stops the
 * program, then its message channel, its recorders, its sound server and its display.
 */
public final class X11Application implements FrameSource {

  private static final Logger LOG = LoggerFactory.getLogger(X11Application.class);

  private final String instanceId;
  private final VirtualDisplay display;
  private final Process program;
  /** Replaced when the screen is resized; grabs and the swap hold {@link #captureLock}. */
  private X11Capture capture;
  private final Object captureLock = new Object();
  private final X11Input input;
  private final ProgramMessageChannel messages;
  private final PulseAudioServer soundServer;
  private final SoundCapture soundCapture;
  private final CompletableFuture<Integer> exited;
  private final AtomicBoolean grabFailureLogged = new AtomicBoolean();

  private X11Application(String instanceId, VirtualDisplay display, Process program, X11Capture capture,
      PulseAudioServer soundServer, SoundCapture soundCapture, ProgramMessageChannel messages) {
    this.instanceId = instanceId;
    this.messages = messages;
    this.display = display;
    this.program = program;
    this.capture = capture;
    this.soundServer = soundServer;
    this.soundCapture = soundCapture;
    this.input = new X11Input(instanceId, display.connection(), display.width(), display.height());
    this.exited = program.onExit().thenApply(Process::exitValue);
  }

  /**
   * Starts a display of {@code width x height}, the program on it and, when {@code capture}, the
   * grabber of its screen.
   *
   * @param xvfb the X server to run ({@code Xvfb}, found on the PATH)
   * @throws IOException when the display, the program or the grabber cannot start; nothing is left running
   */
  public static X11Application start(String instanceId, X11Program program, String xvfb, int width, int height,
      boolean capture) throws IOException {
    return start(instanceId, program, xvfb, PulseAudioServer.DEFAULT_BINARY, width, height, capture,
        ProgramMessageChannel.Listener.NONE);
  }

  /**
   * As {@link #start(String, X11Program, String, int, int, boolean)}, with its sound server
   * {@code pulseaudio} (the daemon to run; one that cannot start means no sound, not no instance).
   */
  public static X11Application start(String instanceId, X11Program program, String xvfb, String pulseaudio,
      int width, int height, boolean capture) throws IOException {
    return start(instanceId, program, xvfb, pulseaudio, width, height, capture, ProgramMessageChannel.Listener.NONE);
  }

  /**
   * As {@link #start(String, X11Program, String, String, int, int, boolean)}, the program's
   * messages to the clients told to {@code fromProgram} (on the message channel's threads).
   */
  public static X11Application start(String instanceId, X11Program program, String xvfb, String pulseaudio,
      int width, int height, boolean capture, ProgramMessageChannel.Listener fromProgram) throws IOException {
    VirtualDisplay display = VirtualDisplay.start(xvfb, width, height);
    ProgramMessageChannel messages = null;
    Process process = null;
    PulseAudioServer soundServer = null;
    SoundCapture soundCapture = null;
    try {
      // Sound nobody records would only cost a daemon: an instance that does not stream gets none.
      soundServer = capture ? startSoundServer(instanceId, pulseaudio) : null;
      messages = ProgramMessageChannel.open(instanceId, fromProgram);
      ProcessBuilder builder = new ProcessBuilder(program.command()).redirectErrorStream(true);
      if (program.workingDirectory() != null) builder.directory(program.workingDirectory().toFile());
      builder.environment().putAll(program.environment());
      builder.environment().put("DISPLAY", display.name());
      builder.environment().put("XAUTHORITY", display.xauthorityFile().toString());
      builder.environment().put(ProgramMessageChannel.ENVIRONMENT_VARIABLE, messages.socket().toString());
      if (soundServer != null) {
        builder.environment().putAll(soundServer.clientEnvironment());
      } else {
        // Not the node user's own sound server either (another instance's sound would mix there):
        // a socket that cannot exist, so that the program finds no sound server at once.
        builder.environment().put("PULSE_SERVER", "unix:/dev/null/no-sound-server");
      }
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot run " + program.command().get(0) + ": " + e.getMessage(), e);
      }
      relayOutput(instanceId, process);
      X11Capture grabber = capture ? X11Capture.open(display.name(), width, height) : null;
      if (capture && soundServer != null) soundCapture = startSoundCapture(instanceId, soundServer);
      LOG.info("Instance {}: program {} (pid {}) runs on display {} {}x{}{}", instanceId, program.command(),
          process.pid(), display.name(), width, height, soundServer == null ? ", without sound" : "");
      return new X11Application(instanceId, display, process, grabber, soundServer, soundCapture, messages);
    } catch (IOException | RuntimeException e) {
      if (process != null) ChildProcesses.stop(process);
      if (messages != null) messages.close();
      if (soundCapture != null) soundCapture.close();
      if (soundServer != null) soundServer.close();
      display.close();
      throw e;
    }
  }

  private static PulseAudioServer startSoundServer(String instanceId, String pulseaudio) {
    try {
      return PulseAudioServer.start(instanceId, pulseaudio);
    } catch (IOException e) {
      LOG.warn("Instance {}: the program runs without sound, its audio track carries silence: {}",
          instanceId, e.getMessage());
      return null;
    }
  }

  private static SoundCapture startSoundCapture(String instanceId, PulseAudioServer soundServer) {
    try {
      return SoundCapture.start(instanceId, soundServer, SoundCapture.DEFAULT_BINARY);
    } catch (IOException e) {
      LOG.warn("Instance {}: the program's sound is not recorded, its audio track carries silence: {}",
          instanceId, e.getMessage());
      return null;
    }
  }

  private static void relayOutput(String instanceId, Process process) {
    OutputRelay.start("x11-output-" + instanceId, process.getInputStream(),
        line -> LOG.info("Instance {} program: {}", instanceId, line));
  }

  /** Completes with the program's exit status when it ends, whoever ended it. */
  public CompletableFuture<Integer> exited() {
    return exited;
  }

  public VirtualDisplay display() {
    return display;
  }

  /**
   * Resizes the display through RandR (the program sees its screen change size, as on a monitor
   * changing mode), then reopens the grabber at the new size. Grabs wait meanwhile: none sees a
   * screen of one size through a grabber of the other.
   */
  @Override
  public X11Application resized(int width, int height) throws IOException {
    synchronized (captureLock) {
      int oldWidth = display.width();
      int oldHeight = display.height();
      display.resize(width, height);
      if (capture != null) {
        X11Capture resizedCapture;
        try {
          resizedCapture = X11Capture.open(display.name(), width, height);
        } catch (IOException e) {
          // Back to the size the grabber has: the stream goes on as it was.
          display.resize(oldWidth, oldHeight);
          throw e;
        }
        capture.close();
        capture = resizedCapture;
        grabFailureLogged.set(false);
      }
      input.setSize(width, height);
    }
    LOG.info("Instance {}: display {} and its capture now {}x{}", instanceId, display.name(), width, height);
    return this;
  }

  @Override
  public VideoFrame render(long frameNumber, long captureTimeMillis) {
    try {
      synchronized (captureLock) {
        if (capture == null) return null;
        return capture.grab(frameNumber, captureTimeMillis);
      }
    } catch (IOException e) {
      if (grabFailureLogged.compareAndSet(false, true)) {
        LOG.warn("Instance {}: no picture from display {} any more: {}", instanceId, display.name(), e.getMessage());
      }
      return null;
    }
  }

  /**
   * The next 20 ms of the program's sound, at the audio clock's slot: what it played, or silence
   * when it played nothing, has no sound server or is not captured.
   */
  public AudioFrame sound(long frameNumber, long captureTimeMillis) {
    if (soundCapture == null) return AudioFrame.silence(captureTimeMillis, frameNumber);
    return soundCapture.next(frameNumber, captureTimeMillis);
  }

  /** Its sound server, if it has one. */
  public Optional<PulseAudioServer> soundServer() {
    return Optional.ofNullable(soundServer);
  }

  /** The recorder of its sound, if captured. */
  public Optional<SoundCapture> soundCapture() {
    return Optional.ofNullable(soundCapture);
  }

  /**
   * The client's input through XTEST; gamepad events, which X11 has no equivalent of (and no
   * virtual gamepad is made here), and out-of-band messages go to the program's message channel.
   */
  @Override
  public void apply(ControlMessage message) {
    if (message instanceof ControlMessage.GamepadButton || message instanceof ControlMessage.GamepadAxes
        || message instanceof ControlMessage.OutOfBand) {
      messages.send(message);
    } else {
      input.apply(message);
    }
  }

  /**
   * Stops the program (and what it started), then its message channel, the grabbers, the sound
   * server and the display.
   */
  @Override
  public void close() {
    ChildProcesses.stop(program);
    messages.close();
    synchronized (captureLock) {
      if (capture != null) capture.close();
    }
    if (soundCapture != null) soundCapture.close();
    if (soundServer != null) soundServer.close();
    display.close();
  }

}
