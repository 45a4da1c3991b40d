package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * The {@code c=} line (RFC 8866 5.7): {@code c=<nettype> <addrtype> <connection-address>}. With
 * ICE the address is the default candidate's, or {@code IN IP4 0.0.0.0} before any candidate is
 * known (RFC 8839 4.2.1.3, RFC 8829 5.2.1).
 */
public record Connection(String netType, String addrType, String address) {

  /** The placeholder of an offer whose candidates are trickled. */
  public static final Connection UNSPECIFIED = new Connection("IN", "IP4", "0.0.0.0");

  public Connection {
    Objects.requireNonNull(netType, "netType");
    Objects.requireNonNull(addrType, "addrType");
    Objects.requireNonNull(address, "address");
  }

  /** {@code IN IP4} or {@code IN IP6} by the literal's shape; no name is ever resolved. */
  public static Connection of(String ipLiteral) {
    return new Connection("IN", ipLiteral.indexOf(':') >= 0 ? "IP6" : "IP4", ipLiteral);
  }

  public static Connection parse(String value) throws SdpException {
    String[] f = value.trim().split(" +");
    if (f.length != 3 || f[0].isEmpty()) {
      throw new SdpException("c= line needs 3 fields: 'c=" + value + "'");
    }
    return new Connection(f[0], f[1], f[2]);
  }

  public SdpLine toLine() {
    return new SdpLine('c', toString());
  }

  @Override
  public String toString() {
    return netType + " " + addrType + " " + address;
  }
}
