package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Vp8PayloadDescriptorTest {
    static final int A = Vp8PayloadDescriptor.ABSENT;

    static void assertRoundTrip(Vp8PayloadDescriptor d, String hex) throws Exception {
        byte[] expected = RtpPacketTest.hex(hex);
        byte[] written = new byte[d.size()];
        assertEquals(expected.length, d.writeTo(written, 0));
        assertArrayEquals(expected, written);
        assertEquals(d, Vp8PayloadDescriptor.parse(expected, 0, expected.length));
        assertEquals(expected.length, Vp8PayloadDescriptor.length(expected, 0, expected.length));
    }

    @Test
    void vectorsFromTheRfc7741Layout() throws Exception {
        assertRoundTrip(Vp8PayloadDescriptor.minimal(true, 0), "10"); // X=0 S=1 PID=0
        assertRoundTrip(Vp8PayloadDescriptor.minimal(false, 0), "00");
        assertRoundTrip(Vp8PayloadDescriptor.minimal(true, 5), "15");
        // X=1 S=1 | I=1 | M=1 PictureID 0x1234
        assertRoundTrip(Vp8PayloadDescriptor.withPictureId(true, 0, 0x1234), "90 80 9234");
        // X=1 N=1 | I L T K | M=0 PictureID 0x55 | TL0PICIDX 7 | TID 2 Y KEYIDX 9
        assertRoundTrip(new Vp8PayloadDescriptor(true, false, 1, 0x55, false, 7, 2, true, 9), "A1 F0 55 07 A9");
        // L only, K only
        assertRoundTrip(new Vp8PayloadDescriptor(false, true, 0, A, false, 200, A, false, A), "90 40 C8");
        assertRoundTrip(new Vp8PayloadDescriptor(false, true, 0, A, false, A, A, false, 31), "90 10 1F");
    }

    @Test
    void anExtensionByteWithNoFieldStillTakesItsByte() throws Exception {
        byte[] bytes = RtpPacketTest.hex("90 00 AA");
        Vp8PayloadDescriptor d = Vp8PayloadDescriptor.parse(bytes, 0, bytes.length);
        assertTrue(d.startsFrame());
        assertEquals(2, Vp8PayloadDescriptor.length(bytes, 0, bytes.length));
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertArrayEquals(RtpPacketTest.hex("AA"), depacketizer.push(bytes, 0, bytes.length, true).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "80", "90 80", "90 80 92", "90 40", "90 20", "90 10"})
    void rejectsCutShortDescriptors(String hex) {
        byte[] bytes = RtpPacketTest.hex(hex);
        assertThrows(MalformedPacketException.class, () -> Vp8PayloadDescriptor.parse(bytes, 0, bytes.length));
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        assertTrue(depacketizer.push(bytes, 0, bytes.length, true).isEmpty());
        assertEquals(1, depacketizer.malformedPayloads());
    }

    @Test
    void keyframeIsPBitZero() {
        // RFC 6386 9.1: a key frame tag followed by the start code 9d 01 2a
        assertTrue(Vp8Frame.isKeyframe(RtpPacketTest.hex("5003009d012a")));
        assertFalse(Vp8Frame.isKeyframe(RtpPacketTest.hex("510300")));
        assertFalse(Vp8Frame.isKeyframe(RtpPacketTest.hex("5003")), "shorter than a frame tag");
        byte[] offset = RtpPacketTest.hex("FF 5003009d012a");
        assertTrue(Vp8Frame.isKeyframe(offset, 1, 6));
        assertFalse(Vp8Frame.isKeyframe(Arrays.copyOf(offset, 3), 0, 3));
    }

    @Test
    void depacketizerDropsFramesWithoutStartOrWithLoss() {
        Vp8Depacketizer d = new Vp8Depacketizer();
        byte[] middle = RtpPacketTest.hex("00 AABB");
        assertTrue(d.push(middle, 0, middle.length, true).isEmpty(), "no S=1 PID=0 packet came first");
        assertEquals(1, d.droppedFrames());

        assertTrue(d.push(packet(10, 100, "10 AA", false)).isEmpty());
        assertTrue(d.push(packet(12, 100, "00 CC", true)).isEmpty(), "seq 11 lost");
        assertEquals(2, d.droppedFrames());

        assertTrue(d.push(packet(13, 200, "10 01", false)).isEmpty());
        // seq 14, the marker of ts 200, is lost; the frame of ts 300 starts whole at seq 15
        assertTrue(d.push(packet(15, 300, "10 02", false)).isEmpty());
        assertEquals(3, d.droppedFrames());
        assertArrayEquals(RtpPacketTest.hex("0203"), d.push(packet(16, 300, "00 03", true)).orElseThrow());

        assertTrue(d.push(packet(18, 400, "00 04", true)).isEmpty(), "seq 17, the start of ts 400, is lost");
        assertEquals(4, d.droppedFrames());
    }

    static RtpPacket packet(int seq, long ts, String payload, boolean marker) {
        RtpPacket p = new RtpPacket(96, seq, ts, 1);
        p.setPayload(RtpPacketTest.hex(payload));
        p.setMarker(marker);
        return p;
    }
}
