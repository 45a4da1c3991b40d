package org.streamstack.media.sdp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An ICE candidate, the value of {@code a=candidate} (RFC 8839 5.1):
 *
 * <pre>
 * candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                       connection-address SP port SP "typ" SP cand-type
 *                       [SP "raddr" SP connection-address] [SP "rport" SP port]
 *                       *(SP extension-att-name SP extension-att-value)
 * foundation          = 1*32ice-char        component-id = 1*3DIGIT
 * priority            = 1*10DIGIT           cand-type    = "host" / "srflx" / "prflx" / "relay"
 * </pre>
 *
 * <p>Extensions (Chromium's {@code generation}, {@code ufrag}, {@code network-id},
 * {@code network-cost}; RFC 6544's {@code tcptype}) are kept in order. {@code relatedAddress} is
 * null and {@code relatedPort} -1 when absent.
 *
 * <p>Three textual forms exist, and {@link #parse} takes all of them:
 * <ul>
 *   <li>the attribute value, as in an SDP {@code a=candidate:<value>} line: {@link #toAttributeValue()};
 *   <li>the {@code candidate:<value>} string of the browser's {@code RTCIceCandidate.candidate},
 *       which is what a {@code {"type":"candidate"}} frame carries in base64 (PROTOCOL.md 4):
 *       {@link #toString()}, {@link #toBase64()}. We send this form, because the browser client
 *       does {@code new RTCIceCandidate({candidate: atob(x), sdpMid, sdpMLineIndex})} and
 *       Chromium's parser requires the prefix there;
 *   <li>the whole SDP line {@code a=candidate:<value>}.
 * </ul>
 *
 * <p>An empty candidate string is the browser's end-of-candidates signal, not a candidate:
 * test {@link #isEndOfCandidates(String)} before parsing.
 */
public record IceCandidate(
    String foundation,
    int component,
    String transport,
    long priority,
    String address,
    int port,
    Type type,
    String relatedAddress,
    int relatedPort,
    Map<String, String> extensions) {

  /** cand-type (RFC 8839 5.1; RFC 8445 5.1.1). */
  public enum Type {
    HOST, SRFLX, PRFLX, RELAY;

    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Type ofToken(String token) {
      for (Type t : values()) {
        if (t.token().equalsIgnoreCase(token)) return t;
      }
      return null;
    }
  }

  public IceCandidate {
    Objects.requireNonNull(type, "type");
    extensions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(extensions, "extensions")));
    String problem = problem(foundation, component, transport, priority, address, port, relatedAddress, relatedPort, extensions);
    if (problem != null) throw new IllegalArgumentException(problem);
  }

  /** A candidate without related address or extensions. */
  public IceCandidate(String foundation, int component, String transport, long priority, String address, int port, Type type) {
    this(foundation, component, transport, priority, address, port, type, null, -1, Map.of());
  }

  /** A copy with one more extension (or a replaced one), e.g. {@code withExtension("ufrag", u)}. */
  public IceCandidate withExtension(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(extensions);
    more.put(name, value);
    return new IceCandidate(foundation, component, transport, priority, address, port, type, relatedAddress, relatedPort, more);
  }

  /** Whether a candidate string from the browser is the empty end-of-candidates marker. */
  public static boolean isEndOfCandidates(String candidate) {
    String s = candidate == null ? "" : candidate.trim();
    return s.isEmpty() || s.equals("candidate:") || s.equals("a=end-of-candidates") || s.equals("end-of-candidates");
  }

  /** Parses {@code <value>}, {@code candidate:<value>} or {@code a=candidate:<value>}. */
  public static IceCandidate parse(String text) throws SdpException {
    String s = text == null ? "" : text.strip();
    if (s.startsWith("a=")) s = s.substring(2);
    if (s.regionMatches(true, 0, "candidate:", 0, 10)) s = s.substring(10);
    if (s.isEmpty()) throw new SdpException("empty candidate");
    String[] f = s.split(" +");
    if (f.length < 8) throw new SdpException("candidate needs at least 8 fields, found " + f.length + ": '" + s + "'");
    String foundation = f[0];
    if (!Tokens.isIceChars(foundation) || foundation.length() > 32) {
      throw new SdpException("candidate has a bad foundation '" + foundation + "'");
    }
    long component = Tokens.number(f[1], 1, 256);
    if (component < 0 || f[1].length() > 3) throw new SdpException("candidate has a bad component id '" + f[1] + "'");
    String transport = f[2];
    if (!Tokens.isToken(transport)) throw new SdpException("candidate has a bad transport '" + transport + "'");
    long priority = Tokens.number(f[3], 0, 0xFFFF_FFFFL);
    if (priority < 0 || f[3].length() > 10) throw new SdpException("candidate has a bad priority '" + f[3] + "'");
    String address = f[4];
    long port = Tokens.number(f[5], 0, 65535);
    if (port < 0) throw new SdpException("candidate has a bad port '" + f[5] + "'");
    if (!f[6].equalsIgnoreCase("typ")) throw new SdpException("candidate needs 'typ' after the port, found '" + f[6] + "'");
    Type type = Type.ofToken(f[7]);
    if (type == null) throw new SdpException("candidate has an unknown type '" + f[7] + "'");

    int i = 8;
    String relatedAddress = null;
    int relatedPort = -1;
    if (i < f.length && f[i].equalsIgnoreCase("raddr")) {
      if (i + 1 >= f.length) throw new SdpException("candidate has 'raddr' without an address");
      relatedAddress = f[i + 1];
      i += 2;
    }
    if (i < f.length && f[i].equalsIgnoreCase("rport")) {
      if (i + 1 >= f.length) throw new SdpException("candidate has 'rport' without a port");
      long rport = Tokens.number(f[i + 1], 0, 65535);
      if (rport < 0) throw new SdpException("candidate has a bad related port '" + f[i + 1] + "'");
      relatedPort = (int) rport;
      i += 2;
    }
    Map<String, String> extensions = new LinkedHashMap<>();
    for (; i < f.length; i += 2) {
      if (i + 1 >= f.length) throw new SdpException("candidate extension '" + f[i] + "' has no value");
      if (extensions.containsKey(f[i])) throw new SdpException("candidate repeats the extension '" + f[i] + "'");
      extensions.put(f[i], f[i + 1]);
    }
    String problem = problem(foundation, (int) component, transport, priority, address, (int) port, relatedAddress, relatedPort, extensions);
    if (problem != null) throw new SdpException(problem);
    return new IceCandidate(foundation, (int) component, transport, priority, address, (int) port, type, relatedAddress, relatedPort, extensions);
  }

  /** Decodes the {@code candidate} field of a signalling frame and parses it. */
  public static IceCandidate fromBase64(String base64) throws SdpException {
    return parse(decodeBase64(base64));
  }

  /** The {@code candidate} field of a frame, base64 as the browser's {@code atob} reads it. */
  static String decodeBase64(String base64) throws SdpException {
    try {
      return new String(Base64.getDecoder().decode(base64 == null ? "" : base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SdpException("candidate is not valid base64", e);
    }
  }

  /**
   * Whether the address is an mDNS name ({@code <uuid>.local}, RFC 6762): such candidates are
   * dropped, never resolved; the browser's peer-reflexive candidate is the path (PROTOCOL.md 5).
   */
  public boolean isMdns() {
    String a = address.toLowerCase(Locale.ROOT);
    return a.endsWith(".local") || a.endsWith(".local.");
  }

  public boolean isUdp() {
    return transport.equalsIgnoreCase("udp");
  }

  public boolean isTcp() {
    return transport.equalsIgnoreCase("tcp");
  }

  public boolean hasRelatedAddress() {
    return relatedAddress != null;
  }

  /** RFC 6544 4.5: active, passive or so. */
  public Optional<String> tcpType() {
    return Optional.ofNullable(extensions.get("tcptype"));
  }

  public Optional<String> ufrag() {
    return Optional.ofNullable(extensions.get("ufrag"));
  }

  public OptionalInt generation() {
    return intExtension("generation");
  }

  public OptionalInt networkId() {
    return intExtension("network-id");
  }

  public OptionalInt networkCost() {
    return intExtension("network-cost");
  }

  /** The value of an {@code a=candidate} line, without any prefix. */
  public String toAttributeValue() {
    StringBuilder s = new StringBuilder()
        .append(foundation).append(' ')
        .append(component).append(' ')
        .append(transport).append(' ')
        .append(priority).append(' ')
        .append(address).append(' ')
        .append(port).append(" typ ")
        .append(type.token());
    if (relatedAddress != null) s.append(" raddr ").append(relatedAddress);
    if (relatedPort >= 0) s.append(" rport ").append(relatedPort);
    extensions.forEach((name, value) -> s.append(' ').append(name).append(' ').append(value));
    return s.toString();
  }

  public SdpLine toLine() {
    return SdpLine.attribute("candidate", toAttributeValue());
  }

  /** Base64 of {@link #toString()}: the {@code candidate} field we send in a frame. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code candidate:<value>}, the form of {@code RTCIceCandidate.candidate}. */
  @Override
  public String toString() {
    return "candidate:" + toAttributeValue();
  }

  private OptionalInt intExtension(String name) {
    String v = extensions.get(name);
    long n = v == null ? -1 : Tokens.number(v, 0, Integer.MAX_VALUE);
    return n < 0 ? OptionalInt.empty() : OptionalInt.of((int) n);
  }

  private static String problem(
      String foundation, int component, String transport, long priority, String address, int port,
      String relatedAddress, int relatedPort, Map<String, String> extensions) {
    if (!Tokens.isIceChars(foundation) || foundation.length() > 32) return "candidate has a bad foundation '" + foundation + "'";
    if (component < 1 || component > 256) return "candidate has a bad component id '" + component + "'";
    if (!Tokens.isToken(transport)) return "candidate has a bad transport '" + transport + "'";
    if (priority < 0 || priority > 0xFFFF_FFFFL) return "candidate has a bad priority '" + priority + "'";
    if (!isAddress(address)) return "candidate has a bad address '" + address + "'";
    if (port < 0 || port > 65535) return "candidate has a bad port '" + port + "'";
    if (relatedAddress != null && !isAddress(relatedAddress)) return "candidate has a bad related address '" + relatedAddress + "'";
    if (relatedPort < -1 || relatedPort > 65535) return "candidate has a bad related port '" + relatedPort + "'";
    for (Map.Entry<String, String> e : extensions.entrySet()) {
      if (!isExtensionWord(e.getKey()) || !isExtensionWord(e.getValue())) {
        return "candidate has a bad extension '" + e.getKey() + " " + e.getValue() + "'";
      }
    }
    return null;
  }

  /** An IPv4 or IPv6 literal or a host name (RFC 8839 5.1 allows FQDNs); never resolved here. */
  private static boolean isAddress(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == ':' || c == '-' || c == '_' || c == '%';
      if (!ok) return false;
    }
    return true;
  }

  /** extension-att-name and -value are 1*(%x01-09/%x0B-0C/%x0E-1F/%x21-FF): no space, CR, LF. */
  private static boolean isExtensionWord(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\r' || c == '\n' || c == 0) return false;
    }
    return true;
  }
}
