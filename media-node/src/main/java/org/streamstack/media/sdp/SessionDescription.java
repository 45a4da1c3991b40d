package org.streamstack.media.sdp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session description (RFC 8866 5): {@code v=0}, the origin, the session name, the other
 * session-level lines in order ({@code t=}, {@code c=}, attributes, lines of unknown types), then
 * the media sections. {@link #toString()} writes it with CRLF line ends (RFC 8866 5); a parsed
 * description that followed the RFC's line order writes back byte for byte.
 */
public record SessionDescription(Origin origin, String sessionName, List<SdpLine> lines, List<MediaDescription> media)
    implements SdpSection {

  public SessionDescription {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(sessionName, "sessionName");
    lines = List.copyOf(lines);
    media = List.copyOf(media);
  }

  /** The mids of the first {@code a=group:BUNDLE} (RFC 8843 7), empty when there is none. */
  public List<String> bundleMids() {
    for (String group : attributeValues("group")) {
      String[] f = group.trim().split(" +");
      if (f[0].equals("BUNDLE")) return Arrays.asList(f).subList(1, f.length);
    }
    return List.of();
  }

  /** The first media section of this type ("audio", "video", "application"). */
  public Optional<MediaDescription> firstMedia(String type) {
    return media.stream().filter(m -> m.media().equals(type)).findFirst();
  }

  public Optional<MediaDescription> mediaWithMid(String mid) {
    return media.stream().filter(m -> m.mid().filter(mid::equals).isPresent()).findFirst();
  }

  /** How many lines {@link #toString()} writes. */
  public int lineCount() {
    int n = 3 + lines.size();
    for (MediaDescription m : media) n += 1 + m.lines().size();
    return n;
  }

  /** The {@code sdp} field of an offer or answer frame (PROTOCOL.md 4). */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("v=0\r\n");
    s.append("o=").append(origin).append("\r\n");
    s.append("s=").append(sessionName).append("\r\n");
    for (SdpLine line : lines) s.append(line).append("\r\n");
    for (MediaDescription m : media) s.append(m);
    return s.toString();
  }
}
