package org.streamstack.cluster.gateway.regions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals from configuration and headers, parsed without ever asking DNS: a string
 * that is not an IPv4 dotted quad or an IPv6 literal is not an address ({@link InetAddress#getByName}
 * would resolve it as a host name, blocking, and let a header make the gateway query DNS).
 */
public final class IpLiteral {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /** Hex groups and colons, possibly ending in an embedded dotted quad (RFC 4291 2.2). */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  private IpLiteral() {}

  /** The address {@code text} spells, or empty when it spells none. */
  public static Optional<InetAddress> parse(String text) {
    if (text == null) return Optional.empty();
    String literal = text.trim();
    boolean v4 = IPV4.matcher(literal).matches();
    if (v4) {
      for (String part : literal.split("\\.")) {
        if (Integer.parseInt(part) > 255) return Optional.empty();
      }
    } else if (!IPV6.matcher(literal).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(literal));
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code address} as people write it: IPv4 dotted, IPv6 in the RFC 5952 4 form (lower case, no
   * leading zeros, the longest run of two or more zero groups, the first of equals, as "::").
   */
  public static String format(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) return address.getHostAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) i++;
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') text.append(':');
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /**
   * An address as X-Forwarded-For entries carry it: a literal, an IPv4 literal with a port, or a
   * bracketed IPv6 literal with or without a port ({@code [2001:db8::1]:443}).
   */
  public static Optional<InetAddress> parseHop(String text) {
    if (text == null) return Optional.empty();
    String hop = text.trim();
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      if (close < 0) return Optional.empty();
      String rest = hop.substring(close + 1);
      if (!rest.isEmpty() && !rest.matches(":\\d{1,5}")) return Optional.empty();
      return parse(hop.substring(1, close));
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && colon == hop.lastIndexOf(':') && hop.substring(colon + 1).matches("\\d{1,5}")) {
      return parse(hop.substring(0, colon));
    }
    return parse(hop);
  }
}
