package org.streamstack.media.sdp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Writes the offer a media node makes (API v2: we offer, the browser answers), per PROTOCOL.md 5
 * and the offer proven with Chromium (WEBRTC.md, fixtures/werift-offer-*.sdp):
 *
 * <pre>
 * v=0 / o=- &lt;random&gt; 2 IN IP4 127.0.0.1 / s=- / t=0 0
 * a=group:BUNDLE 0 1 2          one transport for all (RFC 8843): the single-port harvester needs it
 * a=msid-semantic: WMS
 * m=audio       UDP/TLS/RTP/SAVPF 111            mid 0, Opus, sendonly or inactive
 * m=video       UDP/TLS/RTP/SAVPF &lt;codecs&gt;       mid 1, sendonly, client's codec order
 * m=application UDP/DTLS/SCTP webrtc-datachannel mid 2, optional
 * </pre>
 *
 * Each section carries the same ICE credentials, candidates, fingerprint and
 * {@code a=setup:actpass} (RFC 8842 5.2: the offerer leaves the DTLS role to the answerer), and
 * {@code a=ice-options:trickle} at media level as in the accepted offer. Attribute order follows
 * Chromium's own offers. Pure: the only input besides the parameters is the random session id.
 */
public final class OfferBuilder {

  public static final String AUDIO_MID = "0";
  public static final String VIDEO_MID = "1";
  public static final String DATA_MID = "2";
  /** Trickled candidates go with the BUNDLE tag: {@code "sdpMid":"0","sdpMLineIndex":0}. */
  public static final String CANDIDATE_MID = AUDIO_MID;
  public static final int CANDIDATE_M_LINE_INDEX = 0;

