package org.streamstack.media.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IceCandidateTest {

    @Test
    void parsesChromiumsTrickledMdnsCandidate() {
        // As Chromium 156 trickles it (shared/fixtures/README.md).
        IceCandidate c = IceCandidate.parse("candidate:3477909190 1 udp 2113937151 "
                + "1b8df784-900d-49b0-93a3-e0b4b0f72610.local 57446 typ host generation 0 ufrag lqZs network-cost 999")
                .orElseThrow();
        assertEquals("3477909190", c.foundation());
        assertEquals(1, c.component());
        assertEquals(2113937151L, c.priority());
        assertEquals(57446, c.port());
        assertEquals("host", c.type());
        assertTrue(c.isMdns());
        assertTrue(c.isUdp());
        assertNull(c.relatedAddress());
    }

    @Test
    void parsesRelatedAddressesAndRoundTrips() {
        String line = "candidate:842163049 1 udp 1677729535 198.51.100.7 61234 typ srflx raddr 10.0.0.5 rport 50000";
        IceCandidate c = IceCandidate.parse("a=" + line).orElseThrow();
        assertEquals("srflx", c.type());
        assertEquals("10.0.0.5", c.relatedAddress());
        assertEquals(50000, c.relatedPort());
        assertFalse(c.isMdns());
        assertEquals(line, c.toSdp());
    }

    @Test
    void rejectsMalformedLines() {
        assertTrue(IceCandidate.parse("candidate:1 1 udp").isEmpty());
        assertTrue(IceCandidate.parse("candidate:1 1 udp x 1.2.3.4 5 typ host").isEmpty());
        assertTrue(IceCandidate.parse("candidate:1 1 udp 1 1.2.3.4 99999 typ host").isEmpty());
        assertTrue(IceCandidate.parse("candidate:1 1 udp 1 1.2.3.4 5 type host").isEmpty());
    }

    @Test
    void onlyIpLiteralsBecomeAddressesNeverNames() {
        assertEquals("127.0.0.1", IceTransport.literal("127.0.0.1").getHostAddress());
        assertTrue(IceTransport.literal("2001:db8::1") != null);
        assertNull(IceTransport.literal("example.com"));
        assertNull(IceTransport.literal("abc.local"));
    }
}
