package org.streamstack.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OfferBuilderTest {

  static final Fingerprint FINGERPRINT = Fingerprint.sha256Of("our certificate".getBytes(StandardCharsets.US_ASCII));
  static final String UFRAG = "Ab1+";
  static final String PWD = "0123456789abcdefABCD/+";
  static final IceCandidate HOST =
      new IceCandidate("1", 1, "udp", 2130706431L, "192.0.2.10", 10000, IceCandidate.Type.HOST).withExtension("generation", "0");

  static OfferParameters.Builder parameters() {
    return OfferParameters.builder()
        .ice(UFRAG, PWD)
        .fingerprint(FINGERPRINT)
        .ssrcs(1111, 2222)
        .cname("cname-1")
        .stream("stream-1", "track-a", "track-v");
  }

  static Offer build(OfferParameters p) {
    return new OfferBuilder(new Random(7)).build(p);
  }

  @Test
  void theDefaultOfferLineByLine() throws SdpException {
    Offer offer = build(parameters().build());
    SessionDescription sdp = SdpParser.parse(offer.toString());
    assertEquals(offer.description(), sdp);
    String id = sdp.origin().sessionId();
    String fp = "a=fingerprint:" + FINGERPRINT;
    String transport = "c=IN IP4 0.0.0.0\r\n";
    String ice = "a=ice-ufrag:Ab1+\r\na=ice-pwd:0123456789abcdefABCD/+\r\na=ice-options:trickle\r\n" + fp + "\r\na=setup:actpass\r\n";
    String expected = "v=0\r\n"
        + "o=- " + id + " 2 IN IP4 127.0.0.1\r\n"
        + "s=-\r\n"
        + "t=0 0\r\n"
        + "a=group:BUNDLE 0 1 2\r\n"
        + "a=msid-semantic: WMS\r\n"
        + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        + transport
        + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
        + ice
        + "a=mid:0\r\n"
        + "a=sendonly\r\n"
        + "a=msid:stream-1 track-a\r\n"
        + "a=rtcp-mux\r\n"
        + "a=rtpmap:111 opus/48000/2\r\n"
        + "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
        + "a=ssrc:1111 cname:cname-1\r\n"
        + "a=ssrc:1111 msid:stream-1 track-a\r\n"
        + "m=video 9 UDP/TLS/RTP/SAVPF 102 96\r\n"
        + transport
        + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
        + ice
        + "a=mid:1\r\n"
        + "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
        + "a=sendonly\r\n"
        + "a=msid:stream-1 track-v\r\n"
        + "a=rtcp-mux\r\n"
        + "a=rtpmap:102 H264/90000\r\n"
        + "a=rtcp-fb:102 goog-remb\r\n"
        + "a=rtcp-fb:102 ccm fir\r\n"
        + "a=rtcp-fb:102 nack\r\n"
        + "a=rtcp-fb:102 nack pli\r\n"
        + "a=fmtp:102 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n"
        + "a=rtpmap:96 VP8/90000\r\n"
        + "a=rtcp-fb:96 goog-remb\r\n"
        + "a=rtcp-fb:96 ccm fir\r\n"
        + "a=rtcp-fb:96 nack\r\n"
        + "a=rtcp-fb:96 nack pli\r\n"
        + "a=ssrc:2222 cname:cname-1\r\n"
        + "a=ssrc:2222 msid:stream-1 track-v\r\n"
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
        + transport
        + ice
        + "a=mid:2\r\n"
        + "a=sctp-port:5000\r\n"
        + "a=max-message-size:262144\r\n";
    assertEquals(expected, offer.toString());
    assertEquals(List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8), offer.videoCodecs());
  }

  @Test
  void everySectionFollowsTheRules() throws SdpException {
    SessionDescription sdp = SdpParser.parse(build(parameters().candidate(HOST).endOfCandidates(true).build()).toString());
    assertEquals(List.of("0", "1", "2"), sdp.bundleMids());
    assertEquals(Optional.of(" WMS"), sdp.attributeValue("msid-semantic"));
    assertTrue(Long.parseLong(sdp.origin().sessionId()) >= 0);
    for (MediaDescription m : sdp.media()) {
      assertEquals(10000, m.port(), "the default candidate's port");
      assertEquals(Optional.of(new Connection("IN", "IP4", "192.0.2.10")), m.connection());
      assertEquals(List.of(HOST), m.candidates());
      assertTrue(m.hasAttribute("end-of-candidates"));
      assertEquals(Optional.of(UFRAG), m.attributeValue("ice-ufrag"));
      assertEquals(Optional.of(PWD), m.attributeValue("ice-pwd"));
      assertEquals(Optional.of("trickle"), m.attributeValue("ice-options"));
      assertEquals(FINGERPRINT, Fingerprint.parse(m.attributeValue("fingerprint").orElseThrow()));
      assertTrue(m.attributeValue("fingerprint").orElseThrow().matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"));
      assertEquals(Optional.of("actpass"), m.attributeValue("setup"));
      if (m.isRtp()) {
        assertEquals("UDP/TLS/RTP/SAVPF", m.protocol());
        assertTrue(m.hasAttribute("rtcp-mux"));
        assertEquals(Optional.of("10000 IN IP4 192.0.2.10"), m.attributeValue("rtcp"));
        assertEquals(Optional.of(Direction.SENDONLY), m.direction());
      }
    }
    MediaDescription audio = sdp.media().get(0);
    assertEquals(List.of(111), audio.payloadTypes());
    assertEquals(Optional.of(new RtpMap(111, "opus", 48000, 2)), audio.rtpMap(111));
    assertEquals(Optional.of("minptime=10;useinbandfec=1"), audio.fmtp(111));
    assertEquals(List.of("1111 cname:cname-1", "1111 msid:stream-1 track-a"), audio.attributeValues("ssrc"));
    assertEquals(Optional.of("stream-1 track-a"), audio.attributeValue("msid"));

    MediaDescription video = sdp.media().get(1);
    for (int pt : video.payloadTypes()) {
      assertEquals(List.of("goog-remb", "ccm fir", "nack", "nack pli"), video.rtcpFeedback(pt));
    }
    assertEquals(List.of(new ExtMap(4, ExtMap.ABS_SEND_TIME)), video.extMaps());
    assertEquals(List.of("2222 cname:cname-1", "2222 msid:stream-1 track-v"), video.attributeValues("ssrc"));

    MediaDescription data = sdp.media().get(2);
    assertEquals("UDP/DTLS/SCTP", data.protocol());
    assertEquals(List.of("webrtc-datachannel"), data.formats());
    assertFalse(data.hasAttribute("rtcp-mux"));
    assertEquals(Optional.of("5000"), data.attributeValue("sctp-port"));
    assertEquals(Optional.of("262144"), data.attributeValue("max-message-size"));
  }

  /** The structure of the offers Chromium accepted: same sections, protocols and attributes. */
  @Test
  void hasTheStructureOfTheAcceptedWeriftOffers() throws SdpException {
    SessionDescription ours = SdpParser.parse(build(parameters().candidate(HOST).endOfCandidates(true).build()).toString());
    for (String fixture : List.of(Fixtures.WERIFT_OFFER_H264, Fixtures.WERIFT_OFFER_VP8)) {
      SessionDescription werift = Fixtures.sdp(fixture);
      assertEquals(werift.bundleMids(), ours.bundleMids());
      assertEquals(werift.media().size(), ours.media().size());
      for (int i = 0; i < werift.media().size(); i++) {
        MediaDescription theirs = werift.media().get(i);
        MediaDescription mine = ours.media().get(i);
        assertEquals(theirs.media(), mine.media());
        assertEquals(theirs.protocol(), mine.protocol());
        assertEquals(theirs.mid(), mine.mid());
        assertEquals(theirs.direction(), mine.direction());
        Set<String> missing = names(theirs);
        missing.removeAll(names(mine));
        // werift also offers sdes:mid and audio-level on audio; we demultiplex by SSRC instead.
        if (theirs.media().equals("audio")) missing.remove("extmap");
        assertEquals(Set.of(), missing, "attributes of werift's " + theirs.media() + " section that ours lacks");
      }
      // The codec each werift offer used is offered by us with the same payload type.
      MediaDescription video = werift.firstMedia("video").orElseThrow();
      int pt = video.payloadTypes().get(0);
      assertEquals(video.rtpMap(pt), ours.media().get(1).rtpMap(pt));
    }
  }

  @Test
  void videoCodecsFollowTheClientsPreference() throws SdpException {
    Offer vp8First = build(parameters().preferredVideoCodecs(List.of("VP8", "H264")).build());
    assertEquals(List.of(VideoCodecChoice.VP8, VideoCodecChoice.H264), vp8First.videoCodecs());
    assertEquals(List.of("96", "102"), SdpParser.parse(vp8First.toString()).media().get(1).formats());

    assertEquals(List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8),
        build(parameters().preferredVideoCodecs(List.of("AV1")).build()).videoCodecs());
    assertEquals(List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8),
        build(parameters().preferredVideoCodecs(List.of("H264", "VP8", "VP9", "AV1")).build()).videoCodecs());
    assertEquals(List.of(VideoCodecChoice.VP8, VideoCodecChoice.H264),
        OfferBuilder.videoCodecOrder(List.of("AV1", "vp8", "VP9")));
    assertEquals(List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8), OfferBuilder.videoCodecOrder(List.of()));
    assertEquals(List.of(VideoCodecChoice.VP8, VideoCodecChoice.H264), OfferBuilder.videoCodecOrder(List.of("VP8", "VP8")));
  }

  @Test
  void onlyTheApplicationsCodecsAreOffered() throws SdpException {
    Offer vp8Only = build(parameters().preferredVideoCodecs(List.of("H264", "VP8")).sendableVideoCodecs(List.of("VP8"))
        .build());
    assertEquals(List.of(VideoCodecChoice.VP8), vp8Only.videoCodecs());
    assertEquals(List.of("96"), SdpParser.parse(vp8Only.toString()).media().get(1).formats());

    // The client's order among the sendable ones, then the rest in the application's order.
    assertEquals(List.of(VideoCodecChoice.H264, VideoCodecChoice.VP8),
        OfferBuilder.videoCodecOrder(List.of("H264"), List.of("vp8", "h264")));
    assertEquals(List.of(VideoCodecChoice.VP8, VideoCodecChoice.H264),
        OfferBuilder.videoCodecOrder(List.of("AV1"), List.of("vp8", "h264")));
    assertThrows(IllegalArgumentException.class, () -> OfferBuilder.videoCodecOrder(List.of(), List.of("AV1")));
  }

  @Test
  void speakerOffMakesAudioInactive() throws SdpException {
    SessionDescription sdp = SdpParser.parse(build(parameters().audioActive(false).build()).toString());
    MediaDescription audio = sdp.media().get(0);
    assertEquals(Optional.of(Direction.INACTIVE), audio.direction());
    assertFalse(audio.hasAttribute("sendonly"));
    assertFalse(audio.hasAttribute("msid"));
    assertFalse(audio.hasAttribute("ssrc"));
    assertEquals(Optional.of(new RtpMap(111, "opus", 48000, 2)), audio.rtpMap(111));
    assertEquals(Optional.of("0"), audio.mid());
    assertEquals(Optional.of(Direction.SENDONLY), sdp.media().get(1).direction());
  }

  @Test
  void withoutDataChannel() throws SdpException {
    SessionDescription sdp = SdpParser.parse(build(parameters().includeDataChannel(false).build()).toString());
    assertEquals(List.of("0", "1"), sdp.bundleMids());
    assertEquals(List.of("audio", "video"), sdp.media().stream().map(MediaDescription::media).toList());
  }

  @Test
  void ipv6DefaultCandidateAndTrickleOnlyCandidates() throws SdpException {
    IceCandidate v6 = new IceCandidate("2", 1, "udp", 2130706431L, "fd00::2", 10002, IceCandidate.Type.HOST);
    MediaDescription m = SdpParser.parse(build(parameters().candidate(v6).build()).toString()).media().get(0);
    assertEquals(10002, m.port());
    assertEquals(Optional.of(new Connection("IN", "IP6", "fd00::2")), m.connection());
    assertFalse(m.hasAttribute("end-of-candidates"));

    IceCandidate named = new IceCandidate("3", 1, "udp", 1, "host.example.com", 10003, IceCandidate.Type.HOST);
    MediaDescription n = SdpParser.parse(build(parameters().candidate(named).build()).toString()).media().get(0);
    assertEquals(9, n.port());
    assertEquals(Optional.of(Connection.UNSPECIFIED), n.connection());
    assertEquals(List.of(named), n.candidates());
  }

  @Test
  void sessionIdsAreRandomAndPositive() {
    OfferParameters p = parameters().build();
    OfferBuilder builder = new OfferBuilder();
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < 20; i++) {
      String id = builder.build(p).description().origin().sessionId();
      assertTrue(Long.parseLong(id) >= 0);
      ids.add(id);
    }
    assertEquals(20, ids.size());
    assertEquals(build(p).toString(), build(p).toString(), "a seeded generator gives the same offer");
    assertNotEquals(build(p).toString(), new OfferBuilder(new Random(8)).build(p).toString());
  }

  @Test
  void parametersAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> parameters().ice("abc", PWD).build());
    assertThrows(IllegalArgumentException.class, () -> parameters().ice("ab-c", PWD).build());
    assertThrows(IllegalArgumentException.class, () -> parameters().ice(UFRAG, "short").build());
    assertThrows(IllegalArgumentException.class, () -> parameters().ssrcs(1, 1).build());
    assertThrows(IllegalArgumentException.class, () -> parameters().ssrcs(1L << 32, 1).build());
    assertThrows(IllegalArgumentException.class, () -> parameters().cname("two words").build());
    assertThrows(IllegalArgumentException.class, () -> parameters().stream("s p", "a", "v").build());
    assertThrows(NullPointerException.class, () -> parameters().fingerprint(null).build());
  }

  @Test
  void offerTravelsAsBase64() throws SdpException {
    Offer offer = build(parameters().build());
    assertEquals(offer.description(), SdpParser.parseBase64(offer.toBase64()));
  }

  private static Set<String> names(MediaDescription m) {
    return m.attributes().stream().map(Attribute::name).collect(Collectors.toCollection(LinkedHashSet::new));
  }
}
