package org.streamstack.media.sdp;

import org.streamstack.media.dtls.DtlsRole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Reads the browser's answer to our offer (RFC 3264 6, RFC 8829 5.10) into a
 * {@link NegotiatedSession}. The answer must match the offer section by section; anything the
 * media node cannot work with is an {@link SdpException} that says what is wrong.
 */
public final class AnswerReader {

  /** Payload formats that are not a codec of their own: never "the" video codec. */
  private static final Set<String> NOT_A_CODEC = Set.of("rtx", "red", "ulpfec", "flexfec-03");
  /** RFC 8841 6: the max-message-size an endpoint assumes when the other says nothing. */
  private static final long DEFAULT_MAX_MESSAGE_SIZE = 65536;

  private AnswerReader() {}

  public static NegotiatedSession read(Offer offer, SessionDescription answer) throws SdpException {
    return read(offer.description(), answer);
  }

  /** Also takes offers we did not make, as the fixtures' werift offers. */
  public static NegotiatedSession read(SessionDescription offer, SessionDescription answer) throws SdpException {
    matchSections(offer, answer);
    MediaDescription tag = bundleTag(offer, answer);

    DtlsRole role = dtlsRole(transportValue(answer, tag, "setup")
        .orElseThrow(() -> new SdpException("answer has no a=setup (RFC 8842 5.3)")));
    Fingerprint fingerprint = fingerprint(answer, tag);
    String ufrag = transportValue(answer, tag, "ice-ufrag").orElseThrow(() -> new SdpException("answer has no a=ice-ufrag"));
    String pwd = transportValue(answer, tag, "ice-pwd").orElseThrow(() -> new SdpException("answer has no a=ice-pwd"));
    if (!Tokens.isIceChars(ufrag) || ufrag.length() < 4 || ufrag.length() > 256) {
      throw new SdpException("answer has a bad a=ice-ufrag '" + ufrag + "' (RFC 8839 5.4: 4-256 ice-chars)");
    }
    if (!Tokens.isIceChars(pwd) || pwd.length() < 22 || pwd.length() > 256) {
      throw new SdpException("answer has a bad a=ice-pwd (RFC 8839 5.4: 22-256 ice-chars)");
    }
    // RFC 8843 7.3: the BUNDLE tag section carries the transport, its candidates included.
    List<IceCandidate> candidates = new ArrayList<>();
    for (IceCandidate c : tag.candidates()) {
      if (!c.isMdns()) candidates.add(c);
    }
    boolean endOfCandidates = tag.hasAttribute("end-of-candidates") || answer.hasAttribute("end-of-candidates");

    boolean audio = false;
    int audioIndex = indexOf(offer, "audio");
    if (audioIndex >= 0) {
      MediaDescription offered = offer.media().get(audioIndex);
      MediaDescription answered = answer.media().get(audioIndex);
      audio = !answered.isRejected() && direction(answer, answered).receives()
          && direction(offer, offered) != Direction.INACTIVE && direction(offer, offered) != Direction.RECVONLY;
    }

    int videoIndex = indexOf(offer, "video");
    if (videoIndex < 0) throw new SdpException("offer has no video section");
    MediaDescription offeredVideo = offer.media().get(videoIndex);
    MediaDescription video = answer.media().get(videoIndex);
    if (video.isRejected()) throw new SdpException("answer rejects the video section");
    Direction videoDirection = direction(answer, video);
    if (!videoDirection.receives()) {
      throw new SdpException("answer does not receive video (a=" + videoDirection.attributeName() + ")");
    }
    VideoCodecChoice codec = videoCodec(offeredVideo, video);
    OptionalInt absSendTime = OptionalInt.empty();
    for (ExtMap e : video.extMaps()) {
      if (e.uri().equals(ExtMap.ABS_SEND_TIME)) {
        absSendTime = OptionalInt.of(e.id());
        break;
      }
    }

    boolean data = false;
    int sctpPort = 0;
    long maxMessageSize = 0;
    int dataIndex = indexOf(offer, "application");
    if (dataIndex >= 0 && !answer.media().get(dataIndex).isRejected()) {
      MediaDescription application = answer.media().get(dataIndex);
      data = true;
      // RFC 8841 5: without a=sctp-port the port is 5000.
      sctpPort = (int) number(application.attributeValue("sctp-port").orElse("5000"), 1, 65535, "a=sctp-port");
      maxMessageSize = application.attributeValue("max-message-size").isPresent()
          ? number(application.attributeValue("max-message-size").get(), 0, Long.MAX_VALUE / 2, "a=max-message-size")
          : DEFAULT_MAX_MESSAGE_SIZE;
    }

    return new NegotiatedSession(role, fingerprint, ufrag, pwd, candidates, endOfCandidates, audio, codec,
        video.rtcpFeedback(codec.payloadType()), absSendTime, data, sctpPort, maxMessageSize);
  }

  /** RFC 3264 6: as many m= lines as the offer, in its order, of the same media. */
  private static void matchSections(SessionDescription offer, SessionDescription answer) throws SdpException {
    int n = offer.media().size();
    if (answer.media().size() != n) {
      throw new SdpException("answer has " + answer.media().size() + " media sections, the offer " + n + " (RFC 3264 6)");
    }
    for (int i = 0; i < n; i++) {
      MediaDescription o = offer.media().get(i);
      MediaDescription a = answer.media().get(i);
      if (!o.media().equals(a.media())) {
        throw new SdpException("answer section " + i + " is " + a.media() + ", the offer's is " + o.media());
      }
      Optional<String> mid = o.mid();
      if (mid.isPresent() && !a.isRejected() && !a.mid().equals(mid)) {
        throw new SdpException("answer section " + i + " has mid '" + a.mid().orElse("") + "', the offer's has '" + mid.get() + "'");
      }
    }
  }

