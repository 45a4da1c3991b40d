package org.streamstack.media.sdp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The value of {@code a=fingerprint} (RFC 8122 5): a hash function name from the IANA "Hash
 * Function Textual Names" registry and the certificate's hash as colon-separated hex bytes,
 * uppercase when written (RFC 8122 5: "UHEX"); lowercase is accepted when read.
 *
 * <pre>
 * a=fingerprint:sha-256 46:FF:21:5C:...:5F:1C
 * </pre>
 */
public record Fingerprint(String algorithm, byte[] value) {

  public Fingerprint {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(value, "value");
    algorithm = algorithm.toLowerCase(Locale.ROOT);
    Integer expected = digestLength(algorithm);
    if (expected != null && expected != value.length) {
      throw new IllegalArgumentException(algorithm + " fingerprint needs " + expected + " bytes, got " + value.length);
    }
    value = value.clone();
  }

  /** The sha-256 fingerprint of a DER certificate, as the offer must carry it. */
  public static Fingerprint sha256Of(byte[] certificateDer) {
    return new Fingerprint("sha-256", digest("sha-256", certificateDer));
  }

  public static Fingerprint parse(String text) throws SdpException {
    String[] f = text.trim().split(" +");
    if (f.length != 2) throw new SdpException("a=fingerprint needs '<hash function> <hex bytes>': '" + text + "'");
    String algorithm = f[0].toLowerCase(Locale.ROOT);
    String[] hex = f[1].split(":", -1);
    byte[] bytes = new byte[hex.length];
    for (int i = 0; i < hex.length; i++) {
      if (hex[i].length() != 2 || Character.digit(hex[i].charAt(0), 16) < 0 || Character.digit(hex[i].charAt(1), 16) < 0) {
        throw new SdpException("a=fingerprint has a bad hex byte '" + hex[i] + "'");
      }
      bytes[i] = (byte) Integer.parseInt(hex[i], 16);
    }
    Integer expected = digestLength(algorithm);
    if (expected != null && expected != bytes.length) {
      throw new SdpException("a=fingerprint " + algorithm + " needs " + expected + " bytes, found " + bytes.length);
    }
    return new Fingerprint(algorithm, bytes);
  }

  /** Whether this hash function is one Java computes (sha-1 and the sha-2 family). */
  public boolean isKnownAlgorithm() {
    return digestLength(algorithm) != null;
  }

  /**
   * Whether a peer certificate (DER) hashes to this fingerprint. The DTLS layer must check this:
   * a handshake without it completes too (WEBRTC.md).
   */
  public boolean matches(byte[] certificateDer) {
    return isKnownAlgorithm() && MessageDigest.isEqual(value, digest(algorithm, certificateDer));
  }

  public SdpLine toLine() {
    return SdpLine.attribute("fingerprint", toString());
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fingerprint f && f.algorithm.equals(algorithm) && Arrays.equals(f.value, value);
  }

  @Override
  public int hashCode() {
    return algorithm.hashCode() * 31 + Arrays.hashCode(value);
  }

  /** {@code sha-256 AB:CD:...}, the attribute's value. */
  @Override
  public String toString() {
    return algorithm + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(value);
  }

  private static Integer digestLength(String algorithm) {
    return switch (algorithm) {
      case "sha-1" -> 20;
      case "sha-224" -> 28;
      case "sha-256" -> 32;
      case "sha-384" -> 48;
      case "sha-512" -> 64;
      default -> null;
    };
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT)).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }
}
