package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Vp8PacketizerTest {
    final Random random = new Random(8);

    byte[] frame(int size, boolean keyframe) {
        byte[] frame = new byte[size];
        random.nextBytes(frame);
        frame[0] = (byte) (keyframe ? frame[0] & ~1 : frame[0] | 1); // RFC 6386 9.1: P bit
        return frame;
    }

    static byte[] depacketize(Vp8Depacketizer depacketizer, List<byte[]> payloads) {
        Optional<byte[]> result = Optional.empty();
        for (int i = 0; i < payloads.size(); i++) {
            result = depacketizer.push(payloads.get(i), 0, payloads.get(i).length, i == payloads.size() - 1);
        }
        return result.orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 100, 1183, 1184, 1185, 1187, 1188, 1189, 5000, 20_000})
    void roundTripsWithPictureIds(int size) throws Exception {
        Vp8Packetizer packetizer = new Vp8Packetizer(1234);
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        for (int n = 0; n < 3; n++) {
            byte[] frame = frame(size, n == 0);
            List<byte[]> payloads = packetizer.packetize(frame);
            assertEquals((size + 1183) / 1184, payloads.size(), "1184 bytes of frame per 1188-byte payload");
            for (int i = 0; i < payloads.size(); i++) {
                byte[] payload = payloads.get(i);
                assertTrue(payload.length <= Vp8Packetizer.DEFAULT_MAX_PAYLOAD_SIZE);
                Vp8PayloadDescriptor d = Vp8PayloadDescriptor.parse(payload, 0, payload.length);
                assertEquals(i == 0, d.startOfPartition(), "S only on the frame's first packet");
                assertEquals(0, d.partitionId());
                assertFalse(d.nonReference());
                assertEquals(1234 + n, d.pictureId(), "one PictureID per frame");
                assertTrue(d.longPictureId());
                assertEquals(4, d.size());
            }
            assertArrayEquals(frame, depacketize(depacketizer, payloads));
            assertEquals(1234 + n, depacketizer.lastPictureId());
            assertEquals(n == 0, Vp8Frame.isKeyframe(frame));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 1187, 1188, 20_000})
    void roundTripsWithTheOneByteDescriptor(int size) {
        Vp8Packetizer packetizer = new Vp8Packetizer(1188, false, 0);
        byte[] frame = frame(size, true);
        List<byte[]> payloads = packetizer.packetize(frame);
        assertEquals((size + 1186) / 1187, payloads.size());
        assertEquals(0x10, payloads.get(0)[0] & 0xFF, "X=0 S=1 PID=0");
        for (byte[] payload : payloads.subList(1, payloads.size())) {
            assertEquals(0x00, payload[0] & 0xFF);
        }
        assertArrayEquals(frame, depacketize(new Vp8Depacketizer(), payloads));
    }

    @Test
    void pictureIdWrapsAt15Bits() throws Exception {
        Vp8Packetizer packetizer = new Vp8Packetizer(32767);
        byte[] first = packetizer.packetize(frame(10, true)).get(0);
        byte[] second = packetizer.packetize(frame(10, false)).get(0);
        assertArrayEquals(RtpPacketTest.hex("9080FFFF"), java.util.Arrays.copyOf(first, 4));
        assertArrayEquals(RtpPacketTest.hex("90808000"), java.util.Arrays.copyOf(second, 4));
        assertEquals(1, packetizer.nextPictureId());
    }

    @Test
    void payloadsAreOfNearEqualSize() {
        List<byte[]> payloads = new Vp8Packetizer(7).packetize(frame(2400, true));
        assertEquals(3, payloads.size());
        for (byte[] payload : payloads) {
            assertEquals(804, payload.length, "800 bytes each plus the descriptor, not 1188/1188/36");
        }
    }

    @Test
    void rejectsEmptyFramesAndBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Vp8Packetizer(1).packetize(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Vp8Packetizer(4, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new Vp8Packetizer(32768));
    }
}
