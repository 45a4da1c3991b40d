package org.streamstack.media.sdp;

/** Character classes of the SDP and ICE grammars (RFC 8866 9, RFC 8839 5.1). */
final class Tokens {

  private Tokens() {}

  /**
   * token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E (RFC 8866 9).
   */
  static boolean isTokenChar(char c) {
    return c == 0x21
        || (c >= 0x23 && c <= 0x27)
        || c == 0x2A || c == 0x2B
        || c == 0x2D || c == 0x2E
        || (c >= 0x30 && c <= 0x39)
        || (c >= 0x41 && c <= 0x5A)
        || (c >= 0x5E && c <= 0x7E);
  }

  static boolean isToken(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) return false;
    }
    return true;
  }

  /** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 5.1). */
  static boolean isIceChars(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
      if (!ok) return false;
    }
    return true;
  }

  static boolean isDigits(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /** A decimal number within [min, max], or -1. */
  static long number(String s, long min, long max) {
    if (!isDigits(s) || s.length() > 18) return -1;
    long n = Long.parseLong(s);
    return n < min || n > max ? -1 : n;
  }
}
