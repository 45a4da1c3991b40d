package org.streamstack.media.sdp;

import org.streamstack.media.dtls.DtlsRole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnswerReaderTest {

  private static final List<String> CHROMIUM_FEEDBACK = List.of("goog-remb", "ccm fir", "nack", "nack pli");

  @Test
  void chromiumH264AnswerToTheWeriftOffer() throws SdpException {
    NegotiatedSession s = AnswerReader.read(Fixtures.sdp(Fixtures.WERIFT_OFFER_H264), Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_H264));
    assertEquals(DtlsRole.SERVER, s.dtlsRole());
    assertEquals("sha-256", s.remoteFingerprint().algorithm());
    assertEquals("162F16BDD96DFE8B1F2DB7382738CA3B695BBCD158A32A7EBB5E1D9468C3AFA3",
        HexFormat.of().withUpperCase().formatHex(s.remoteFingerprint().value()));
    assertEquals("lqZs", s.remoteIceUfrag());
    assertEquals("9Re5BVTIUA7VppzkYqvm2HmE", s.remoteIcePwd());
    assertEquals(List.of(), s.remoteCandidates());
    assertFalse(s.remoteEndOfCandidates());
    assertTrue(s.audioAccepted());
    assertEquals(new VideoCodecChoice("H264", 102, 90000, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"),
        s.videoCodec());
    assertEquals(CHROMIUM_FEEDBACK, s.videoRtcpFeedback());
    assertEquals(OptionalInt.of(4), s.absSendTimeId());
    assertTrue(s.dataChannelAccepted());
    assertEquals(5000, s.remoteSctpPort());
    assertEquals(65536, s.remoteMaxMessageSize(), "RFC 8841 6 default: the answer has no a=max-message-size");
  }

  @Test
  void chromiumVp8AnswerToTheWeriftOffer() throws SdpException {
    NegotiatedSession s = AnswerReader.read(Fixtures.sdp(Fixtures.WERIFT_OFFER_VP8), Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_VP8));
    assertEquals(DtlsRole.SERVER, s.dtlsRole());
    assertEquals(Fingerprint.parse("sha-256 DE:8B:52:0D:B9:DD:9D:52:18:A6:12:0F:2C:C4:7A:29:50:5F:46:56:31:3C:B9:EE:FD:27:A7:4C:1E:F5:D6:04"),
        s.remoteFingerprint());
    assertEquals("c+pe", s.remoteIceUfrag());
    assertEquals("g/s8s2PV+RciOwVYDtNSHBw8", s.remoteIcePwd());
    assertEquals(new VideoCodecChoice("VP8", 96, 90000, ""), s.videoCodec());
    assertEquals(CHROMIUM_FEEDBACK, s.videoRtcpFeedback());
    assertEquals(OptionalInt.of(4), s.absSendTimeId());
    assertTrue(s.audioAccepted());
    assertTrue(s.dataChannelAccepted());
  }

  /** Our offer uses the payload types and mids of the accepted offers, so the real answers fit it. */
  @Test
  void chromiumAnswersFitOurOwnOffer() throws SdpException {
    Offer offer = ourOffer(OfferBuilderTest.parameters().build());
    NegotiatedSession h264 = AnswerReader.read(offer, Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_H264));
    assertEquals(VideoCodecChoice.H264, h264.videoCodec());
    assertEquals(OptionalInt.of(OfferBuilder.ABS_SEND_TIME_ID), h264.absSendTimeId());
    NegotiatedSession vp8 = AnswerReader.read(offer, Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_VP8));
    assertEquals(VideoCodecChoice.VP8, vp8.videoCodec());
    assertTrue(offer.videoCodecs().contains(vp8.videoCodec()));
  }

  @Test
  void theAnswersOrderDecidesNotOurs() throws SdpException {
    Offer offer = ourOffer(OfferBuilderTest.parameters().build()); // offers 102 then 96
    String answer = Fixtures.text(Fixtures.CHROMIUM_ANSWER_VP8).replace("m=video 9 UDP/TLS/RTP/SAVPF 96", "m=video 9 UDP/TLS/RTP/SAVPF 96 102");
    assertEquals(VideoCodecChoice.VP8, AnswerReader.read(offer, SdpParser.parse(answer)).videoCodec());
  }

  @Test
  void passiveMakesUsTheClient() throws SdpException {
    assertEquals(DtlsRole.CLIENT, readH264(answerH264().replace("a=setup:active", "a=setup:passive")).dtlsRole());
  }

  @Test
  void transportAttributesMayBeAtSessionLevel() throws SdpException {
    String answer = answerH264()
        .replace("a=ice-ufrag:lqZs\r\n", "")
        .replace("a=ice-pwd:9Re5BVTIUA7VppzkYqvm2HmE\r\n", "")
        .replace("a=setup:active\r\n", "")
        .replaceAll("a=fingerprint:[^\r]*\r\n", "")
        .replace("a=msid-semantic: WMS\r\n", "a=msid-semantic: WMS\r\na=ice-ufrag:sEss\r\na=ice-pwd:sessionlevelpassword0000\r\n"
            + "a=setup:active\r\na=fingerprint:sha-1 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13\r\n");
    NegotiatedSession s = readH264(answer);
    assertEquals("sEss", s.remoteIceUfrag());
    assertEquals("sessionlevelpassword0000", s.remoteIcePwd());
    assertEquals(DtlsRole.SERVER, s.dtlsRole());
    assertEquals("sha-1", s.remoteFingerprint().algorithm());
  }

  @Test
  void sha256IsPreferredAmongSeveralFingerprints() throws SdpException {
    String answer = answerH264().replace("a=setup:active\r\na=mid:0",
        "a=fingerprint:sha-1 00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13\r\na=setup:active\r\na=mid:0");
    assertEquals("sha-256", readH264(answer).remoteFingerprint().algorithm());
  }

  @Test
  void inlineCandidatesAreReadAndMdnsOnesDropped() throws SdpException {
    String answer = answerH264().replaceFirst("a=ice-ufrag:lqZs\r\n",
        "a=candidate:1 1 udp 2113937151 1b8df784-900d-49b0-93a3-e0b4b0f72610.local 57446 typ host generation 0\r\n"
            + "a=candidate:2 1 udp 1677729535 203.0.113.5 50161 typ srflx raddr 0.0.0.0 rport 0 generation 0\r\n"
            + "a=end-of-candidates\r\na=ice-ufrag:lqZs\r\n");
    NegotiatedSession s = readH264(answer);
    assertEquals(List.of(IceCandidate.parse("2 1 udp 1677729535 203.0.113.5 50161 typ srflx raddr 0.0.0.0 rport 0 generation 0")),
        s.remoteCandidates());
    assertTrue(s.remoteEndOfCandidates());
  }

  @Test
  void rejectedAudioAndDataChannel() throws SdpException {
    // RFC 8843 7.3.3: a rejected section leaves the BUNDLE group; the next accepted one is the tag.
    String answer = answerH264()
        .replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 1")
        .replace("m=audio 9 ", "m=audio 0 ")
        .replace("m=application 9 ", "m=application 0 ");
    NegotiatedSession s = readH264(answer);
    assertFalse(s.audioAccepted());
    assertFalse(s.dataChannelAccepted());
    assertEquals(0, s.remoteSctpPort());
    assertEquals(H264_PT, s.videoCodec().payloadType());
  }

  @Test
  void inactiveAudioIsNotAccepted() throws SdpException {
    Offer speakerOff = ourOffer(OfferBuilderTest.parameters().audioActive(false).build());
    assertFalse(AnswerReader.read(speakerOff, Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_H264)).audioAccepted());
    assertFalse(readH264(answerH264().replaceFirst("a=recvonly", "a=inactive")).audioAccepted());
  }

  @Test
  void maxMessageSizeIsRead() throws SdpException {
    assertEquals(1024, readH264(answerH264().replace("a=sctp-port:5000", "a=sctp-port:5001\r\na=max-message-size:1024"))
        .remoteMaxMessageSize());
    assertEquals(5001, readH264(answerH264().replace("a=sctp-port:5000", "a=sctp-port:5001")).remoteSctpPort());
  }

  private static final int H264_PT = 102;

  @Test
  void unusableAnswersAreNamed() {
    String a = answerH264();
    assertAnswerError("answer says a=setup:actpass: an answer must choose active or passive (RFC 8842 5.3)",
        a.replace("a=setup:active", "a=setup:actpass"));
    assertAnswerError("answer has an unusable a=setup:holdconn", a.replace("a=setup:active", "a=setup:holdconn"));
    assertAnswerError("answer has no a=setup (RFC 8842 5.3)", a.replace("a=setup:active\r\n", ""));
    assertAnswerError("answer has no a=fingerprint", a.replaceAll("a=fingerprint:[^\r]*\r\n", ""));
    assertAnswerError("answer has no a=fingerprint with a hash function we know (found md5)",
        a.replaceAll("a=fingerprint:[^\r]*\r\n", "a=fingerprint:md5 00:01\r\n"));
    assertAnswerError("a=fingerprint has a bad hex byte 'XY'", a.replace("a=fingerprint:sha-256 16:", "a=fingerprint:sha-256 XY:"));
    assertAnswerError("answer has no a=ice-ufrag", a.replace("a=ice-ufrag:lqZs\r\n", ""));
    assertAnswerError("answer has no a=ice-pwd", a.replace("a=ice-pwd:9Re5BVTIUA7VppzkYqvm2HmE\r\n", ""));
    assertAnswerError("answer has a bad a=ice-ufrag 'lq' (RFC 8839 5.4: 4-256 ice-chars)", a.replace("a=ice-ufrag:lqZs", "a=ice-ufrag:lq"));
    assertAnswerError("answer has a bad a=ice-pwd (RFC 8839 5.4: 22-256 ice-chars)", a.replace("a=ice-pwd:9Re5BVTIUA7VppzkYqvm2HmE", "a=ice-pwd:short"));
    assertAnswerError("answer rejects the video section",
        a.replace("m=video 9 ", "m=video 0 ").replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 2"));
    assertAnswerError("answer's BUNDLE tag section '0' is rejected", a.replace("m=audio 9 ", "m=audio 0 "));
    assertAnswerError("answer does not receive video (a=inactive)", replaceInSection(a, 1, "a=recvonly", "a=inactive"));
    assertAnswerError("answer does not receive video (a=sendonly)", replaceInSection(a, 1, "a=recvonly", "a=sendonly"));
    assertAnswerError("answer accepts none of the offered video codecs (offered 102 H264; answered 100)",
        a.replace("m=video 9 UDP/TLS/RTP/SAVPF 102", "m=video 9 UDP/TLS/RTP/SAVPF 100"));
    assertAnswerError("answer maps payload type 102 to VP8, the offer to H264", a.replace("a=rtpmap:102 H264/90000", "a=rtpmap:102 VP8/90000"));
    assertAnswerError("answer has no a=group:BUNDLE: every section must share one transport (RFC 8843)",
        a.replace("a=group:BUNDLE 0 1 2\r\n", ""));
    assertAnswerError("answer leaves the application section out of the BUNDLE group", a.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1"));
    assertAnswerError("answer's BUNDLE group names mid '7', which no section has", a.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 7 0 1 2"));
    assertAnswerError("answer has 2 media sections, the offer 3 (RFC 3264 6)", a.substring(0, a.indexOf("m=application")));
    assertAnswerError("answer section 1 has mid '5', the offer's has '1'", a.replace("a=mid:1", "a=mid:5").replace("BUNDLE 0 1 2", "BUNDLE 0 5 2"));
    assertAnswerError("answer section 0 is video, the offer's is audio", a.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 111"));
    assertAnswerError("a=extmap has a bad id '0'", a.replace("a=extmap:4 ", "a=extmap:0 "));
    assertAnswerError("candidate has an unknown type 'bogus'",
        a.replaceFirst("a=mid:0", "a=mid:0\r\na=candidate:1 1 udp 1 192.0.2.1 1 typ bogus"));
    assertAnswerError("answer has a bad a=sctp-port 'x'", a.replace("a=sctp-port:5000", "a=sctp-port:x"));
  }

  @Test
  void offerWithoutVideoIsAnError() throws SdpException {
    SessionDescription offer = SdpParser.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=group:BUNDLE 0\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n");
    SessionDescription answer = SdpParser.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=group:BUNDLE 0\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=setup:active\r\na=ice-ufrag:abcd\r\n"
        + "a=ice-pwd:0123456789012345678901\r\na=fingerprint:" + OfferBuilderTest.FINGERPRINT + "\r\n");
    assertEquals("offer has no video section", assertThrows(SdpException.class, () -> AnswerReader.read(offer, answer)).getMessage());
  }

  @Test
  void fingerprintChecksACertificate() throws SdpException {
    byte[] der = {1, 2, 3, 4};
    Fingerprint f = Fingerprint.sha256Of(der);
    assertTrue(f.matches(der));
    assertFalse(f.matches(new byte[] {1, 2, 3}));
    assertEquals(f, Fingerprint.parse(f.toString().toLowerCase(java.util.Locale.ROOT)));
    assertEquals(f.toString(), Fingerprint.parse(f.toString()).toString());
  }

  private static Offer ourOffer(OfferParameters p) {
    return new OfferBuilder(new Random(1)).build(p);
  }

  private static String answerH264() {
    return Fixtures.text(Fixtures.CHROMIUM_ANSWER_H264);
  }

  private static NegotiatedSession readH264(String answer) throws SdpException {
    return AnswerReader.read(Fixtures.sdp(Fixtures.WERIFT_OFFER_H264), SdpParser.parse(answer));
  }

  private static void assertAnswerError(String message, String answer) {
    SdpException e = assertThrows(SdpException.class, () -> readH264(answer), message);
    assertEquals(message, e.getMessage());
  }

  /** Replaces the first occurrence of {@code from} within media section {@code index}. */
  private static String replaceInSection(String sdp, int index, String from, String to) {
    int start = -1;
    for (int i = 0; i <= index; i++) start = sdp.indexOf("\r\nm=", start + 1);
    int at = sdp.indexOf(from, start);
    return sdp.substring(0, at) + to + sdp.substring(at + from.length());
  }
}
