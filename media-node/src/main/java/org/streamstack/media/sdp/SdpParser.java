package org.streamstack.media.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a session description (RFC 8866). Lines end in CRLF or, tolerated, LF (RFC 8866 5);
 * blank lines are skipped. {@code v=0}, {@code o=} and {@code s=} open the description in that
 * order (RFC 8866 5); every {@code m=} opens a media section (RFC 8866 5.14). Lines of types this
 * package does not interpret are kept. What is checked: the line shape {@code <type>=<value>},
 * v/o/s, the fields of o=, c=, t= and m=, and attribute names; attribute values are checked by
 * the accessors that read them ({@link RtpMap}, {@link ExtMap}, {@link IceCandidate}...).
 *
 * <p>Every failure is an {@link SdpException} whose message names the line.
 */
public final class SdpParser {

  private SdpParser() {}

  public static SessionDescription parse(String text) throws SdpException {
    if (text == null || text.isBlank()) throw new SdpException("empty SDP");
    String[] raw = text.split("\r?\n", -1);
    List<Numbered> lines = new ArrayList<>();
    for (int i = 0; i < raw.length; i++) {
      if (raw[i].isEmpty()) continue;
      lines.add(new Numbered(i + 1, line(i + 1, raw[i])));
    }
    if (lines.isEmpty()) throw new SdpException("empty SDP");

    Numbered first = lines.get(0);
    if (first.line.type() != 'v') throw new SdpException("SDP must start with v=0, found '" + shorten(first.line.toString()) + "'");
    if (!first.line.value().equals("0")) {
      throw new SdpException("unsupported SDP version 'v=" + shorten(first.line.value()) + "': only v=0 exists (RFC 8866 5.1)");
    }
    Numbered o = expect(lines, 1, 'o', "o= must follow v=0");
    Origin origin;
    try {
      origin = Origin.parse(o.line.value());
    } catch (SdpException e) {
      throw at(o.number, e);
    }
    Numbered s = expect(lines, 2, 's', "s= must follow o=");

    List<SdpLine> sessionLines = new ArrayList<>();
    List<MediaDescription> media = new ArrayList<>();
    Numbered mLine = null;
    List<SdpLine> mediaLines = new ArrayList<>();
    for (int i = 3; i < lines.size(); i++) {
      Numbered n = lines.get(i);
      SdpLine line = n.line;
      if (line.type() == 'm') {
        if (mLine != null) media.add(section(mLine, mediaLines));
        mLine = n;
        mediaLines = new ArrayList<>();
        continue;
      }
      check(n, mLine != null);
      (mLine == null ? sessionLines : mediaLines).add(line);
    }
    if (mLine != null) media.add(section(mLine, mediaLines));
    return new SessionDescription(origin, s.line.value(), sessionLines, media);
  }

  /** Decodes the {@code sdp} field of an offer or answer frame (PROTOCOL.md 4) and parses it. */
  public static SessionDescription parseBase64(String base64) throws SdpException {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
    } catch (IllegalArgumentException e) {
      throw new SdpException("SDP is not valid base64", e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8));
  }

  private record Numbered(int number, SdpLine line) {}

  private static SdpLine line(int number, String text) throws SdpException {
    if (text.length() < 2 || text.charAt(1) != '=' || !SdpLine.isTypeLetter(text.charAt(0))) {
      throw new SdpException("line " + number + " is not '<type>=<value>': '" + shorten(text) + "'");
    }
    String value = text.substring(2);
    // RFC 8866 9: a value is any byte but NUL, CR and LF; a lone CR is no line end.
    if (value.indexOf('\0') >= 0 || value.indexOf('\r') >= 0) {
      throw new SdpException("line " + number + " holds a NUL or a lone CR");
    }
    return new SdpLine(text.charAt(0), value);
  }

  private static Numbered expect(List<Numbered> lines, int index, char type, String what) throws SdpException {
    if (index >= lines.size()) throw new SdpException(what + " (RFC 8866 5), found the end of the SDP");
    Numbered n = lines.get(index);
    if (n.line.type() != type) {
      throw new SdpException("line " + n.number + ": " + what + " (RFC 8866 5), found '" + shorten(n.line.toString()) + "'");
    }
    return n;
  }

  private static void check(Numbered n, boolean inMedia) throws SdpException {
    SdpLine line = n.line;
    try {
      switch (line.type()) {
        case 'v', 'o', 's' -> throw new SdpException(line.type() + "= may appear only once, at the start");
        case 't' -> {
          if (inMedia) throw new SdpException("t= belongs to the session part, not a media section");
          String[] f = line.value().trim().split(" +");
          if (f.length != 2 || !Tokens.isDigits(f[0]) || !Tokens.isDigits(f[1])) {
            throw new SdpException("t= line needs '<start-time> <stop-time>': 't=" + shorten(line.value()) + "'");
          }
        }
        case 'c' -> Connection.parse(line.value());
        case 'a' -> Attribute.parse(line.value());
        default -> { } // i, u, e, p, b, r, z, k and unknown types: kept as they are
      }
    } catch (SdpException e) {
      throw at(n.number, e);
    }
  }

  private static MediaDescription section(Numbered mLine, List<SdpLine> lines) throws SdpException {
    try {
      return MediaDescription.parse(mLine.line.value(), lines);
    } catch (SdpException e) {
      throw at(mLine.number, e);
    }
  }

  private static SdpException at(int number, SdpException e) {
    return new SdpException("line " + number + ": " + e.getMessage(), e);
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
