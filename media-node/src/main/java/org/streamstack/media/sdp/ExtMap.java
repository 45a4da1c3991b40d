package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * The value of {@code a=extmap} (RFC 8285 5 and 7):
 *
 * <pre>
 * a=extmap:&lt;value&gt;["/"&lt;direction&gt;] &lt;URI&gt; &lt;extensionattributes&gt;
 * </pre>
 *
 * Ids 1-14 fit the one-byte header form, 1-255 the two-byte form (RFC 8285 4.2, 4.3).
 * {@code direction} and {@code attributes} are null when absent.
 */
public record ExtMap(int id, String direction, String uri, String attributes) {

  /** Abs-send-time, the header extension REMB relies on (webrtc.org, not an RFC). */
  public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

  public ExtMap {
    Objects.requireNonNull(uri, "uri");
    if (id < 1 || id > 255) throw new IllegalArgumentException("extmap id out of range: " + id);
  }

  public ExtMap(int id, String uri) {
    this(id, null, uri, null);
  }

  public static ExtMap parse(String value) throws SdpException {
    String[] f = value.trim().split(" +", 3);
    if (f.length < 2) throw new SdpException("a=extmap needs '<id> <uri>': '" + value + "'");
    String idText = f[0];
    String direction = null;
    int slash = idText.indexOf('/');
    if (slash >= 0) {
      direction = idText.substring(slash + 1);
      idText = idText.substring(0, slash);
      if (Direction.ofAttribute(direction) == null) throw new SdpException("a=extmap has a bad direction '" + direction + "'");
    }
    long id = Tokens.number(idText, 1, 255);
    if (id < 0) throw new SdpException("a=extmap has a bad id '" + idText + "'");
    return new ExtMap((int) id, direction, f[1], f.length == 3 ? f[2] : null);
  }

  public SdpLine toLine() {
    return SdpLine.attribute("extmap", toString());
  }

  @Override
  public String toString() {
    return id + (direction == null ? "" : "/" + direction) + " " + uri + (attributes == null ? "" : " " + attributes);
  }
}
