package org.streamstack.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.streamstack.media.rtp.AbsSendTime;

class NtpTimeTest {
    @Test
    void unixEpochIsSeconds2208988800() {
        assertEquals(0x83AA7E80_00000000L, NtpTime.fromEpochNanos(0));
        assertEquals(0x83AA7E80_80000000L, NtpTime.fromEpochMillis(500), "half a second is fraction 2^31");
        assertEquals(0x83AA7E81_40000000L, NtpTime.fromEpochMillis(1250));
    }

    @Test
    void aKnownDate() {
        // 2026-11-21T00:00:00Z: 1795219200 s after 1970 -> 4004208000 = 0xEEAB5D80 s after 1900
        long nanos = Instant.parse("2026-11-21T00:00:00Z").getEpochSecond() * 1_000_000_000L;
        assertEquals(0xEEAB5D80_00000000L, NtpTime.fromEpochNanos(nanos));
    }

    @Test
    void roundTripsWithinANanosecondInBothEras() {
        Random random = new Random(5905);
        long era1 = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
        for (long base : new long[] {0, 1_763_683_200_000_000_000L, era1}) {
            for (int i = 0; i < 1000; i++) {
                long nanos = base + (random.nextLong() & 0xFFFF_FFFF_FFFFL);
                long back = NtpTime.toEpochNanos(NtpTime.fromEpochNanos(nanos));
                assertTrue(nanos - back >= 0 && nanos - back <= 1, nanos + " came back as " + back);
            }
        }
        assertTrue((NtpTime.fromEpochNanos(era1) >>> 32) < 0x8000_0000L, "2040 is in era 1: seconds wrapped");
    }

    @Test
    void middle32IsTheLsrForm() {
        assertEquals(0x7E808000L, NtpTime.middle32(0x83AA7E80_80000000L));
        assertEquals(0x00010000L, NtpTime.toDelayUnits(1_000_000_000L) & 0xFFFFFFFFL, "DLSR of 1 s");
    }

    @Test
    void roundTripTimeFromAReportBlock() {
        long sent = NtpTime.fromEpochMillis(1_000_000);
        long arrival = NtpTime.fromEpochMillis(1_000_250);
        ReportBlock block = new ReportBlock(1, 0, 0, 0, 0, NtpTime.middle32(sent), NtpTime.toDelayUnits(200_000_000L));
        long rtt = block.roundTripNanos(arrival).orElseThrow();
        assertTrue(Math.abs(rtt - 50_000_000L) < 50_000, "RTT " + rtt);
        assertTrue(new ReportBlock(1, 0, 0, 0, 0, 0, 0).roundTripNanos(arrival).isEmpty(), "no SR received yet");
    }

    @Test
    void absSendTimeFromNtpMatchesFromNanos() {
        // 2208988800 is a multiple of 64, so the 6-bit seconds agree between the 1900 and 1970 epochs.
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            long nanos = 1_763_683_200_000_000_000L + (random.nextLong() & 0xFF_FFFF_FFFFL);
            int fromNtp = AbsSendTime.fromNtp(NtpTime.fromEpochNanos(nanos));
            int fromNanos = AbsSendTime.fromNanos(nanos);
            int difference = (fromNanos - fromNtp) & 0xFFFFFF;
            assertTrue(difference <= 1, "truncation against rounding: " + difference);
        }
    }
}
