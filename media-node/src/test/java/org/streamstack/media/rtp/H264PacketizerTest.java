package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264PacketizerTest {
    // Real-shaped parameter sets for constrained baseline 3.1 (42e01f, the werift offer's profile).
    static final byte[] SPS = RtpPacketTest.hex("6742E01F DA014016 E8400000 03004000 000CA3C6 0CA8");
    static final byte[] PPS = RtpPacketTest.hex("68CE3C80");
    static final byte[] SEI = RtpPacketTest.hex("0605FF FF AA BB 80");
    static final byte[] AUD = RtpPacketTest.hex("09F0");

    final Random random = new Random(42);

    /** A NAL unit of {@code size} bytes: the header, then bytes that never form 00 00 0x. */
    byte[] nal(int header, int size) {
        byte[] nal = new byte[size];
        nal[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (1 + random.nextInt(255));
        }
        return nal;
    }

    static byte[] annexB(byte[]... nalUnits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nalUnits) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    /** Feeds the payloads with the marker on the last, as RtpStream sends them; returns the access unit. */
    static byte[] depacketize(H264Depacketizer depacketizer, List<byte[]> payloads) {
        Optional<byte[]> result = Optional.empty();
        for (int i = 0; i < payloads.size(); i++) {
            boolean marker = i == payloads.size() - 1;
            result = depacketizer.push(payloads.get(i), 0, payloads.get(i).length, marker);
            if (!marker) {
                assertTrue(result.isEmpty(), "nothing before the marker");
            }
        }
        return result.orElseThrow();
    }

    static void assertAllFit(List<byte[]> payloads, int max) {
        for (byte[] payload : payloads) {
            assertTrue(payload.length <= max, "payload of " + payload.length + " > " + max);
        }
    }

    @Test
    void spsPpsAndIdrGoInOneStapA() {
        byte[] idr = nal(0x65, 600);
        byte[] au = annexB(SPS, PPS, idr);
        H264Packetizer packetizer = new H264Packetizer();
        List<byte[]> payloads = packetizer.packetize(au);

        assertEquals(1, payloads.size());
        byte[] stapA = payloads.get(0);
        assertEquals(H264NalUnitType.STAP_A, stapA[0] & 0x1F);
        assertEquals(0x60, stapA[0] & 0x60, "NRI is the maximum of the aggregated units (RFC 6184 5.7)");
        assertEquals(SPS.length, ((stapA[1] & 0xFF) << 8) | (stapA[2] & 0xFF));
        assertArrayEquals(SPS, Arrays.copyOfRange(stapA, 3, 3 + SPS.length));
        assertArrayEquals(au, depacketize(new H264Depacketizer(), payloads));
        assertEquals(0, packetizer.parameterSetsInserted());
    }

    @Test
    void stapAVectorFromTheRfcLayout() {
        // RFC 6184 5.7.1 figure 7: header, then size and unit for each NAL unit.
        byte[] au = annexB(RtpPacketTest.hex("6742"), RtpPacketTest.hex("68CE"));
        List<byte[]> payloads = new H264Packetizer().packetize(au);
        assertEquals(1, payloads.size());
        assertArrayEquals(RtpPacketTest.hex("78 0002 6742 0002 68CE"), payloads.get(0));
    }

    @Test
    void aLargeSliceIsFragmentedIntoFuAsAfterAStapAOfParameterSets() {
        byte[] idr = nal(0x65, 5000);
        byte[] au = annexB(SPS, PPS, idr);
        List<byte[]> payloads = new H264Packetizer().packetize(au);

        assertAllFit(payloads, H264Packetizer.DEFAULT_MAX_PAYLOAD_SIZE);
        assertEquals(H264NalUnitType.STAP_A, payloads.get(0)[0] & 0x1F, "SPS and PPS share a STAP-A");
        List<byte[]> fragments = payloads.subList(1, payloads.size());
        assertEquals(5, fragments.size(), "4999 bytes in 1186-byte fragments");
        for (int i = 0; i < fragments.size(); i++) {
            byte[] fu = fragments.get(i);
            assertEquals(0x7C, fu[0] & 0xFF, "FU indicator: F=0, NRI=3 of the IDR, type 28");
            int expectedHeader = (i == 0 ? 0x80 : 0) | (i == fragments.size() - 1 ? 0x40 : 0) | H264NalUnitType.IDR;
            assertEquals(expectedHeader, fu[1] & 0xFF, "FU header S/E bits and original type");
        }
        int smallest = fragments.stream().mapToInt(f -> f.length).min().orElseThrow();
        int largest = fragments.stream().mapToInt(f -> f.length).max().orElseThrow();
        assertTrue(largest - smallest <= 1, "fragments are of near-equal size");
        assertArrayEquals(au, depacketize(new H264Depacketizer(), payloads));
    }

    @Test
    void aNalUnitThatFitsAloneIsASingleNalUnitPacket() {
        byte[] slice = nal(0x41, 1188);
        List<byte[]> payloads = new H264Packetizer().packetize(annexB(slice));
        assertEquals(1, payloads.size());
        assertArrayEquals(slice, payloads.get(0));

        List<byte[]> fragmented = new H264Packetizer().packetize(annexB(nal(0x41, 1189)));
        assertEquals(2, fragmented.size(), "one byte over goes to FU-A");
    }

    @Test
    void insertsTheLastParameterSetsBeforeAnIdrThatLacksThem() {
        H264Packetizer packetizer = new H264Packetizer();
        H264Depacketizer depacketizer = new H264Depacketizer();
        byte[] first = annexB(SPS, PPS, nal(0x65, 3000));
        assertArrayEquals(first, depacketize(depacketizer, packetizer.packetize(first)));
        byte[] delta = annexB(nal(0x41, 2000));
        assertArrayEquals(delta, depacketize(depacketizer, packetizer.packetize(delta)));

        byte[] idr = nal(0x65, 3000);
        List<byte[]> payloads = packetizer.packetize(annexB(idr));
        assertEquals(H264NalUnitType.STAP_A, payloads.get(0)[0] & 0x1F, "the inserted SPS/PPS travel in a STAP-A");
        assertArrayEquals(annexB(SPS, PPS, idr), depacketize(depacketizer, payloads));
        assertEquals(1, packetizer.parameterSetsInserted());
    }

    @Test
    void parameterSetsGoAfterTheDelimiterAndAMissingPpsAfterThePresentSps() {
        H264Packetizer packetizer = new H264Packetizer();
        packetizer.packetize(annexB(SPS, PPS, nal(0x65, 100)));

        byte[] idr = nal(0x65, 100);
        assertArrayEquals(annexB(AUD, SPS, PPS, SEI, idr),
                depacketize(new H264Depacketizer(), packetizer.packetize(annexB(AUD, SEI, idr))));

        byte[] newSps = RtpPacketTest.hex("6742E01F DA0140");
        assertArrayEquals(annexB(AUD, newSps, PPS, idr),
                depacketize(new H264Depacketizer(), packetizer.packetize(annexB(AUD, newSps, idr))));
        assertEquals(2, packetizer.parameterSetsInserted());
    }

    @Test
    void anIdrBeforeAnyParameterSetIsSentAsIsAndCounted() {
        H264Packetizer packetizer = new H264Packetizer();
        byte[] au = annexB(nal(0x65, 200));
        assertArrayEquals(au, depacketize(new H264Depacketizer(), packetizer.packetize(au)));
        assertEquals(1, packetizer.idrsWithoutParameterSets());
    }

    @Test
    void nonIdrAccessUnitsAreLeftAlone() {
        H264Packetizer packetizer = new H264Packetizer();
        packetizer.packetize(annexB(SPS, PPS, nal(0x65, 100)));
        byte[] au = annexB(nal(0x41, 100));
        assertArrayEquals(au, depacketize(new H264Depacketizer(), packetizer.packetize(au)));
        assertEquals(0, packetizer.parameterSetsInserted());
    }

    @Test
    void acceptsThreeByteStartCodesAndTrailingZeros() {
        byte[] idr = nal(0x65, 50);
        ByteArrayOutputStream au = new ByteArrayOutputStream();
        au.writeBytes(new byte[] {0, 0, 1});
        au.writeBytes(SPS);
        au.writeBytes(new byte[] {0, 0, 0, 0, 1}); // trailing_zero_8bits then a 4-byte start code
        au.writeBytes(PPS);
        au.writeBytes(new byte[] {0, 0, 1});
        au.writeBytes(idr);
        au.writeBytes(new byte[] {0, 0});
        byte[] out = depacketize(new H264Depacketizer(), new H264Packetizer().packetize(au.toByteArray()));
        assertArrayEquals(annexB(SPS, PPS, idr), out);
    }

    @Test
    void manyNalUnitsWithASmallLimitStayWithinIt() {
        for (int max : new int[] {3, 10, 64, 300, 1188, 1400}) {
            List<byte[]> nalUnits = new ArrayList<>();
            nalUnits.add(SPS);
            nalUnits.add(PPS);
            for (int i = 0; i < 20; i++) {
                nalUnits.add(nal(i == 0 ? 0x65 : 0x41, 1 + random.nextInt(3000)));
            }
            byte[] au = annexB(nalUnits.toArray(byte[][]::new));
            List<byte[]> payloads = new H264Packetizer(max).packetize(au);
            assertAllFit(payloads, max);
            assertArrayEquals(au, depacketize(new H264Depacketizer(), payloads), "max " + max);
        }
    }

    @Test
    void rejectsInputWithoutStartCodesAndBadLimits() {
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer().packetize(RtpPacketTest.hex("65888400")));
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer(2));
    }
}
