package org.streamstack.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken input never escapes as a RuntimeException: each case names what is wrong. */
class MalformedInputTest {

  private static final String HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

  static Stream<Arguments> sdp() {
    return Stream.of(
        Arguments.of("", "empty SDP"),
        Arguments.of("  \r\n\r\n", "empty SDP"),
        Arguments.of("hello world", "line 1 is not '<type>=<value>': 'hello world'"),
        Arguments.of("<html><body>502 Bad Gateway</body></html>", "line 1 is not '<type>=<value>': '<html><body>502 Bad Gateway</body></html>'"),
        Arguments.of("{\"type\":\"answer\",\"sdp\":\"dj0wDQo=\"}", "line 1 is not '<type>=<value>': '{\"type\":\"answer\",\"sdp\":\"dj0wDQo=\"}'"),
        Arguments.of("o=- 1 2 IN IP4 127.0.0.1\r\nv=0\r\n", "SDP must start with v=0, found 'o=- 1 2 IN IP4 127.0.0.1'"),
        Arguments.of("v=1\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", "unsupported SDP version 'v=1': only v=0 exists (RFC 8866 5.1)"),
        Arguments.of("v=0\r\n", "o= must follow v=0 (RFC 8866 5), found the end of the SDP"),
        Arguments.of("v=0\r\ns=-\r\n", "line 2: o= must follow v=0 (RFC 8866 5), found 's=-'"),
        Arguments.of("v=0\r\no=- 1 2 IN IP4\r\ns=-\r\n", "line 2: o= line needs 6 fields, found 5: 'o=- 1 2 IN IP4'"),
        Arguments.of("v=0\r\no=- abc 2 IN IP4 127.0.0.1\r\ns=-\r\n", "line 2: o= line has a bad session id 'abc'"),
        Arguments.of("v=0\r\no=- 1 x2 IN IP4 127.0.0.1\r\ns=-\r\n", "line 2: o= line has a bad session version 'x2'"),
        Arguments.of("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\n", "line 3: s= must follow o= (RFC 8866 5), found 't=0 0'"),
        Arguments.of(HEAD + "this is not sdp\r\n", "line 5 is not '<type>=<value>': 'this is not sdp'"),
        Arguments.of(HEAD + "=0\r\n", "line 5 is not '<type>=<value>': '=0'"),
        Arguments.of(HEAD + "1=one\r\n", "line 5 is not '<type>=<value>': '1=one'"),
        Arguments.of(HEAD + "a=x\0y\r\n", "line 5 holds a NUL or a lone CR"),
        Arguments.of(HEAD + "a=x\ry\r\n", "line 5 holds a NUL or a lone CR"),
        Arguments.of("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=now\r\n", "line 4: t= line needs '<start-time> <stop-time>': 't=now'"),
        Arguments.of(HEAD + "o=- 1 2 IN IP4 10.0.0.1\r\n", "line 5: o= may appear only once, at the start"),
        Arguments.of(HEAD + "c=IN IP4\r\n", "line 5: c= line needs 3 fields: 'c=IN IP4'"),
        Arguments.of(HEAD + "a=\r\n", "line 5: attribute has an empty name: 'a='"),
        Arguments.of(HEAD + "a=:value\r\n", "line 5: attribute has an empty name: 'a=:value'"),
        Arguments.of(HEAD + "a=bad name:1\r\n", "line 5: bad attribute name 'bad name'"),
        Arguments.of(HEAD + "m=video abc UDP/TLS/RTP/SAVPF 96\r\n", "line 5: m= line has a bad port 'abc'"),
        Arguments.of(HEAD + "m=video 70000 UDP/TLS/RTP/SAVPF 96\r\n", "line 5: m= line has a bad port '70000'"),
        Arguments.of(HEAD + "m=video -1 UDP/TLS/RTP/SAVPF 96\r\n", "line 5: m= line has a bad port '-1'"),
        Arguments.of(HEAD + "m=video 9/0 RTP/AVP 96\r\n", "line 5: m= line has a bad number of ports '9/0'"),
        Arguments.of(HEAD + "m=video 9\r\n", "line 5: m= line needs '<media> <port> <proto> <fmt> ...': 'm=video 9'"),
        Arguments.of(HEAD + "m=video 9 UDP/TLS/RTP/SAVPF\r\n", "line 5: m= line has no formats: 'm=video 9 UDP/TLS/RTP/SAVPF'"),
        Arguments.of(HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 96 abc\r\n", "line 5: m= line has a bad RTP payload type 'abc'"),
        Arguments.of(HEAD + "m=video 9 UDP/TLS/RTP/SAVPF 128\r\n", "line 5: m= line has a bad RTP payload type '128'"),
        Arguments.of(HEAD + "m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", "line 6: t= belongs to the session part, not a media section"),
        Arguments.of(HEAD + "m=audio 9 RTP/AVP 0\r\nm=video x RTP/AVP 96\r\n", "line 6: m= line has a bad port 'x'"),
        Arguments.of(HEAD + "m=audio 9 RTP/AVP 0\r\na=\r\n", "line 6: attribute has an empty name: 'a='"));
  }

  @ParameterizedTest
  @MethodSource("sdp")
  void malformedSdpIsNamed(String text, String message) {
    SdpException e = assertThrows(SdpException.class, () -> SdpParser.parse(text));
    assertEquals(message, e.getMessage());
  }

  /**
   * Seeded mutations of the real captures (bytes dropped, duplicated, replaced, lines cut):
   * parsing and reading the answer either succeed or fail with an SdpException, nothing else.
   */
  @Test
  void mutatedCapturesNeverEscapeAsRuntimeExceptions() throws SdpException {
    SessionDescription offer = Fixtures.sdp(Fixtures.WERIFT_OFFER_H264);
    String answer = Fixtures.text(Fixtures.CHROMIUM_ANSWER_H264);
    String candidate = "candidate:842163049 1 udp 1677729535 203.0.113.5 50161 typ srflx raddr 192.168.1.10 rport 50161 generation 0";
    String alphabet = " :=/\r\n0123456789aAmvz-.";
    java.util.Random random = new java.util.Random(20261121);
    for (int i = 0; i < 3000; i++) {
      String source = i % 3 == 2 ? candidate : answer;
      StringBuilder s = new StringBuilder(source);
      for (int edits = 1 + random.nextInt(4); edits > 0 && s.length() > 0; edits--) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(4)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 2 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> s.setLength(at);
        }
      }
      try {
        if (source == candidate) {
          IceCandidate.parse(s.toString());
        } else {
          AnswerReader.read(offer, SdpParser.parse(s.toString()));
        }
      } catch (SdpException expected) {
        // named failures are the point
      }
    }
  }

  @Test
  void nullSdpIsEmpty() {
    assertEquals("empty SDP", assertThrows(SdpException.class, () -> SdpParser.parse(null)).getMessage());
  }

  @Test
  void badBase64Sdp() {
    assertEquals("SDP is not valid base64",
        assertThrows(SdpException.class, () -> SdpParser.parseBase64("not base64!")).getMessage());
  }

  static Stream<Arguments> candidates() {
    return Stream.of(
        Arguments.of("", "empty candidate"),
        Arguments.of("candidate:", "empty candidate"),
        Arguments.of("candidate:1 1 udp 2122260223 192.0.2.1", "candidate needs at least 8 fields, found 5: '1 1 udp 2122260223 192.0.2.1'"),
        Arguments.of("candidate:bad_foundation 1 udp 1 192.0.2.1 1 typ host", "candidate has a bad foundation 'bad_foundation'"),
        Arguments.of("candidate:" + "a".repeat(33) + " 1 udp 1 192.0.2.1 1 typ host", "candidate has a bad foundation '" + "a".repeat(33) + "'"),
        Arguments.of("candidate:1 0 udp 1 192.0.2.1 1 typ host", "candidate has a bad component id '0'"),
        Arguments.of("candidate:1 one udp 1 192.0.2.1 1 typ host", "candidate has a bad component id 'one'"),
        Arguments.of("candidate:1 1 u(dp 1 192.0.2.1 1 typ host", "candidate has a bad transport 'u(dp'"),
        Arguments.of("candidate:1 1 udp 4294967296 192.0.2.1 1 typ host", "candidate has a bad priority '4294967296'"),
        Arguments.of("candidate:1 1 udp -5 192.0.2.1 1 typ host", "candidate has a bad priority '-5'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1/24 1 typ host", "candidate has a bad address '192.0.2.1/24'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 65536 typ host", "candidate has a bad port '65536'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 type host", "candidate needs 'typ' after the port, found 'type'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ bogus", "candidate has an unknown type 'bogus'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr", "candidate has 'raddr' without an address"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1 rport", "candidate has 'rport' without a port"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1 rport x", "candidate has a bad related port 'x'"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ host generation", "candidate extension 'generation' has no value"),
        Arguments.of("candidate:1 1 udp 1 192.0.2.1 1 typ host generation 0 generation 1", "candidate repeats the extension 'generation'"));
  }

  @ParameterizedTest
  @MethodSource("candidates")
  void malformedCandidateIsNamed(String text, String message) {
    SdpException e = assertThrows(SdpException.class, () -> IceCandidate.parse(text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void badBase64Candidate() {
    assertEquals("candidate is not valid base64",
        assertThrows(SdpException.class, () -> IceCandidate.fromBase64("***")).getMessage());
  }

  static Stream<Arguments> attributeValues() {
    return Stream.of(
        Arguments.of("fingerprint", "sha-256", "a=fingerprint needs '<hash function> <hex bytes>': 'sha-256'"),
        Arguments.of("fingerprint", "sha-256 ZZ:00", "a=fingerprint has a bad hex byte 'ZZ'"),
        Arguments.of("fingerprint", "sha-256 AB:CD", "a=fingerprint sha-256 needs 32 bytes, found 2"),
        Arguments.of("rtpmap", "96", "a=rtpmap needs '<payload type> <encoding>/<clock rate>': '96'"),
        Arguments.of("rtpmap", "200 VP8/90000", "a=rtpmap has a bad payload type '200'"),
        Arguments.of("rtpmap", "96 VP8", "a=rtpmap needs '<encoding>/<clock rate>': '96 VP8'"),
        Arguments.of("rtpmap", "96 VP8/fast", "a=rtpmap has a bad clock rate 'fast'"),
        Arguments.of("extmap", "4", "a=extmap needs '<id> <uri>': '4'"),
        Arguments.of("extmap", "0 urn:x", "a=extmap has a bad id '0'"),
        Arguments.of("extmap", "4/sideways urn:x", "a=extmap has a bad direction 'sideways'"));
  }

  @ParameterizedTest
  @MethodSource("attributeValues")
  void malformedAttributeValuesAreNamed(String attribute, String value, String message) {
    SdpException e = assertThrows(SdpException.class, () -> {
      switch (attribute) {
        case "fingerprint" -> Fingerprint.parse(value);
        case "rtpmap" -> RtpMap.parse(value);
        default -> ExtMap.parse(value);
      }
    });
    assertEquals(message, e.getMessage());
  }
}
