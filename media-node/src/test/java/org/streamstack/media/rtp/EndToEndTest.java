package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames through the whole send path and back: packetizer, RtpStream, abs-send-time stamping,
 * serialization (and the history a NACK would read), parsing, depacketizer.
 */
class EndToEndTest {
    static final long T0 = 1_763_683_200_000_000_000L;

    final Random random = new Random(6184);

    /** Sends one frame; returns the access unit or frame the receiver completes. */
    static Optional<byte[]> send(List<byte[]> payloads, RtpStream stream, long captureNanos, PacketHistory history,
                                 java.util.function.Function<RtpPacket, Optional<byte[]>> receiver) throws Exception {
        List<RtpPacket> packets = stream.packetize(payloads, captureNanos);
        Optional<byte[]> result = Optional.empty();
        for (int i = 0; i < packets.size(); i++) {
            RtpPacket packet = packets.get(i);
            assertEquals(i == packets.size() - 1, packet.marker(), "marker on the last packet only");
            stream.markSent(packet, captureNanos + 1_000_000L * i);
            byte[] wire = packet.toBytes();
            assertTrue(wire.length <= 1208, "RTP packet of " + wire.length + " bytes: 12 + 8 + 1188 at most");
            history.put(wire);
            RtpPacket received = RtpPacket.parse(wire, 0, wire.length);
            assertArrayEquals(wire, history.get(received.sequenceNumber()).orElseThrow());
            result = receiver.apply(received);
            assertEquals(i == packets.size() - 1, result.isPresent());
        }
        return result;
    }

    final H264PacketizerTest nalUnits = new H264PacketizerTest();

    byte[] nal(int header, int size) {
        return nalUnits.nal(header, size);
    }

    @Test
    void h264AccessUnitsSurviveTheTrip() throws Exception {
        H264Packetizer packetizer = new H264Packetizer();
        H264Depacketizer depacketizer = new H264Depacketizer();
        RtpStream stream = new RtpStream(0xABCD, 102, 90_000, 3, 65530, 7);
        PacketHistory history = new PacketHistory();
        byte[] idr = nal(0x65, 9000);
        byte[] first = H264PacketizerTest.annexB(H264PacketizerTest.SPS, H264PacketizerTest.PPS, idr);
        assertArrayEquals(first, send(packetizer.packetize(first), stream, T0, history, depacketizer::push).orElseThrow());
        for (int frame = 1; frame < 30; frame++) {
            byte[] au = H264PacketizerTest.annexB(nal(0x41, 100 + random.nextInt(4000)));
            long capture = T0 + frame * 1_000_000_000L / 30;
            assertArrayEquals(au, send(packetizer.packetize(au), stream, capture, history, depacketizer::push).orElseThrow());
        }
        assertEquals(0, depacketizer.droppedAccessUnits());
        assertEquals(0, depacketizer.malformedPayloads());
    }

    @Test
    void vp8FramesSurviveTheTrip() throws Exception {
        Vp8Packetizer packetizer = new Vp8Packetizer();
        Vp8Depacketizer depacketizer = new Vp8Depacketizer();
        RtpStream stream = RtpStream.video(0x1234, 96, 2, random);
        PacketHistory history = new PacketHistory();
        for (int frame = 0; frame < 30; frame++) {
            byte[] data = new byte[frame == 0 ? 20_000 : 10 + random.nextInt(3000)];
            random.nextBytes(data);
            data[0] = (byte) (frame == 0 ? data[0] & ~1 : data[0] | 1);
            long capture = T0 + frame * 1_000_000_000L / 30;
            byte[] received = send(packetizer.packetize(data), stream, capture, history, depacketizer::push).orElseThrow();
            assertArrayEquals(data, received);
            assertEquals(frame == 0, Vp8Frame.isKeyframe(received));
        }
        assertEquals(0, depacketizer.droppedFrames());
    }
}