  public static final String RTP_PROTOCOL = "UDP/TLS/RTP/SAVPF";
  public static final String SCTP_PROTOCOL = "UDP/DTLS/SCTP";
  public static final int OPUS_PAYLOAD_TYPE = 111;
  /** RFC 7587 7: stereo at 48 kHz is how Opus is always signalled; in-band FEC as Chromium asks. */
  public static final String OPUS_FMTP = "minptime=10;useinbandfec=1";
  /** The abs-send-time id of the accepted offer; Chromium keeps offered ids (fixtures/README.md). */
  public static final int ABS_SEND_TIME_ID = 4;
  /** RFC 8841 5: the SCTP port; Chromium uses 5000 on both sides. */
  public static final int SCTP_PORT = 5000;
  /** RFC 8841 6: the largest message we take. */
  public static final int MAX_MESSAGE_SIZE = 262144;
  /** What we can send, in our order of preference when the client prefers none of them. */
  public static final List<VideoCodecChoice> SUPPORTED_VIDEO_CODECS = List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8);
  /** RFC 4585 4.2, RFC 5104 7.1: what the sender handles; the answer keeps the intersection. */
  public static final List<String> VIDEO_RTCP_FEEDBACK = List.of("goog-remb", "ccm fir", "nack", "nack pli");

  /** JSEP (RFC 8829 5.2.1): no candidates yet, so port 9 (discard) and 0.0.0.0. */
  private static final int DUMMY_PORT = 9;

  private final RandomGenerator random;

  public OfferBuilder() {
    this(new SecureRandom());
  }

  /** With an injected generator, for deterministic session ids in tests. */
  public OfferBuilder(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  public Offer build(OfferParameters p) {
    List<VideoCodecChoice> codecs = videoCodecOrder(p.preferredVideoCodecs(), p.sendableVideoCodecs());
    List<String> mids = new ArrayList<>(List.of(AUDIO_MID, VIDEO_MID));
    if (p.includeDataChannel()) mids.add(DATA_MID);

    // RFC 8829 5.2.1: sess-id a random 63-bit number, so that it fits a signed 64-bit integer.
    long sessionId = random.nextLong() & Long.MAX_VALUE;
    Origin origin = new Origin("-", Long.toString(sessionId), "2", "IN", "IP4", "127.0.0.1");
    List<SdpLine> session = List.of(
        new SdpLine('t', "0 0"),
        SdpLine.attribute("group", "BUNDLE " + String.join(" ", mids)),
        // Chromium writes and reads it with the space; RFC 8830 dropped it, Chromium still looks.
        SdpLine.attribute("msid-semantic", " WMS"));

    List<MediaDescription> media = new ArrayList<>();
    media.add(audio(p));
    media.add(video(p, codecs));
    if (p.includeDataChannel()) media.add(application(p));
    return new Offer(new SessionDescription(origin, "-", session, media), codecs);
  }

  /**
   * The video codecs to offer: those of the client's list that we support, in its order, then
   * the rest of ours in our order (a fallback the answer may pick). Unknown names are ignored;
   * names compare case-insensitively (RFC 8866 6.6).
   */
  public static List<VideoCodecChoice> videoCodecOrder(List<String> preferred) {
    return videoCodecOrder(preferred, List.of());
  }

  /**
   * As {@link #videoCodecOrder(List)}, among the {@code sendable} codecs only (names, in the order
   * the rest follow; empty: all we support, in our order), so that an application configured for
   * one codec is never offered in another. A sendable list naming none of ours is a configuration
   * error the instance catches earlier.
   */
  public static List<VideoCodecChoice> videoCodecOrder(List<String> preferred, List<String> sendable) {
    Set<VideoCodecChoice> ours = new LinkedHashSet<>(sendable.isEmpty() ? SUPPORTED_VIDEO_CODECS : List.of());
    for (String name : sendable) {
      if (name == null) continue;
      for (VideoCodecChoice codec : SUPPORTED_VIDEO_CODECS) {
        if (codec.is(name.trim())) ours.add(codec);
      }
    }
    if (ours.isEmpty()) throw new IllegalArgumentException("none of the sendable video codecs " + sendable + " is supported");
    Set<VideoCodecChoice> order = new LinkedHashSet<>();
    for (String name : preferred) {
      if (name == null) continue;
      for (VideoCodecChoice codec : ours) {
        if (codec.is(name.trim())) order.add(codec);
      }
    }
    order.addAll(ours);
    return List.copyOf(order);
  }

  private MediaDescription audio(OfferParameters p) {
    List<SdpLine> lines = transport(p, AUDIO_MID, true);
    if (p.audioActive()) {
      lines.add(Direction.SENDONLY.toLine());
      lines.add(msid(p, p.audioTrackId()));
    } else {
      // enable_speaker false: the section stays (mids are fixed) but carries nothing, and no track.
      lines.add(Direction.INACTIVE.toLine());
    }
    lines.add(SdpLine.flag("rtcp-mux"));
    lines.add(new RtpMap(OPUS_PAYLOAD_TYPE, "opus", 48000, 2).toLine());
    lines.add(SdpLine.attribute("fmtp", OPUS_PAYLOAD_TYPE + " " + OPUS_FMTP));
    if (p.audioActive()) ssrc(lines, p, p.audioSsrc(), p.audioTrackId());
    return rtpSection("audio", p, List.of(String.valueOf(OPUS_PAYLOAD_TYPE)), lines);
  }

  private MediaDescription video(OfferParameters p, List<VideoCodecChoice> codecs) {
    List<SdpLine> lines = transport(p, VIDEO_MID, true);
    // RFC 8285 5; abs-send-time is what Chromium's REMB estimate is computed from.
    lines.add(new ExtMap(ABS_SEND_TIME_ID, ExtMap.ABS_SEND_TIME).toLine());
    lines.add(Direction.SENDONLY.toLine());
    lines.add(msid(p, p.videoTrackId()));
    lines.add(SdpLine.flag("rtcp-mux"));
    List<String> formats = new ArrayList<>();
    for (VideoCodecChoice codec : codecs) {
      formats.add(String.valueOf(codec.payloadType()));
      lines.add(codec.rtpMap().toLine());
      for (String fb : VIDEO_RTCP_FEEDBACK) lines.add(SdpLine.attribute("rtcp-fb", codec.payloadType() + " " + fb));
      if (codec.hasFmtp()) lines.add(SdpLine.attribute("fmtp", codec.payloadType() + " " + codec.fmtp()));
    }
    ssrc(lines, p, p.videoSsrc(), p.videoTrackId());
    return rtpSection("video", p, formats, lines);
  }

  private MediaDescription application(OfferParameters p) {
    List<SdpLine> lines = transport(p, DATA_MID, false);
    lines.add(SdpLine.attribute("sctp-port", String.valueOf(SCTP_PORT)));
    lines.add(SdpLine.attribute("max-message-size", String.valueOf(MAX_MESSAGE_SIZE)));
    IceCandidate d = defaultCandidate(p);
    return new MediaDescription("application", d == null ? DUMMY_PORT : d.port(), 0, SCTP_PROTOCOL,
        List.of("webrtc-datachannel"), lines);
  }

  private MediaDescription rtpSection(String kind, OfferParameters p, List<String> formats, List<SdpLine> lines) {
    IceCandidate d = defaultCandidate(p);
    return new MediaDescription(kind, d == null ? DUMMY_PORT : d.port(), 0, RTP_PROTOCOL, formats, lines);
  }

  /** c=, a=rtcp (RTP only), candidates, ICE and DTLS attributes and a=mid: the same everywhere. */
  private List<SdpLine> transport(OfferParameters p, String mid, boolean rtp) {
    IceCandidate d = defaultCandidate(p);
    Connection c = d == null ? Connection.UNSPECIFIED : Connection.of(d.address());
    List<SdpLine> lines = new ArrayList<>();
    lines.add(c.toLine());
    // RFC 3605 2.1, as JSEP and Chromium write it; with rtcp-mux it names the RTP port.
    if (rtp) lines.add(SdpLine.attribute("rtcp", (d == null ? DUMMY_PORT : d.port()) + " " + c));
    for (IceCandidate candidate : p.candidates()) lines.add(candidate.toLine());
    if (p.endOfCandidates()) lines.add(SdpLine.flag("end-of-candidates"));
    lines.add(SdpLine.attribute("ice-ufrag", p.iceUfrag()));
    lines.add(SdpLine.attribute("ice-pwd", p.icePwd()));
    lines.add(SdpLine.attribute("ice-options", "trickle"));
    lines.add(p.fingerprint().toLine());
    lines.add(SdpLine.attribute("setup", "actpass"));
    lines.add(SdpLine.attribute("mid", mid));
    return lines;
  }

  /** RFC 8830 2: {@code a=msid:<stream> <track>}. */
  private static SdpLine msid(OfferParameters p, String trackId) {
    return SdpLine.attribute("msid", p.streamId() + " " + trackId);
  }

  /** RFC 5576 4.1: Chromium demultiplexes the BUNDLE by these SSRCs (no sdes:mid offered). */
  private static void ssrc(List<SdpLine> lines, OfferParameters p, long ssrc, String trackId) {
    lines.add(SdpLine.attribute("ssrc", ssrc + " cname:" + p.cname()));
    lines.add(SdpLine.attribute("ssrc", ssrc + " msid:" + p.streamId() + " " + trackId));
  }

  /**
   * RFC 8839 4.2.1.3 / RFC 8829 5.2.1: the m= port and c= address are the default candidate's;
   * ours is the first RTP component candidate with a literal IP. Names (mDNS or not) never go
   * into c=: port 9 and 0.0.0.0 then, as with no candidates at all.
   */
  private static IceCandidate defaultCandidate(OfferParameters p) {
    for (IceCandidate c : p.candidates()) {
      if (c.component() == 1 && isIpLiteral(c.address())) return c;
    }
    return null;
  }

  private static boolean isIpLiteral(String address) {
    if (address.indexOf(':') >= 0) return true;
    String[] parts = address.split("\\.", -1);
    if (parts.length != 4) return false;
    for (String part : parts) {
      if (Tokens.number(part, 0, 255) < 0 || part.length() > 3) return false;
    }
    return !address.toLowerCase(Locale.ROOT).endsWith(".local");
  }
}
