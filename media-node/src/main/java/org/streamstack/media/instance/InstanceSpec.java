package org.streamstack.media.instance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.streamstack.media.app.LatencyProbe;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.media.x11.ProgramMessageChannel;
import org.streamstack.media.x11.X11Program;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.nats.LaunchInstance;

/**
 * What one instance runs and where it streams, checked: the media node's reading of a
 * {@link LaunchInstance} from AMS, or of the manual {@code --instance-socket} flags.
 *
 * @param sessionId the gateway session it serves, for logs; null when not known
 * @param socketUrl the gateway's instance websocket, credential included; null: the application
 *     runs but nothing streams it
 * @param videoCodecs the codecs the application may be sent in, in the application's order
 * @param encoder the application's encoder preference ({@code auto} leaves it to the node)
 * @param program the X11 program the instance runs on a display of its own; null: the built-in
 *     synthetic application
 */
public record InstanceSpec(String instanceId, String sessionId, String socketUrl, int width, int height, int fps,
    List<VideoCodec> videoCodecs, EncoderPreference encoder, X11Program program) {

  /** The built-in application. */
  public static final String SYNTHETIC = "synthetic";
  /** An X11 program under its own display: issue 7. */
  public static final String X11 = "x11";

  /** Instance ids name actors, threads and log lines: kept to characters that are safe in all three. */
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  public InstanceSpec {
    Objects.requireNonNull(instanceId, "instanceId");
    videoCodecs = List.copyOf(videoCodecs);
    Objects.requireNonNull(encoder, "encoder");
    if (videoCodecs.isEmpty()) throw new IllegalArgumentException("an instance needs at least one video codec");
  }

  /** A synthetic instance started by hand: every codec, the node's encoder. */
  public static InstanceSpec manual(String instanceId, String socketUrl, int width, int height, int fps) {
    return new InstanceSpec(instanceId, null, socketUrl, width, height, fps, List.of(VideoCodec.values()),
        EncoderPreference.AUTO, null);
  }

  /**
   * This instance at the screen of a join (PROTOCOL.md 3), its missing fields kept, checked as
   * the screen of a launch is.
   *
   * @throws InvalidLaunchException when the instance cannot have that screen
   */
  public InstanceSpec resized(Screen requested) throws InvalidLaunchException {
    Screen screen = requested.orDefaults(new Screen(width, height, fps, null));
    checkScreen(screen, x11());
    return new InstanceSpec(instanceId, sessionId, socketUrl, screen.width(), screen.height(), screen.fps(),
        videoCodecs, encoder, program);
  }

  /** This instance with an X11 program instead of the synthetic application. */
  public InstanceSpec withProgram(X11Program x11Program) {
    return new InstanceSpec(instanceId, sessionId, socketUrl, width, height, fps, videoCodecs, encoder, x11Program);
  }

  /** Whether it runs an X11 program (else the synthetic application). */
  public boolean x11() {
    return program != null;
  }

  /** Whether a signalling socket connects this instance to a client. */
  public boolean streaming() {
    return socketUrl != null;
  }

  /**
   * Checks a launch request.
   *
   * @param defaults the screen used for fields the request leaves out
   * @throws InvalidLaunchException naming the field that cannot be used and why
   */
  public static InstanceSpec fromLaunch(LaunchInstance launch, Screen defaults) throws InvalidLaunchException {
    if (launch.instanceId() == null || !INSTANCE_ID.matcher(launch.instanceId()).matches()) {
      throw new InvalidLaunchException("instanceId must be 1 to 128 letters, digits, '.', '-' or '_'");
    }
    LaunchInstance.Application application = launch.application();
    if (application == null) throw new InvalidLaunchException("application is missing");
    boolean x11 = isX11(application.source());
    X11Program program = x11 ? program(application) : null;
    Screen screen = launch.screen() == null ? defaults : launch.screen().orDefaults(defaults);
    checkScreen(screen, x11);
    return new InstanceSpec(launch.instanceId(), launch.sessionId(), socketUrl(launch.instanceSocketUrl()),
        screen.width(), screen.height(), screen.fps(), videoCodecs(application.videoCodecs()),
        encoder(application.encoder()), program);
  }

  /** Whether the source names an X11 program; false for the synthetic application. */
  private static boolean isX11(String source) throws InvalidLaunchException {
    String name = source == null ? "" : source.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case SYNTHETIC -> {
        return false;
      }
      case X11 -> {
        return true;
      }
      case "" -> throw new InvalidLaunchException(
          "application.source is missing; this media node runs synthetic or x11");
      default -> throw new InvalidLaunchException(
          "application.source '" + source + "' is unknown; this media node runs synthetic or x11");
    }
  }

  /** Environment variable names, as POSIX shells accept them. */
  private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static X11Program program(LaunchInstance.Application application) throws InvalidLaunchException {
    List<String> command = application.command();
    if (command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
      throw new InvalidLaunchException("application.command must name the X11 program to run (source x11)");
    }
    for (String argument : command) {
      if (argument == null) throw new InvalidLaunchException("application.command must not hold null arguments");
    }
    Path directory = null;
    String workingDirectory = application.workingDirectory();
    if (workingDirectory != null && !workingDirectory.isBlank()) {
      directory = Path.of(workingDirectory);
      if (!directory.isAbsolute() || !Files.isDirectory(directory)) {
        throw new InvalidLaunchException("application.workingDirectory '" + workingDirectory
            + "' is not an absolute path to a directory on this media node");
      }
    }
    Map<String, String> environment = new LinkedHashMap<>();
    if (application.environment() != null) {
      for (Map.Entry<String, String> variable : application.environment().entrySet()) {
        String name = variable.getKey();
        if (name == null || !ENVIRONMENT_NAME.matcher(name).matches()) {
          throw new InvalidLaunchException("application.environment: '" + name + "' is not a variable name");
        }
        if (name.equals("DISPLAY") || name.equals("XAUTHORITY")
            || name.equals(ProgramMessageChannel.ENVIRONMENT_VARIABLE)) {
          throw new InvalidLaunchException("application.environment must not set " + name
              + ": the instance gets a display of its own");
        }
        environment.put(name, variable.getValue() == null ? "" : variable.getValue());
      }
    }
    return new X11Program(command, directory, environment);
  }

  private static void checkScreen(Screen screen, boolean x11) throws InvalidLaunchException {
    String problem = screen.problem();
    if (problem != null) throw new InvalidLaunchException(problem);
    if (screen.width() % 2 != 0 || screen.height() % 2 != 0) {
      throw new InvalidLaunchException("screen.width and screen.height must be even (pictures are encoded 4:2:0): "
          + screen.width() + "x" + screen.height());
    }
    if (x11) return;
    // The synthetic application draws its latency probe in the top rows: it needs that much room.
    int narrowest = 8 * LatencyProbe.CELL_SIZE;
    if (screen.width() < narrowest) {
      throw new InvalidLaunchException("screen.width must be at least " + narrowest + " for the synthetic application");
    }
    if (screen.height() < LatencyProbe.height(screen.width())) {
      throw new InvalidLaunchException("screen.height must be at least " + LatencyProbe.height(screen.width())
          + " for the synthetic application at width " + screen.width());
    }
  }

  private static String socketUrl(String url) throws InvalidLaunchException {
    if (url == null || url.isBlank()) return null;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("ws") || scheme.equals("wss")) && uri.getHost() != null) return url;
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidLaunchException("instanceSocketUrl must be a ws:// or wss:// URL");
  }

  private static List<VideoCodec> videoCodecs(List<String> names) throws InvalidLaunchException {
    if (names == null || names.isEmpty()) return List.of(VideoCodec.values());
    Set<VideoCodec> codecs = new LinkedHashSet<>();
    for (String name : names) {
      try {
        codecs.add(VideoCodec.parse(String.valueOf(name)));
      } catch (IllegalArgumentException e) {
        throw new InvalidLaunchException("application.videoCodecs: '" + name + "' is not a codec this node sends ("
            + String.join(", ", codecNames()) + ")");
      }
    }
    return List.copyOf(codecs);
  }

  private static List<String> codecNames() {
    List<String> names = new ArrayList<>();
    for (VideoCodec codec : VideoCodec.values()) names.add(codec.name().toLowerCase(Locale.ROOT));
    return names;
  }

  private static EncoderPreference encoder(String encoder) throws InvalidLaunchException {
    if (encoder == null || encoder.isBlank()) return EncoderPreference.AUTO;
    try {
      return EncoderPreference.parse(encoder);
    } catch (IllegalArgumentException e) {
      throw new InvalidLaunchException("application.encoder must be gpu, cpu or auto, not '" + encoder + "'");
    }
  }

  /** A launch request this node cannot run as asked; the message names the field. */
  public static final class InvalidLaunchException extends Exception {
    public InvalidLaunchException(String message) {
      super(message);
    }
  }
}
