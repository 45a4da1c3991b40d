package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AbsSendTimeTest {
    @Test
    void takesBits14To37OfNtpTime() {
        // 1.5 s: seconds 1, fraction 0x80000000 -> 6.18 = 1 << 18 | 1 << 17
        assertEquals(0x60000, AbsSendTime.fromNtp(0x0000_0001_8000_0000L));
        // Only the low 6 bits of the seconds survive: 65.5 s reads as 1.5 s.
        assertEquals(0x60000, AbsSendTime.fromNtp(0x0000_0041_8000_0000L));
        assertEquals(0xFFFFFF, AbsSendTime.fromNtp(0xFFFF_FFFF_FFFF_FFFFL));
    }

    @Test
    void convertsNanosWithRoundingAndWrapsEvery64Seconds() {
        assertEquals(0x60000, AbsSendTime.fromNanos(1_500_000_000L));
        assertEquals(0, AbsSendTime.fromNanos(64_000_000_000L));
        assertEquals(0x60000, AbsSendTime.fromNanos(65_500_000_000L));
        assertEquals(1, AbsSendTime.fromNanos(3_815L), "1/2^18 s is 3814.7 ns: rounds to one unit");
        assertEquals(0, AbsSendTime.fromNanos(1_900L));
        assertEquals(1 << 18, AbsSendTime.fromNanos(999_999_999L), "rounding up carries into the seconds");
        assertEquals(1_500_000_000L, AbsSendTime.toNanos(0x60000));
    }

    @Test
    void encodesBigEndianThreeBytes() throws Exception {
        assertArrayEquals(new byte[] {0x06, 0x00, 0x00}, AbsSendTime.encode(0x60000));
        assertEquals(0xABCDEF, AbsSendTime.decode(AbsSendTime.encode(0xABCDEF)));
        assertThrows(MalformedPacketException.class, () -> AbsSendTime.decode(new byte[2]));
    }

    @Test
    void readsAndWritesThePacketElement() throws Exception {
        RtpPacket p = new RtpPacket(96, 1, 2, 3);
        assertEquals(-1, AbsSendTime.read(p, 3));
        AbsSendTime.write(p, 3, 0x123456);
        RtpPacket back = RtpPacket.parse(p.toBytes(), 0, p.size());
        assertEquals(0x123456, AbsSendTime.read(back, 3));
        // RFC 8285 one-byte element: id 3, len-1 = 2 -> 0x32
        assertEquals(0x32, back.toBytes()[16] & 0xFF);
    }
}
