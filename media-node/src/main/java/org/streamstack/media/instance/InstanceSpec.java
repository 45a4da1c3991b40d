package org.streamstack.media.instance;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.streamstack.media.app.LatencyProbe;
import org.streamstack.media.encoder.EncoderPreference;
import org.streamstack.media.video.VideoCodec;
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
 */
public record InstanceSpec(String instanceId, String sessionId, String socketUrl, int width, int height, int fps,
    List<VideoCodec> videoCodecs, EncoderPreference encoder) {

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
        EncoderPreference.AUTO);
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
    checkSource(application.source());
    Screen screen = launch.screen() == null ? defaults : launch.screen().orDefaults(defaults);
    checkScreen(screen);
    return new InstanceSpec(launch.instanceId(), launch.sessionId(), socketUrl(launch.instanceSocketUrl()),
        screen.width(), screen.height(), screen.fps(), videoCodecs(application.videoCodecs()),
        encoder(application.encoder()));
  }

  private static void checkSource(String source) throws InvalidLaunchException {
    String name = source == null ? "" : source.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case SYNTHETIC -> {
        // the one kind this node runs
      }
      case X11 -> throw new InvalidLaunchException(
          "application.source x11 is not supported by this media node yet; only synthetic is");
      case "" -> throw new InvalidLaunchException("application.source is missing; this media node runs synthetic");
      default -> throw new InvalidLaunchException(
          "application.source '" + source + "' is unknown; this media node runs synthetic");
    }
  }

  private static void checkScreen(Screen screen) throws InvalidLaunchException {
    String problem = screen.problem();
    if (problem != null) throw new InvalidLaunchException(problem);
    if (screen.width() % 2 != 0 || screen.height() % 2 != 0) {
      throw new InvalidLaunchException("screen.width and screen.height must be even (pictures are encoded 4:2:0): "
          + screen.width() + "x" + screen.height());
    }
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
