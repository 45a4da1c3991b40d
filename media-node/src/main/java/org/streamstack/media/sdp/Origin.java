package org.streamstack.media.sdp;

import java.util.Objects;

/**
 * The {@code o=} line (RFC 8866 5.2):
 *
 * <pre>
 * o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;unicast-address&gt;
 * </pre>
 *
 * sess-id and sess-version are 1*DIGIT (RFC 8866 9) and kept as text: nothing bounds their length.
 */
public record Origin(
    String username, String sessionId, String sessionVersion, String netType, String addrType, String address) {

  public Origin {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(netType, "netType");
    Objects.requireNonNull(addrType, "addrType");
    Objects.requireNonNull(address, "address");
    if (!Tokens.isDigits(sessionId)) throw new IllegalArgumentException("sess-id must be digits: " + sessionId);
    if (!Tokens.isDigits(sessionVersion)) throw new IllegalArgumentException("sess-version must be digits: " + sessionVersion);
  }

  public static Origin parse(String value) throws SdpException {
    String[] f = value.trim().split(" +");
    if (f.length != 6) throw new SdpException("o= line needs 6 fields, found " + f.length + ": 'o=" + value + "'");
    if (!Tokens.isDigits(f[1])) throw new SdpException("o= line has a bad session id '" + f[1] + "'");
    if (!Tokens.isDigits(f[2])) throw new SdpException("o= line has a bad session version '" + f[2] + "'");
    return new Origin(f[0], f[1], f[2], f[3], f[4], f[5]);
  }

  public SdpLine toLine() {
    return new SdpLine('o', toString());
  }

  @Override
  public String toString() {
    return String.join(" ", username, sessionId, sessionVersion, netType, addrType, address);
  }
}
