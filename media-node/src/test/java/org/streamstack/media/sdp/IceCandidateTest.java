package org.streamstack.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IceCandidateTest {

  /** Chromium's own forms (WEBRTC.md, fixtures/README.md) and RFC 8839 / RFC 6544 examples. */
  @ParameterizedTest
  @ValueSource(strings = {
      "3477909190 1 udp 2113937151 1b8df784-900d-49b0-93a3-e0b4b0f72610.local 57446 typ host generation 0 ufrag lqZs network-cost 999",
      "32b1715da3b0ef8ba684454eb 1 udp 2116026367 192.0.2.2 48417 typ host generation 0 ufrag 0311",
      "9c29a2bc887618212a1623bfa 1 udp 2116026367 fd00::2 36396 typ host generation 0 ufrag 0311",
      "842163049 1 udp 1677729535 203.0.113.5 50161 typ srflx raddr 192.168.1.10 rport 50161 generation 0 ufrag c+pe network-id 1 network-cost 10",
      "1395239120 1 udp 1845501695 198.51.100.9 60000 typ prflx raddr 0.0.0.0 rport 0 generation 0 ufrag lqZs",
      "2157334355 1 udp 33562367 198.51.100.7 61234 typ relay raddr 203.0.113.5 rport 50161 generation 0 ufrag g/s8 network-id 1",
      "1061493716 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active generation 0 network-id 1",
      "1061493717 1 tcp 1518214911 192.168.1.10 50000 typ host tcptype passive generation 0",
      "1 2 UDP 2130706431 10.0.1.1 8998 typ host",
      "a+/Z 256 udp 0 host.example.com 5000 typ srflx raddr 10.0.0.1 rport 4000",
  })
  void valuesWriteBackUnchanged(String value) throws SdpException {
    IceCandidate c = IceCandidate.parse(value);
    assertEquals(value, c.toAttributeValue());
    assertEquals("candidate:" + value, c.toString());
    assertEquals("a=candidate:" + value, c.toLine().toString());
    assertEquals(c, IceCandidate.parse("candidate:" + value));
    assertEquals(c, IceCandidate.parse("a=candidate:" + value));
    assertEquals(c, IceCandidate.fromBase64(c.toBase64()));
  }

  @Test
  void chromiumMdnsHost() throws SdpException {
    IceCandidate c = IceCandidate.parse("candidate:3477909190 1 udp 2113937151 "
        + "1b8df784-900d-49b0-93a3-e0b4b0f72610.local 57446 typ host generation 0 ufrag lqZs network-cost 999");
    assertTrue(c.isMdns());
    assertEquals("3477909190", c.foundation());
    assertEquals(1, c.component());
    assertTrue(c.isUdp());
    assertEquals(2113937151L, c.priority());
    assertEquals(57446, c.port());
    assertEquals(IceCandidate.Type.HOST, c.type());
    assertFalse(c.hasRelatedAddress());
    assertEquals(-1, c.relatedPort());
    assertEquals(Optional.of("lqZs"), c.ufrag());
    assertEquals(OptionalInt.of(0), c.generation());
    assertEquals(OptionalInt.of(999), c.networkCost());
    assertEquals(OptionalInt.empty(), c.networkId());
    assertEquals(Map.of("generation", "0", "ufrag", "lqZs", "network-cost", "999"), c.extensions());
  }

  @Test
  void srflxRelayAndPrflxCarryTheirBase() throws SdpException {
    IceCandidate srflx = IceCandidate.parse("candidate:842163049 1 udp 1677729535 203.0.113.5 50161 typ srflx raddr 192.168.1.10 rport 50161");
    assertEquals(IceCandidate.Type.SRFLX, srflx.type());
    assertEquals("192.168.1.10", srflx.relatedAddress());
    assertEquals(50161, srflx.relatedPort());
    assertFalse(srflx.isMdns());

    IceCandidate relay = IceCandidate.parse("candidate:2 1 udp 33562367 198.51.100.7 61234 typ relay raddr 203.0.113.5 rport 50161");
    assertEquals(IceCandidate.Type.RELAY, relay.type());
    IceCandidate prflx = IceCandidate.parse("candidate:3 1 udp 1845501695 198.51.100.9 60000 typ prflx raddr 0.0.0.0 rport 0");
    assertEquals(IceCandidate.Type.PRFLX, prflx.type());
    assertEquals(0, prflx.relatedPort());
  }

  @Test
  void tcpCandidateHasItsType() throws SdpException {
    IceCandidate c = IceCandidate.parse("candidate:1061493716 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active generation 0");
    assertTrue(c.isTcp());
    assertEquals(Optional.of("active"), c.tcpType());
  }

  @Test
  void keywordsAreCaseInsensitiveAndWrittenLowercase() throws SdpException {
    IceCandidate c = IceCandidate.parse("candidate:1 1 UDP 1 10.0.0.1 1 TYP SRFLX RADDR 10.0.0.2 RPORT 2");
    assertEquals("1 1 UDP 1 10.0.0.1 1 typ srflx raddr 10.0.0.2 rport 2", c.toAttributeValue());
  }

  @Test
  void mdnsNamesAreRecognisedWithoutResolving() throws SdpException {
    assertTrue(IceCandidate.parse("1 1 udp 1 abc.LOCAL 1 typ host").isMdns());
    assertTrue(IceCandidate.parse("1 1 udp 1 abc.local. 1 typ host").isMdns());
    assertFalse(IceCandidate.parse("1 1 udp 1 local.example.com 1 typ host").isMdns());
    assertFalse(IceCandidate.parse("1 1 udp 1 192.0.2.1 1 typ host").isMdns());
  }

  @Test
  void whatWeSendIsTheCandidatePrefixedFormInBase64() {
    IceCandidate ours = new IceCandidate("1", 1, "udp", 2130706431L, "192.0.2.10", 10000, IceCandidate.Type.HOST)
        .withExtension("generation", "0")
        .withExtension("ufrag", "abcd");
    String decoded = new String(Base64.getDecoder().decode(ours.toBase64()), StandardCharsets.UTF_8);
    assertEquals("candidate:1 1 udp 2130706431 192.0.2.10 10000 typ host generation 0 ufrag abcd", decoded);
  }

  @Test
  void browserFramesDecodeWithOrWithoutPrefix() throws SdpException {
    String value = "3477909190 1 udp 2113937151 192.0.2.3 57446 typ host generation 0";
    String withPrefix = Base64.getEncoder().encodeToString(("candidate:" + value).getBytes(StandardCharsets.UTF_8));
    String without = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    assertEquals(IceCandidate.fromBase64(withPrefix), IceCandidate.fromBase64(without));
  }

  @Test
  void endOfCandidatesMarker() {
    assertTrue(IceCandidate.isEndOfCandidates(""));
    assertTrue(IceCandidate.isEndOfCandidates(null));
    assertTrue(IceCandidate.isEndOfCandidates("candidate:"));
    assertFalse(IceCandidate.isEndOfCandidates("candidate:1 1 udp 1 192.0.2.1 1 typ host"));
  }

  @Test
  void constructorRejectsWhatParseWould() {
    assertThrows(IllegalArgumentException.class,
        () -> new IceCandidate("", 1, "udp", 1, "192.0.2.1", 1, IceCandidate.Type.HOST));
    assertThrows(IllegalArgumentException.class,
        () -> new IceCandidate("1", 1, "udp", 1, "192.0.2.1", 1, IceCandidate.Type.HOST).withExtension("bad name", "x"));
  }
}
