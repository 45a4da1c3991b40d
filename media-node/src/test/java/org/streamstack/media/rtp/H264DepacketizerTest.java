package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class H264DepacketizerTest {
    static byte[] hex(String s) {
        return RtpPacketTest.hex(s);
    }

    static Optional<byte[]> push(H264Depacketizer d, String payload, boolean marker) {
        byte[] b = hex(payload);
        return d.push(b, 0, b.length, marker);
    }

    @Test
    void singleStapAAndFuAPayloadsBecomeAnnexB() {
        H264Depacketizer d = new H264Depacketizer();
        assertTrue(push(d, "78 0002 6742 0002 68CE", false).isEmpty());
        assertTrue(push(d, "7C85 AABB", false).isEmpty());
        assertTrue(push(d, "7C05 CC", false).isEmpty());
        byte[] au = push(d, "7C45 DD", true).orElseThrow();
        assertArrayEquals(hex("00000001 6742 00000001 68CE 00000001 65AABBCCDD"), au);
        assertArrayEquals(hex("00000001 4101"), push(d, "4101", true).orElseThrow());
        assertEquals(0, d.malformedPayloads());
    }

    @Test
    void dropsAndCountsMalformedPayloads() {
        List<String> malformed = List.of(
                "", // empty
                "78 0005 6742", // STAP-A size past the end
                "78 0000", // STAP-A unit of size 0
                "78", // STAP-A with no unit
                "7CC5 AA", // FU with S and E both set (RFC 6184 5.8)
                "7C05 AA", // FU continuation without a start
                "7C85", // FU without payload
                "79 0002 6742", // STAP-B: not packetization-mode 1
                "60 00", // NAL type 0
                "7F 00"); // type 31
        for (String payload : malformed) {
            H264Depacketizer d = new H264Depacketizer();
            assertTrue(push(d, payload, true).isEmpty(), payload);
            assertEquals(1, d.malformedPayloads(), payload);
        }
    }

    @Test
    void anAccessUnitWithAMalformedPartIsDroppedWhole() {
        H264Depacketizer d = new H264Depacketizer();
        push(d, "6742", false);
        push(d, "78 0009 68", false);
        assertTrue(push(d, "6588", true).isEmpty());
        assertEquals(1, d.droppedAccessUnits());
        assertArrayEquals(hex("00000001 4101"), push(d, "4101", true).orElseThrow(), "the next one is fine");
    }

    @Test
    void anUnfinishedFragmentDamagesTheAccessUnit() {
        H264Depacketizer d = new H264Depacketizer();
        push(d, "7C85 AA", false);
        assertTrue(push(d, "7C05 BB", true).isEmpty());
        assertEquals(1, d.droppedAccessUnits());
    }

    @Test
    void detectsLossFromSequenceNumbersAndTimestamps() {
        H264Depacketizer d = new H264Depacketizer();
        assertTrue(d.push(packet(65535, 1000, "7C85 AA", false)).isEmpty());
        // seq 0 lost: the fragment's middle
        assertTrue(d.push(packet(1, 1000, "7C45 CC", true)).isEmpty());
        assertEquals(1, d.droppedAccessUnits());
        assertArrayEquals(hex("00000001 4101"), d.push(packet(2, 4000, "4101", true)).orElseThrow());

        // The marker packet of ts 7000 is lost; ts 10000 arrives next.
        d.push(packet(3, 7000, "4102", false));
        assertTrue(d.push(packet(5, 10000, "4103", true)).isEmpty(), "seq 4 lost: this one may lack a start");
        assertEquals(3, d.droppedAccessUnits());
        assertArrayEquals(hex("00000001 4104"), d.push(packet(6, 13000, "4104", true)).orElseThrow());
    }

    static RtpPacket packet(int seq, long ts, String payload, boolean marker) {
        RtpPacket p = new RtpPacket(102, seq, ts, 1);
        p.setPayload(hex(payload));
        p.setMarker(marker);
        return p;
    }
}