  /**
   * The answerer BUNDLE-tag section (RFC 8843 7.3): the first mid of the answer's BUNDLE group.
   * One transport is mandatory here: the single-port ICE harvester takes one stream (WEBRTC.md).
   */
  private static MediaDescription bundleTag(SessionDescription offer, SessionDescription answer) throws SdpException {
    List<String> mids = answer.bundleMids();
    if (mids.isEmpty()) throw new SdpException("answer has no a=group:BUNDLE: every section must share one transport (RFC 8843)");
    MediaDescription tag = answer.mediaWithMid(mids.get(0))
        .orElseThrow(() -> new SdpException("answer's BUNDLE group names mid '" + mids.get(0) + "', which no section has"));
    if (tag.isRejected()) throw new SdpException("answer's BUNDLE tag section '" + mids.get(0) + "' is rejected");
    for (MediaDescription m : answer.media()) {
      if (!m.isRejected() && m.mid().filter(mids::contains).isEmpty()) {
        throw new SdpException("answer leaves the " + m.media() + " section out of the BUNDLE group");
      }
    }
    return tag;
  }

  /** Media level first, then session level (RFC 8866 5: media-level values override). */
  private static Optional<String> transportValue(SessionDescription answer, MediaDescription tag, String name) {
    Optional<String> v = tag.attributeValue(name);
    return v.isPresent() ? v : answer.attributeValue(name);
  }

  /** RFC 8842 5.3: the answerer picks active or passive; RFC 4145 4.1: we take the other role. */
  private static DtlsRole dtlsRole(String setup) throws SdpException {
    return switch (setup.trim()) {
      case "active" -> DtlsRole.SERVER;
      case "passive" -> DtlsRole.CLIENT;
      case "actpass" -> throw new SdpException("answer says a=setup:actpass: an answer must choose active or passive (RFC 8842 5.3)");
      default -> throw new SdpException("answer has an unusable a=setup:" + setup.trim());
    };
  }

  /** RFC 8122 5: several may be given; sha-256 is what we verify with, else any hash we know. */
  private static Fingerprint fingerprint(SessionDescription answer, MediaDescription tag) throws SdpException {
    List<String> values = tag.attributeValues("fingerprint");
    if (values.isEmpty()) values = answer.attributeValues("fingerprint");
    if (values.isEmpty()) throw new SdpException("answer has no a=fingerprint");
    Fingerprint known = null;
    StringJoiner seen = new StringJoiner(", ");
    for (String v : values) {
      Fingerprint f = Fingerprint.parse(v);
      if (f.algorithm().equals("sha-256")) return f;
      if (known == null && f.isKnownAlgorithm()) known = f;
      seen.add(f.algorithm());
    }
    if (known == null) throw new SdpException("answer has no a=fingerprint with a hash function we know (found " + seen + ")");
    return known;
  }

  /**
   * RFC 3264 6.1: the answer lists the offered formats it accepts, its preferred first; the
   * payload type numbers are the offer's (we offered, so they are ours).
   */
  private static VideoCodecChoice videoCodec(MediaDescription offered, MediaDescription answered) throws SdpException {
    Map<Integer, VideoCodecChoice> ours = new LinkedHashMap<>();
    for (int pt : offered.payloadTypes()) {
      Optional<RtpMap> map = offered.rtpMap(pt);
      if (map.isEmpty() || NOT_A_CODEC.contains(map.get().encodingName().toLowerCase(java.util.Locale.ROOT))) continue;
      ours.put(pt, new VideoCodecChoice(map.get().encodingName(), pt, map.get().clockRate(), offered.fmtp(pt).orElse("")));
    }
    for (int pt : answered.payloadTypes()) {
      VideoCodecChoice codec = ours.get(pt);
      if (codec == null) continue;
      Optional<RtpMap> theirs = answered.rtpMap(pt);
      if (theirs.isPresent() && !codec.is(theirs.get().encodingName())) {
        throw new SdpException("answer maps payload type " + pt + " to " + theirs.get().encodingName()
            + ", the offer to " + codec.name());
      }
      return codec;
    }
    StringJoiner offeredText = new StringJoiner(", ");
    ours.values().forEach(c -> offeredText.add(c.payloadType() + " " + c.name()));
    throw new SdpException("answer accepts none of the offered video codecs (offered " + offeredText
        + "; answered " + String.join(" ", answered.formats()) + ")");
  }

  /** The section's direction, else the session's, else sendrecv (RFC 8866 6.7). */
  private static Direction direction(SessionDescription sdp, MediaDescription m) {
    return m.direction().or(sdp::direction).orElse(Direction.SENDRECV);
  }

  private static int indexOf(SessionDescription sdp, String media) {
    for (int i = 0; i < sdp.media().size(); i++) {
      if (sdp.media().get(i).media().equals(media)) return i;
    }
    return -1;
  }

  private static long number(String text, long min, long max, String what) throws SdpException {
    long n = Tokens.number(text.trim(), min, max);
    if (n < 0) throw new SdpException("answer has a bad " + what + " '" + text + "'");
    return n;
  }
}
