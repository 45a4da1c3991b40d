package org.streamstack.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdpParserTest {

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.WERIFT_OFFER_VP8, Fixtures.WERIFT_OFFER_H264, Fixtures.CHROMIUM_ANSWER_VP8, Fixtures.CHROMIUM_ANSWER_H264})
  void fixturesWriteBackByteForByte(String name) throws SdpException {
    String text = Fixtures.text(name);
    SessionDescription sdp = SdpParser.parse(text);
    assertEquals(text, sdp.toString());
    assertEquals(text.split("\r\n").length, sdp.lineCount());
    assertEquals(sdp, SdpParser.parse(sdp.toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {Fixtures.WERIFT_OFFER_VP8, Fixtures.CHROMIUM_ANSWER_H264})
  void bareLineFeedsAreReadAndCrlfIsWritten(String name) throws SdpException {
    String crlf = Fixtures.text(name);
    SessionDescription sdp = SdpParser.parse(crlf.replace("\r\n", "\n"));
    assertEquals(crlf, sdp.toString());
  }

  @Test
  void weriftVp8OfferInDetail() throws SdpException {
    SessionDescription sdp = Fixtures.sdp(Fixtures.WERIFT_OFFER_VP8);
    assertEquals(63, sdp.lineCount());
    assertEquals(new Origin("-", "89670628", "0", "IN", "IP4", "0.0.0.0"), sdp.origin());
    assertEquals("-", sdp.sessionName());
    assertEquals(List.of("0", "1", "2"), sdp.bundleMids());
    assertEquals(Optional.of("WMS *"), sdp.attributeValue("msid-semantic"));
    assertTrue(sdp.hasAttribute("extmap-allow-mixed"));
    assertTrue(sdp.attribute("extmap-allow-mixed").orElseThrow().isFlag());
    assertEquals(List.of("audio", "video", "application"), sdp.media().stream().map(MediaDescription::media).toList());
    assertEquals(List.of("0", "1", "2"), sdp.media().stream().map(m -> m.mid().orElseThrow()).toList());

    MediaDescription audio = sdp.media().get(0);
    assertEquals(9, audio.port());
    assertEquals("UDP/TLS/RTP/SAVPF", audio.protocol());
    assertEquals(List.of(111), audio.payloadTypes());
    assertEquals(Optional.of(new RtpMap(111, "opus", 48000, 2)), audio.rtpMap(111));
    assertEquals(Optional.of(Direction.SENDONLY), audio.direction());
    assertEquals(Optional.of(new Connection("IN", "IP4", "0.0.0.0")), audio.connection());
    assertEquals(List.of("4228408283 cname:73ff54f7-4599-415c-bafd-476e119f0276"), audio.attributeValues("ssrc"));

    MediaDescription video = sdp.media().get(1);
    assertEquals(List.of(96), video.payloadTypes());
    assertEquals(Optional.of(new RtpMap(96, "VP8", 90000, 0)), video.rtpMap(96));
    assertEquals(Optional.empty(), video.fmtp(96));
    assertEquals(List.of("nack", "nack pli", "ccm fir", "goog-remb"), video.rtcpFeedback(96));
    assertEquals(List.of(
            new ExtMap(3, "urn:ietf:params:rtp-hdrext:sdes:mid"),
            new ExtMap(4, ExtMap.ABS_SEND_TIME),
            new ExtMap(5, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")),
        video.extMaps());
    assertEquals(2, video.candidates().size());
    assertEquals("fd00::2", video.candidates().get(1).address());
    assertTrue(video.hasAttribute("end-of-candidates"));
    assertEquals(Optional.of("actpass"), video.attributeValue("setup"));

    MediaDescription data = sdp.media().get(2);
    assertEquals("UDP/DTLS/SCTP", data.protocol());
    assertEquals(List.of("webrtc-datachannel"), data.formats());
    assertFalse(data.isRtp());
    assertEquals(List.of(), data.payloadTypes());
    assertEquals(Optional.of("5000"), data.attributeValue("sctp-port"));
    assertEquals(Optional.of("65536"), data.attributeValue("max-message-size"));
  }

  @Test
  void weriftH264OfferCarriesPayloadType102() throws SdpException {
    SessionDescription sdp = Fixtures.sdp(Fixtures.WERIFT_OFFER_H264);
    assertEquals(64, sdp.lineCount());
    MediaDescription video = sdp.firstMedia("video").orElseThrow();
    assertEquals(List.of(102), video.payloadTypes());
    assertEquals(Optional.of(new RtpMap(102, "H264", 90000, 0)), video.rtpMap(102));
    assertEquals(Optional.of("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"), video.fmtp(102));
  }

  @Test
  void chromiumAnswersInDetail() throws SdpException {
    SessionDescription h264 = Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_H264);
    SessionDescription vp8 = Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_VP8);
    assertEquals(51, h264.lineCount());
    assertEquals(50, vp8.lineCount());
    for (SessionDescription sdp : List.of(h264, vp8)) {
      // The space is Chromium's: it must survive parsing and writing.
      assertEquals(Optional.of(" WMS"), sdp.attributeValue("msid-semantic"));
      assertTrue(sdp.toString().contains("\r\na=msid-semantic: WMS\r\n"));
      assertEquals(List.of("0", "1", "2"), sdp.bundleMids());
      for (MediaDescription m : sdp.media()) {
        assertEquals(Optional.of("active"), m.attributeValue("setup"));
        assertEquals(List.of(), m.attributeValues("ssrc"));
        assertEquals(List.of(), m.attributeValues("msid"));
        assertEquals(List.of(), m.candidates());
        assertEquals(9, m.port());
      }
      assertEquals(Optional.of(Direction.RECVONLY), sdp.media().get(0).direction());
      assertEquals(Optional.of(Direction.RECVONLY), sdp.media().get(1).direction());
      assertEquals(Optional.of("111 minptime=10;useinbandfec=1"), sdp.media().get(0).attributeValue("fmtp"));
      // Offered ids kept, order changed (fixtures/README.md).
      assertEquals(List.of(4, 5, 3), sdp.media().get(1).extMaps().stream().map(ExtMap::id).toList());
      assertEquals(ExtMap.ABS_SEND_TIME, sdp.media().get(1).extMaps().get(0).uri());
      assertFalse(sdp.media().get(2).hasAttribute("max-message-size"));
    }
    assertEquals(List.of(102), h264.media().get(1).payloadTypes());
    assertEquals(List.of("goog-remb", "ccm fir", "nack", "nack pli"), h264.media().get(1).rtcpFeedback(102));
    assertEquals(List.of(96), vp8.media().get(1).payloadTypes());
    assertEquals(Optional.of(new RtpMap(96, "VP8", 90000, 0)), vp8.media().get(1).rtpMap(96));
  }

  @Test
  void unknownLinesAndAttributesAreKeptInPlace() throws SdpException {
    String text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\ni=about\r\nt=0 0\r\nx=unknown type\r\n"
        + "a=custom-flag\r\na=custom:value with spaces\r\na=empty:\r\n"
        + "m=video 9 RTP/AVP 96\r\nb=AS:300\r\ny=other\r\na=rtpmap:96 VP8/90000\r\nz=after\r\n";
    SessionDescription sdp = SdpParser.parse(text);
    assertEquals(text, sdp.toString());
    assertEquals(new SdpLine('x', "unknown type"), sdp.lines().get(2));
    assertTrue(sdp.attribute("custom-flag").orElseThrow().isFlag());
    assertEquals(Optional.of("value with spaces"), sdp.attributeValue("custom"));
    assertEquals(new Attribute("empty", ""), sdp.attribute("empty").orElseThrow());
    assertEquals(List.of('b', 'y', 'a', 'z'), sdp.media().get(0).lines().stream().map(SdpLine::type).toList());
  }

  @Test
  void blankLinesAndMissingFinalLineEndAreTolerated() throws SdpException {
    SessionDescription sdp = SdpParser.parse("v=0\n\no=- 1 1 IN IP4 0.0.0.0\r\ns=x\r\n\r\nm=audio 0 RTP/AVP 0");
    assertEquals("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=x\r\nm=audio 0 RTP/AVP 0\r\n", sdp.toString());
    assertTrue(sdp.media().get(0).isRejected());
    assertEquals(List.of(), sdp.bundleMids());
  }

  @Test
  void portCountIsKept() throws SdpException {
    SessionDescription sdp = SdpParser.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 49170/2 RTP/AVP 31\r\n");
    assertEquals(2, sdp.media().get(0).portCount());
    assertEquals("video 49170/2 RTP/AVP 31", sdp.media().get(0).mediaLine());
  }

  @Test
  void base64IsTheFrameForm() throws SdpException {
    SessionDescription sdp = Fixtures.sdp(Fixtures.CHROMIUM_ANSWER_VP8);
    assertEquals(sdp, SdpParser.parseBase64(sdp.toBase64()));
  }

  @Test
  void attributesSplitAtTheFirstColon() throws SdpException {
    assertEquals(new Attribute("fingerprint", "sha-256 AB:CD"), Attribute.parse("fingerprint:sha-256 AB:CD"));
    assertEquals(new Attribute("sendonly", null), Attribute.parse("sendonly"));
    assertNull(Attribute.parse("sendonly").value());
    assertEquals("msid-semantic: WMS", Attribute.parse("msid-semantic: WMS").toString());
  }
}
