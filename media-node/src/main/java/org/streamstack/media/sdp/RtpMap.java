package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * The value of {@code a=rtpmap} (RFC 8866 6.6):
 *
 * <pre>
 * a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;encoding parameters&gt;]
 * </pre>
 *
 * For audio the encoding parameter is the channel count; {@code channels} is 0 when it is absent.
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {

  public RtpMap {
    Objects.requireNonNull(encodingName, "encodingName");
    if (payloadType < 0 || payloadType > 127) throw new IllegalArgumentException("payload type out of range: " + payloadType);
    if (clockRate <= 0) throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
    if (channels < 0) throw new IllegalArgumentException("channels must not be negative: " + channels);
  }

  public static RtpMap parse(String value) throws SdpException {
    int space = value.indexOf(' ');
    if (space < 0) throw new SdpException("a=rtpmap needs '<payload type> <encoding>/<clock rate>': '" + value + "'");
    long pt = Tokens.number(value.substring(0, space), 0, 127);
    if (pt < 0) throw new SdpException("a=rtpmap has a bad payload type '" + value.substring(0, space) + "'");
    String[] parts = value.substring(space + 1).trim().split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
      throw new SdpException("a=rtpmap needs '<encoding>/<clock rate>': '" + value + "'");
    }
    long clock = Tokens.number(parts[1], 1, Integer.MAX_VALUE);
    if (clock < 0) throw new SdpException("a=rtpmap has a bad clock rate '" + parts[1] + "'");
    long channels = parts.length == 3 ? Tokens.number(parts[2], 1, 255) : 0;
    if (channels < 0) throw new SdpException("a=rtpmap has a bad channel count '" + parts[2] + "'");
    return new RtpMap((int) pt, parts[0], (int) clock, (int) channels);
  }

  public SdpLine toLine() {
    return SdpLine.attribute("rtpmap", toString());
  }

  @Override
  public String toString() {
    return payloadType + " " + encodingName + "/" + clockRate + (channels > 0 ? "/" + channels : "");
  }
}
