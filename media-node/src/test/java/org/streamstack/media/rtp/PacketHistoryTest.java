package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketHistoryTest {
    static byte[] packet(int seq, int tag) {
        RtpPacket p = new RtpPacket(96, seq & 0xFFFF, 0, 1);
        p.setPayload(new byte[] {(byte) tag, (byte) (tag >>> 8), (byte) (tag >>> 16)});
        return p.toBytes();
    }

    static int tag(byte[] packet) {
        return (packet[12] & 0xFF) | (packet[13] & 0xFF) << 8 | (packet[14] & 0xFF) << 16;
    }

    @Test
    void keepsTheLastNAcrossTheSequenceWrap() {
        PacketHistory history = new PacketHistory();
        int first = 65000;
        for (int i = 0; i < 3000; i++) {
            history.put(packet(first + i, i));
        }
        int newest = (first + 2999) & 0xFFFF;
        assertEquals(2463, newest);
        for (int age = 0; age < 1024; age++) {
            int seq = (newest - age) & 0xFFFF;
            assertEquals(2999 - age, tag(history.get(seq).orElseThrow()), "seq " + seq);
        }
        assertTrue(history.get((newest - 1024) & 0xFFFF).isEmpty(), "older than the last 1024");
        assertTrue(history.get(65535).isEmpty());
        assertTrue(history.get(newest + 1).isEmpty(), "not sent yet");
    }

    @Test
    void worksWithACapacityThatIsNoPowerOfTwo() {
        PacketHistory history = new PacketHistory(1000);
        for (int i = 0; i < 70_000; i++) {
            history.put(packet(i, i));
        }
        int newest = 69_999 & 0xFFFF;
        assertEquals(69_999, tag(history.get(newest).orElseThrow()));
        assertEquals(69_000, tag(history.get((newest - 999) & 0xFFFF).orElseThrow()));
        assertTrue(history.get((newest - 1000) & 0xFFFF).isEmpty());
    }

    @Test
    void aSequenceNumberSeenAgainAfterAFullCycleIsNotTheOldPacket() {
        PacketHistory history = new PacketHistory(16);
        history.put(packet(5, 1));
        for (int seq = 6; seq < 65536 + 3; seq++) {
            if (seq != 65536 + 5) {
                history.put(packet(seq, 2));
            }
        }
        // newest is 65538 (seq 2); seq 5 of the first cycle is 65533 packets old
        assertTrue(history.get(5).isEmpty());
    }

    @Test
    void skipsGapsAndAcceptsLatePuts() {
        PacketHistory history = new PacketHistory(64);
        history.put(packet(10, 10));
        history.put(packet(20, 20));
        assertTrue(history.get(15).isEmpty());
        history.put(packet(15, 15));
        assertEquals(15, tag(history.get(15).orElseThrow()));
        assertEquals(20, tag(history.get(20).orElseThrow()));
        assertEquals(10, tag(history.get(10).orElseThrow()));

        PacketHistory early = new PacketHistory(64);
        early.put(packet(1, 1));
        early.put(packet(65535, 9)); // one before the first, across the wrap
        assertEquals(9, tag(early.get(65535).orElseThrow()));
        assertEquals(1, tag(early.get(1).orElseThrow()));
    }

    @Test
    void returnsCopiesBecauseSrtpProtectsInPlace() {
        PacketHistory history = new PacketHistory(8);
        byte[] original = packet(7, 77);
        history.put(original);
        original[12] = 0; // the sender reuses its buffer
        byte[] first = history.get(7).orElseThrow();
        assertEquals(77, tag(first));
        first[12] = 0;
        assertEquals(77, tag(history.get(7).orElseThrow()));

        byte[] framed = new byte[40];
        System.arraycopy(packet(8, 88), 0, framed, 5, 15);
        history.put(framed, 5, 15);
        assertArrayEquals(packet(8, 88), history.get(8).orElseThrow());
    }

    @Test
    void rejectsBadInput() {
        assertTrue(new PacketHistory().get(0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new PacketHistory(0));
        assertThrows(IllegalArgumentException.class, () -> new PacketHistory(40_000));
        assertThrows(IllegalArgumentException.class, () -> new PacketHistory().put(new byte[11]));
    }
}
