package org.streamstack.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.streamstack.media.rtp.RtpPacket;
import org.streamstack.media.rtp.RtpStream;

class SenderReportsTest {
    static final long T0 = 1_763_683_200_000_000_000L;

    @Test
    void noReportBeforeTheFirstFrame() {
        assertTrue(SenderReports.create(new RtpStream(1, 96, 90_000, 0, 0, 0), T0).isEmpty());
    }

    @Test
    void pairsTheNtpTimeOfNowWithTheRtpTimeOfNow() {
        RtpStream stream = new RtpStream(0x1234, 96, 90_000, 3, 100, 0xFFFF_0000L);
        List<RtpPacket> packets = stream.packetize(List.of(new byte[1000], new byte[188]), T0);
        for (RtpPacket p : packets) {
            stream.markSent(p, T0 + 2_000_000);
        }
        long now = T0 + 750_000_000L; // the report goes out 750 ms after the last capture
        SenderReport sr = SenderReports.create(stream, now).orElseThrow();

        assertEquals(0x1234, sr.senderSsrc());
        assertEquals(NtpTime.fromEpochNanos(now), sr.ntpTime());
        assertEquals((packets.get(0).timestamp() + 67_500) & 0xFFFF_FFFFL, sr.rtpTimestamp(),
                "RTP time of now, not of the last frame: +0.75 s x 90 kHz");
        assertEquals(stream.rtpTimestamp(now), sr.rtpTimestamp(), "the same linear map as the packets");
        assertEquals(2, sr.packetCount());
        assertEquals(1188, sr.octetCount());
        assertEquals(List.of(), sr.reportBlocks());
    }

    @Test
    void extrapolatesBackwardsAndAcrossTheWrap() {
        assertEquals(0xFFFF_FFFFL - 90, SenderReports.rtpTimestampAt(T0, 0xFFFF_FFFFL, T0 - 1_000_000L, 90_000));
        assertEquals(89, SenderReports.rtpTimestampAt(T0, 0xFFFF_FFFFL, T0 + 1_000_000L, 90_000));
        assertEquals(48, SenderReports.rtpTimestampAt(T0, 0, T0 + 1_000_000L, 48_000));
    }

    @Test
    void countsWrapAt32Bits() {
        RtpStream stream = new RtpStream(1, 96, 90_000, 0, 0, 0);
        RtpPacket packet = stream.packetize(List.of(new byte[1]), T0).get(0);
        stream.markSent(packet, T0);
        SenderReport sr = SenderReports.create(stream, T0).orElseThrow();
        assertEquals(stream.rtpTimestamp(T0), sr.rtpTimestamp());
        assertEquals(1, sr.packetCount());
    }
}
