package org.streamstack.cluster.gateway.regions;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation (RFC 4632 3.1, RFC 4291 2.3): an address and the number
 * of its leading bits that name the network. A bare address is the network of that one address.
 */
public record Cidr(InetAddress network, int prefixLength) {

  public Cidr {
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + bits);
    }
  }

  /** Parses {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a bare address; the message says what is wrong. */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress address = IpLiteral.parse(addressPart).orElseThrow(() ->
        new IllegalArgumentException("'" + text + "' is not a network: '" + addressPart + "' is no IP address"));
    int bits = address.getAddress().length * 8;
    int length = bits;
    if (slash >= 0) {
      String lengthPart = trimmed.substring(slash + 1);
      if (!lengthPart.matches("\\d{1,3}") || Integer.parseInt(lengthPart) > bits) {
        throw new IllegalArgumentException("'" + text + "' is not a network: the prefix length must be 0-" + bits
            + (address instanceof Inet4Address ? " for IPv4" : " for IPv6"));
      }
      length = Integer.parseInt(lengthPart);
    }
    Cidr cidr = new Cidr(address, length);
    if (!Arrays.equals(masked(address.getAddress(), length), address.getAddress())) {
      // 10.1.2.3/8 is most likely a typing error: refused, not silently widened.
      throw new IllegalArgumentException("'" + text + "' has bits set past its /" + length + " prefix; the network is "
          + cidr.canonical());
    }
    return cidr;
  }

  /** Whether {@code address} lies in this network (an IPv4 address never lies in an IPv6 network). */
  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.getAddress().length) return false;
    return Arrays.equals(masked(bytes, prefixLength), network.getAddress());
  }

  /** The network written with its host bits cleared. */
  public String canonical() {
    try {
      return IpLiteral.format(InetAddress.getByAddress(masked(network.getAddress(), prefixLength))) + "/" + prefixLength;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return IpLiteral.format(network) + "/" + prefixLength;
  }

  /** {@code address} with every bit past the first {@code length} cleared. */
  static byte[] masked(byte[] address, int length) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      masked[i] &= (byte) (0xFF << (8 - keep));
    }
    return masked;
  }
}
