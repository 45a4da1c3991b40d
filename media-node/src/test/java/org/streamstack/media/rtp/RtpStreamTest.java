package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpStreamTest {
    static final long T0 = 1_763_683_200_000_000_000L; // 2025-11-21T00:00:00Z in epoch nanos

    static List<byte[]> payloads(int... sizes) {
        return java.util.Arrays.stream(sizes).mapToObj(byte[]::new).toList();
    }

    @Test
    void numbersPacketsConsecutivelyAcrossTheWrapAndMarksTheLast() {
        RtpStream stream = new RtpStream(0xCAFEBABEL, 96, 90_000, RtpStream.NO_EXTENSION, 65534, 0);
        List<RtpPacket> packets = stream.packetize(payloads(10, 20, 30), T0);
        assertEquals(List.of(65534, 65535, 0), packets.stream().map(RtpPacket::sequenceNumber).toList());
        assertEquals(List.of(false, false, true), packets.stream().map(RtpPacket::marker).toList());
        for (RtpPacket p : packets) {
            assertEquals(96, p.payloadType());
            assertEquals(0xCAFEBABEL, p.ssrc());
            assertEquals(packets.get(0).timestamp(), p.timestamp(), "one timestamp per frame");
            assertTrue(p.extensions().isEmpty());
        }
        assertEquals(1, stream.nextSequenceNumber());
        assertEquals(1, stream.packetize(payloads(5), T0 + 33_333_333L).get(0).sequenceNumber());
    }

    @Test
    void audioChoosesItsMarkerAndCounts48kHzTicks() {
        RtpStream stream = new RtpStream(7, 111, RtpStream.OPUS_CLOCK_RATE, RtpStream.NO_EXTENSION, 100, 0);
        RtpPacket first = stream.packetize(payloads(40), T0, true).get(0);
        RtpPacket next = stream.packetize(payloads(40), T0 + 20_000_000L, false).get(0);
        assertTrue(first.marker());
        assertFalse(next.marker(), "one packet per frame, yet unmarked");
        assertEquals(960, next.timestamp() - first.timestamp(), "20 ms at 48 kHz");
        assertEquals(101, next.sequenceNumber());
        List<RtpPacket> unmarked = stream.packetize(payloads(1, 1), T0 + 40_000_000L, false);
        assertEquals(List.of(false, false), unmarked.stream().map(RtpPacket::marker).toList());
    }

    @Test
    void timestampsFollowTheCaptureClockAt90kHzAndWrap() {
        long offset = 0xFFFF_FFF0L;
        RtpStream stream = new RtpStream(1, 96, 90_000, RtpStream.NO_EXTENSION, 0, offset);
        long ts0 = stream.packetize(payloads(1), T0).get(0).timestamp();
        assertEquals((offset + RtpStream.ticks(T0, 90_000)) & 0xFFFF_FFFFL, ts0);
        long ts1 = stream.packetize(payloads(1), T0 + 1_000_000_000L / 30).get(0).timestamp();
        assertEquals(3000, (ts1 - ts0) & 0xFFFF_FFFFL, "1/30 s is 3000 ticks");
        long ts2 = stream.packetize(payloads(1), T0 + 100_000_000_000L).get(0).timestamp();
        assertEquals(9_000_000, (ts2 - ts0) & 0xFFFF_FFFFL);
        assertTrue(stream.hasCapture());
        assertEquals(T0 + 100_000_000_000L, stream.lastCaptureNanos());
        assertEquals(ts2, stream.lastRtpTimestamp());

        RtpStream wrapping = new RtpStream(1, 96, 90_000, RtpStream.NO_EXTENSION, 0, 0);
        long base = wrapping.rtpTimestamp(0);
        assertEquals(0, base);
        long nearWrap = (1L << 32) - 10;
        long nanos = nearWrap * 1_000_000_000L / 90_000 + 1;
        assertEquals(nearWrap, wrapping.rtpTimestamp(nanos));
        assertEquals(80, wrapping.rtpTimestamp(nanos + 1_000_000L), "wraps modulo 2^32 (90 ticks per ms)");
    }

    @Test
    void ticksAreExactForEpochTimes() {
        assertEquals(90_000L * 1_763_683_200L, RtpStream.ticks(T0, 90_000));
        assertEquals(90_000L * 1_763_683_200L + 1, RtpStream.ticks(T0 + 11_112, 90_000));
        assertEquals(90_000L * 1_763_683_200L + 1, RtpStream.ticks(T0 + 5_556, 90_000), "rounds to the nearest tick");
        assertEquals(90_000L * 1_763_683_200L, RtpStream.ticks(T0 + 5_555, 90_000));
        assertEquals(0, RtpStream.ticks(-1, 90_000));
        assertEquals(-1, RtpStream.ticks(-11_112, 90_000), "times before the epoch too");
        for (int frame = 1; frame <= 300; frame++) {
            long previous = T0 + (frame - 1) * 1_000_000_000L / 30;
            long current = T0 + frame * 1_000_000_000L / 30;
            assertEquals(3000, RtpStream.ticks(current, 90_000) - RtpStream.ticks(previous, 90_000),
                    "30 fps frames, 33,333,333 or 33,333,334 ns apart, are 3000 ticks apart");
        }
    }

    @Test
    void reservesAndStampsAbsSendTimeAtSendTime() throws Exception {
        RtpStream stream = new RtpStream(1, 96, 90_000, 3, 0, 0);
        RtpPacket p = stream.packetize(payloads(100), T0).get(0);
        assertArrayEquals(new byte[3], p.extension(3).orElseThrow(), "reserved at packetization");
        int sizeBefore = p.size();
        stream.markSent(p, 5_250_000_000L);
        assertEquals(sizeBefore, p.size(), "stamping does not change the size");
        RtpPacket sent = RtpPacket.parse(p.toBytes(), 0, p.size());
        assertEquals(AbsSendTime.fromNanos(5_250_000_000L), AbsSendTime.read(sent, 3));
        assertEquals(0x150000, AbsSendTime.read(sent, 3), "5.25 s in 6.18");

        stream.stampAbsSendTime(sent, 6_000_000_000L);
        assertEquals(6 << 18, AbsSendTime.read(sent, 3), "a retransmission is stamped again");
    }

    @Test
    void countsPacketsAndPayloadOctetsMarkedSent() {
        RtpStream stream = new RtpStream(1, 96, 90_000, 2, 0, 0);
        List<RtpPacket> packets = stream.packetize(payloads(1000, 500), T0);
        assertEquals(0, stream.packetsSent());
        packets.get(0).setPaddingSize(20);
        for (RtpPacket p : packets) {
            stream.markSent(p, T0);
        }
        assertEquals(2, stream.packetsSent());
        assertEquals(1500, stream.octetsSent(), "payload only: no header, extension or padding");
    }

    @Test
    void randomStartComesFromTheGivenGenerator() {
        RtpStream a = RtpStream.video(1, 96, 3, new Random(1));
        RtpStream b = RtpStream.video(1, 96, 3, new Random(1));
        RtpStream c = RtpStream.video(1, 96, 3, new Random(2));
        assertEquals(a.nextSequenceNumber(), b.nextSequenceNumber());
        assertEquals(a.timestampOffset(), b.timestampOffset());
        assertNotEquals(a.timestampOffset(), c.timestampOffset());
        assertTrue(a.timestampOffset() >= 0 && a.timestampOffset() <= 0xFFFF_FFFFL);
        assertEquals(90_000, a.clockRate());
        assertFalse(a.hasCapture());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(-1, 96, 90_000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(1, 128, 90_000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(1, 96, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(1, 96, 90_000, 15, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(1, 96, 90_000, 0, 65536, 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpStream(1, 96, 90_000, 0, 0, 1L << 32));
    }
}
