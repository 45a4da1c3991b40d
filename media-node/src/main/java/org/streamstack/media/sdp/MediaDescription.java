package org.streamstack.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A media section: its {@code m=} line (RFC 8866 5.14) and the lines after it up to the next
 * {@code m=}, in order.
 *
 * <pre>
 * m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...
 * </pre>
 *
 * {@code portCount} is 0 when the m= line has no {@code /<number of ports>}. Port 0 in an answer
 * rejects the section (RFC 3264 6).
 */
public record MediaDescription(
    String media, int port, int portCount, String protocol, List<String> formats, List<SdpLine> lines)
    implements SdpSection {

  public MediaDescription {
    Objects.requireNonNull(media, "media");
    Objects.requireNonNull(protocol, "protocol");
    formats = List.copyOf(formats);
    lines = List.copyOf(lines);
    String problem = problem(media, port, portCount, protocol, formats);
    if (problem != null) throw new IllegalArgumentException(problem);
  }

  /** Reads the value of an {@code m=} line; the section's other lines are given apart. */
  static MediaDescription parse(String mLine, List<SdpLine> lines) throws SdpException {
    String[] f = mLine.trim().split(" +");
    if (f.length < 3 || f[0].isEmpty()) throw new SdpException("m= line needs '<media> <port> <proto> <fmt> ...': 'm=" + mLine + "'");
    String portText = f[1];
    int portCount = 0;
    int slash = portText.indexOf('/');
    if (slash >= 0) {
      long count = Tokens.number(portText.substring(slash + 1), 1, 65535);
      if (count < 0) throw new SdpException("m= line has a bad number of ports '" + portText + "'");
      portCount = (int) count;
      portText = portText.substring(0, slash);
    }
    long port = Tokens.number(portText, 0, 65535);
    if (port < 0) throw new SdpException("m= line has a bad port '" + f[1] + "'");
    if (f.length < 4) throw new SdpException("m= line has no formats: 'm=" + mLine + "'");
    List<String> formats = List.of(f).subList(3, f.length);
    String problem = problem(f[0], (int) port, portCount, f[2], formats);
    if (problem != null) throw new SdpException(problem);
    return new MediaDescription(f[0], (int) port, portCount, f[2], formats, lines);
  }

  /** Whether the formats are RTP payload types: the protocol is an RTP profile (RFC 8866 5.14). */
  public boolean isRtp() {
    return protocol.contains("RTP/");
  }

  /** Port 0: the answerer rejected this section (RFC 3264 6), or the offerer disabled it. */
  public boolean isRejected() {
    return port == 0;
  }

  /** The RTP payload types of the m= line, in order of preference. */
  public List<Integer> payloadTypes() {
    if (!isRtp()) return List.of();
    List<Integer> types = new ArrayList<>();
    for (String f : formats) types.add(Integer.parseInt(f));
    return types;
  }

  /** a=mid (RFC 9143 / RFC 5888). */
  public Optional<String> mid() {
    return attributeValue("mid");
  }

  public Optional<RtpMap> rtpMap(int payloadType) throws SdpException {
    for (String v : attributeValues("rtpmap")) {
      RtpMap map = RtpMap.parse(v);
      if (map.payloadType() == payloadType) return Optional.of(map);
    }
    return Optional.empty();
  }

  public List<RtpMap> rtpMaps() throws SdpException {
    List<RtpMap> maps = new ArrayList<>();
    for (String v : attributeValues("rtpmap")) maps.add(RtpMap.parse(v));
    return maps;
  }

  /** The parameters of {@code a=fmtp:<pt> <parameters>} (RFC 8866 6.15), if any. */
  public Optional<String> fmtp(int payloadType) {
    String prefix = payloadType + " ";
    for (String v : attributeValues("fmtp")) {
      if (v.startsWith(prefix)) return Optional.of(v.substring(prefix.length()).trim());
    }
    return Optional.empty();
  }

  /** The feedback types of {@code a=rtcp-fb:<pt> <type>} (RFC 4585 4.2), in order; "*" included. */
  public List<String> rtcpFeedback(int payloadType) {
    String prefix = payloadType + " ";
    List<String> feedback = new ArrayList<>();
    for (String v : attributeValues("rtcp-fb")) {
      if (v.startsWith(prefix)) feedback.add(v.substring(prefix.length()).trim());
      else if (v.startsWith("* ")) feedback.add(v.substring(2).trim());
    }
    return feedback;
  }

  public List<ExtMap> extMaps() throws SdpException {
    List<ExtMap> maps = new ArrayList<>();
    for (String v : attributeValues("extmap")) maps.add(ExtMap.parse(v));
    return maps;
  }

  /** The value of the m= line. */
  public String mediaLine() {
    StringBuilder s = new StringBuilder(media).append(' ').append(port);
    if (portCount > 0) s.append('/').append(portCount);
    s.append(' ').append(protocol);
    for (String f : formats) s.append(' ').append(f);
    return s.toString();
  }

  /** The section as CRLF-terminated lines. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("m=").append(mediaLine()).append("\r\n");
    for (SdpLine line : lines) s.append(line).append("\r\n");
    return s.toString();
  }

  private static String problem(String media, int port, int portCount, String protocol, List<String> formats) {
    if (!Tokens.isToken(media)) return "m= line has a bad media type '" + media + "'";
    if (port < 0 || port > 65535) return "m= line has a bad port '" + port + "'";
    if (portCount < 0) return "m= line has a bad number of ports '" + portCount + "'";
    if (protocol.isEmpty() || protocol.chars().anyMatch(c -> c != '/' && !Tokens.isTokenChar((char) c))) {
      return "m= line has a bad protocol '" + protocol + "'";
    }
    if (formats.isEmpty()) return "m= line has no formats";
    boolean rtp = protocol.contains("RTP/");
    for (String f : formats) {
      if (rtp && Tokens.number(f, 0, 127) < 0) return "m= line has a bad RTP payload type '" + f + "'";
      if (!Tokens.isToken(f)) return "m= line has a bad format '" + f + "'";
    }
    return null;
  }
}
