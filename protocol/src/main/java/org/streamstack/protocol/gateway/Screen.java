package org.streamstack.protocol.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The display an instance renders for a session (PROTOCOL.md 3). Missing fields take the gateway's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Screen(Integer width, Integer height, Integer fps, Integer density) {

  public static final Screen DEFAULT = new Screen(1280, 720, 60, 240);

  /** This screen with every missing field taken from {@code defaults}. */
  public Screen orDefaults(Screen defaults) {
    return new Screen(
        width != null ? width : defaults.width,
        height != null ? height : defaults.height,
        fps != null ? fps : defaults.fps,
        density != null ? density : defaults.density);
  }

  /** Why this screen cannot be streamed, or null when it can. */
  public String problem() {
    if (width != null && (width < 16 || width > 7680)) return "screen.width must be between 16 and 7680";
    if (height != null && (height < 16 || height > 4320)) return "screen.height must be between 16 and 4320";
    if (fps != null && (fps < 1 || fps > 240)) return "screen.fps must be between 1 and 240";
    if (density != null && (density < 1 || density > 1000)) return "screen.density must be between 1 and 1000";
    // Pictures are encoded 4:2:0: a size the instance could never take is refused here, not after
    // the session (or a join's new screen) has been accepted.
    if ((width != null && width % 2 != 0) || (height != null && height % 2 != 0)) {
      return "screen.width and screen.height must be even (pictures are encoded 4:2:0)";
    }
    return null;
  }
}
