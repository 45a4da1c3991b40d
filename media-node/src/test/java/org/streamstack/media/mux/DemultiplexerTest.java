package org.streamstack.media.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DemultiplexerTest {

    /** RFC 7983 section 7, with RFC 5761 section 4 inside 128..191, for every first byte. */
    static PacketKind expected(int first, int second) {
        if (first <= 3) {
            return PacketKind.STUN;
        }
        if (first >= 16 && first <= 19) {
            return PacketKind.ZRTP;
        }
        if (first >= 20 && first <= 63) {
            return PacketKind.DTLS;
        }
        if (first >= 64 && first <= 79) {
            return PacketKind.TURN_CHANNEL;
        }
        if (first >= 128 && first <= 191) {
            return second >= 192 && second <= 223 ? PacketKind.RTCP : PacketKind.RTP;
        }
        return PacketKind.UNKNOWN;
    }

    @Test
    void everyFirstByteIsClassifiedPerRfc7983() {
        int[] counts = new int[PacketKind.values().length];
        for (int first = 0; first <= 255; first++) {
            byte[] packet = {(byte) first, 96};
            PacketKind kind = PacketKind.classify(packet, 0, packet.length);
            assertEquals(expected(first, 96), kind, "first byte " + first);
            counts[kind.ordinal()]++;
        }
        assertEquals(4, counts[PacketKind.STUN.ordinal()]);
        assertEquals(4, counts[PacketKind.ZRTP.ordinal()]);
        assertEquals(44, counts[PacketKind.DTLS.ordinal()]);
        assertEquals(16, counts[PacketKind.TURN_CHANNEL.ordinal()]);
        assertEquals(64, counts[PacketKind.RTP.ordinal()]);
        assertEquals(256 - 4 - 4 - 44 - 16 - 64, counts[PacketKind.UNKNOWN.ordinal()]);
    }

    @Test
    void withinRtpRangeTheSecondByteSeparatesRtcpPerRfc5761() {
        for (int second = 0; second <= 255; second++) {
            byte[] packet = {(byte) 0x80, (byte) second};
            assertEquals(second >= 192 && second <= 223 ? PacketKind.RTCP : PacketKind.RTP,
                    PacketKind.classify(packet, 0, 2), "second byte " + second);
        }
        // The RTCP types WebRTC meets: SR 200, RR 201, SDES 202, BYE 203, RTPFB 205, PSFB 206.
        for (int type : new int[] {200, 201, 202, 203, 205, 206}) {
            assertEquals(PacketKind.RTCP, PacketKind.classify(new byte[] {(byte) 0x81, (byte) type}, 0, 2));
        }
        // VP8 payload type 96 with and without the marker bit stays RTP.
        assertEquals(PacketKind.RTP, PacketKind.classify(new byte[] {(byte) 0x80, (byte) 0xE0}, 0, 2));
        assertEquals(PacketKind.RTP, PacketKind.classify(new byte[] {(byte) 0x80}, 0, 1));
    }

    @Test
    void classifyHonoursOffsetAndRejectsBadBounds() {
        byte[] buf = {0, 0, 22, (byte) 0x80, (byte) 200};
        assertEquals(PacketKind.DTLS, PacketKind.classify(buf, 2, 1));
        assertEquals(PacketKind.RTCP, PacketKind.classify(buf, 3, 2));
        assertEquals(PacketKind.UNKNOWN, PacketKind.classify(buf, 4, 5));
        assertEquals(PacketKind.UNKNOWN, PacketKind.classify(buf, -1, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.classify(null, 0, 1));
        assertEquals(PacketKind.UNKNOWN, PacketKind.classify(buf, 0, 0));
    }

    @Test
    void routesEachKindToItsHandlerAndCountsEveryDropByReason() {
        Map<PacketKind, List<Integer>> seen = new EnumMap<>(PacketKind.class);
        Demultiplexer demux = new Demultiplexer();
        for (PacketKind kind : new PacketKind[] {PacketKind.STUN, PacketKind.DTLS, PacketKind.RTP, PacketKind.RTCP}) {
            demux.on(kind, (buf, off, len) -> seen.computeIfAbsent(kind, k -> new ArrayList<>()).add(len));
        }
        assertEquals(PacketKind.DTLS, demux.accept(withFirst(22, 13), 0, 13));
        assertEquals(PacketKind.RTP, demux.accept(rtp(96, 100), 0, 100));
        assertEquals(PacketKind.RTCP, demux.accept(rtp(201, 32), 0, 32));
        assertEquals(PacketKind.STUN, demux.accept(withFirst(0, 20), 0, 20));

        assertEquals(PacketKind.UNKNOWN, demux.accept(new byte[0], 0, 0));
        assertEquals(PacketKind.UNKNOWN, demux.accept(null, 0, 10));
        assertEquals(PacketKind.UNKNOWN, demux.accept(withFirst(100, 50), 0, 50));
        assertEquals(PacketKind.UNKNOWN, demux.accept(withFirst(17, 50), 0, 50));
        assertEquals(PacketKind.UNKNOWN, demux.accept(withFirst(22, 12), 0, 12));
        assertEquals(PacketKind.UNKNOWN, demux.accept(rtp(96, 11), 0, 11));
        assertEquals(PacketKind.UNKNOWN, demux.accept(withFirst(0x40, 50), 0, 50));

        assertEquals(1, demux.delivered(PacketKind.DTLS));
        assertEquals(1, demux.delivered(PacketKind.RTP));
        assertEquals(1, demux.delivered(PacketKind.RTCP));
        assertEquals(1, demux.delivered(PacketKind.STUN));
        assertEquals(2, demux.dropped(DropReason.EMPTY));
        assertEquals(1, demux.dropped(DropReason.UNKNOWN_FIRST_BYTE));
        assertEquals(1, demux.dropped(DropReason.ZRTP));
        assertEquals(2, demux.dropped(DropReason.TOO_SHORT));
        assertEquals(1, demux.dropped(DropReason.NO_HANDLER));
        assertEquals(List.of(13), seen.get(PacketKind.DTLS));
    }

    @Test
    void aThrowingHandlerOrRandomGarbageNeverEscapes() {
        Demultiplexer demux = new Demultiplexer()
                .on(PacketKind.DTLS, (buf, off, len) -> {
                    throw new IllegalStateException("boom");
                })
                .on(PacketKind.RTP, (buf, off, len) -> { })
                .on(PacketKind.RTCP, (buf, off, len) -> { });
        Random random = new Random(7983);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            int off = junk.length == 0 ? 0 : random.nextInt(junk.length);
            int len = random.nextInt(junk.length + 3) - 1;
            demux.accept(junk, off, len);
            accepted++;
        }
        assertEquals(20_000, accepted);
        long delivered = demux.deliveredCounts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(20_000, delivered + demux.droppedTotal());
        assertEquals(demux.dropped(DropReason.HANDLER_FAILED) > 0, true);
    }

    private static byte[] withFirst(int first, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) first;
        return b;
    }

    private static byte[] rtp(int secondByte, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) 0x80;
        b[1] = (byte) secondByte;
        return b;
    }
}
