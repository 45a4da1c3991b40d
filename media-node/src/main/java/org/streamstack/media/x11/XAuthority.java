package org.streamstack.media.x11;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * An X authority file of one entry: the MIT-MAGIC-COOKIE-1 of one display. The X server reads it
 * ({@code Xvfb -auth <file>}) and accepts only clients that present the cookie; the program of the
 * instance reads it through {@code XAUTHORITY}.
 *
 * <p>Format (libXau, {@code XauWriteAuth}): CARD16 family, then address, display number,
 * authorization name and data, each as a CARD16 length and its bytes; all big-endian. Family
 * FamilyWild (65535) with an empty address matches the display on any host, so the unix socket
 * connection finds it.
 */
public final class XAuthority {

  public static final int FAMILY_WILD = 0xFFFF;
  private static final SecureRandom RANDOM = new SecureRandom();

  private XAuthority() {}

  /** A fresh 16-byte cookie, as xauth generates. */
  public static byte[] newCookie() {
    byte[] cookie = new byte[16];
    RANDOM.nextBytes(cookie);
    return cookie;
  }

  /** The file's bytes: one FamilyWild entry for display {@code :displayNumber}. */
  public static byte[] entry(int displayNumber, byte[] cookie) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    putShort(out, FAMILY_WILD);
    putCounted(out, new byte[0]);
    putCounted(out, Integer.toString(displayNumber).getBytes(StandardCharsets.US_ASCII));
    putCounted(out, X11Codec.MIT_MAGIC_COOKIE.getBytes(StandardCharsets.US_ASCII));
    putCounted(out, cookie);
    return out.toByteArray();
  }

  private static void putCounted(ByteArrayOutputStream out, byte[] bytes) {
    putShort(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void putShort(ByteArrayOutputStream out, int value) {
    out.write(value >>> 8);
    out.write(value & 0xFF);
  }
}
