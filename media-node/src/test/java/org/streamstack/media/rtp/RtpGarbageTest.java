package org.streamstack.media.rtp;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever arrives from the network, the parsers answer with a packet or MalformedPacketException. */
class RtpGarbageTest {
    interface Parser {
        void parse(byte[] buf, int off, int len) throws MalformedPacketException;
    }

    static void assertOnlyMalformed(Parser parser, byte[] buf, int off, int len) {
        try {
            parser.parse(buf, off, len);
        } catch (MalformedPacketException expected) {
            // fine
        } catch (RuntimeException | Error e) {
            fail("threw " + e + " on " + HexFormat.of().formatHex(buf, off, off + len), e);
        }
    }

    static List<byte[]> validPackets() {
        List<byte[]> packets = new ArrayList<>();
        packets.add(RtpPacketTest.ONE_BYTE_EXTENSIONS);
        packets.add(RtpPacketTest.hex("A06F0001 00000010 00000001 010203 000003"));
        packets.add(RtpPacketTest.hex("90600001 00000002 00000003 10000002 0100 1003AABBCC 00 FF"));
        packets.add(RtpPacketTest.hex("90e0698f d9c293da 1c642782 00010001 FFFFFFFF 9836be889e"));
        RtpPacket p = new RtpPacket(96, 1, 2, 3);
        p.setCsrcs(1, 2, 3);
        p.setExtension(3, new byte[3]);
        p.setExtension(200, new byte[7]);
        p.setPayload(new byte[50]);
        p.setPaddingSize(9);
        packets.add(p.toBytes());
        return packets;
    }

    @Test
    void randomBytesNeverThrowAnythingElse() {
        Random random = new Random(20261121);
        Vp8Depacketizer vp8 = new Vp8Depacketizer();
        H264Depacketizer h264 = new H264Depacketizer();
        for (int i = 0; i < 10_000; i++) {
            byte[] buf = new byte[random.nextInt(i < 5000 ? 64 : 1500)];
            random.nextBytes(buf);
            if (buf.length > 0 && random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F)); // version 2, to get past the first check
            }
            assertOnlyMalformed(RtpPacket::parse, buf, 0, buf.length);
            assertOnlyMalformed(Vp8PayloadDescriptor::parse, buf, 0, buf.length);
            boolean marker = random.nextInt(4) == 0;
            vp8.push(buf, 0, buf.length, marker);
            h264.push(buf, 0, buf.length, marker);
        }
    }

    @Test
    void everyTruncationOfValidPacketsNeverThrowsAnythingElse() {
        for (byte[] packet : validPackets()) {
            for (int len = 0; len <= packet.length; len++) {
                assertOnlyMalformed(RtpPacket::parse, packet, 0, len);
                assertOnlyMalformed(RtpPacket::parse, packet, packet.length - len, len);
            }
        }
    }

    @Test
    void everyTruncationOfPacketizedPayloadsIsHandled() {
        H264Packetizer h264 = new H264Packetizer(200);
        List<byte[]> payloads = new ArrayList<>(h264.packetize(H264PacketizerTest.annexB(
                H264PacketizerTest.SPS, H264PacketizerTest.PPS, new byte[] {0x65, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})));
        byte[] bigIdr = new byte[700];
        java.util.Arrays.fill(bigIdr, (byte) 7);
        bigIdr[0] = 0x65;
        payloads.addAll(h264.packetize(H264PacketizerTest.annexB(bigIdr)));
        payloads.addAll(new Vp8Packetizer(1).packetize(new byte[3000]));
        H264Depacketizer h264Depacketizer = new H264Depacketizer();
        Vp8Depacketizer vp8Depacketizer = new Vp8Depacketizer();
        for (byte[] payload : payloads) {
            for (int len = 0; len <= payload.length; len++) {
                h264Depacketizer.push(payload, 0, len, len % 3 == 0);
                vp8Depacketizer.push(payload, 0, len, len % 3 == 0);
                assertOnlyMalformed(Vp8PayloadDescriptor::parse, payload, 0, len);
            }
        }
    }
}
