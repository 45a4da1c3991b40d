package org.streamstack.media.rtcp;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.streamstack.media.rtp.MalformedPacketException;

/** Whatever arrives, the RTCP parser answers with packets or MalformedPacketException. */
class RtcpGarbageTest {
    static void assertOnlyMalformed(byte[] buf, int off, int len) {
        try {
            RtcpParser.parseCompound(buf, off, len);
        } catch (MalformedRtcpException expected) {
            // fine
        } catch (RuntimeException | Error e) {
            fail("threw " + e + " on " + HexFormat.of().formatHex(buf, off, off + len), e);
        }
        try {
            RtcpParser.parsePacket(buf, off, len);
        } catch (MalformedPacketException expected) {
            // fine
        } catch (RuntimeException | Error e) {
            fail("threw " + e + " on " + HexFormat.of().formatHex(buf, off, off + len), e);
        }
    }

    @Test
    void randomBytesNeverThrowAnythingElse() {
        Random random = new Random(4585);
        int[] types = {200, 201, 202, 203, 204, 205, 206, 207};
        for (int i = 0; i < 10_000; i++) {
            byte[] buf = new byte[random.nextInt(i < 5000 ? 48 : 1500)];
            random.nextBytes(buf);
            if (buf.length >= 4 && random.nextInt(4) != 0) {
                // Make it look like RTCP so that the typed parsers are reached: V=2, a known PT,
                // FMT 1/4/15 often, a length that fits most of the time.
                int[] fmts = {1, 4, 15, random.nextInt(32)};
                buf[0] = (byte) (0x80 | (random.nextInt(8) == 0 ? 0x20 : 0) | fmts[random.nextInt(4)]);
                buf[1] = (byte) types[random.nextInt(types.length)];
                int words = random.nextInt(2) == 0 ? buf.length / 4 - 1 : random.nextInt(Math.max(1, buf.length / 4));
                buf[2] = (byte) (Math.max(words, 0) >>> 8);
                buf[3] = (byte) Math.max(words, 0);
                if (buf.length >= 16 && random.nextBoolean()) {
                    buf[12] = 'R';
                    buf[13] = 'E';
                    buf[14] = 'M';
                    buf[15] = 'B';
                }
            }
            assertOnlyMalformed(buf, 0, buf.length);
        }
    }

    @Test
    void everyTruncationOfValidCompoundsNeverThrowsAnythingElse() {
        for (int round = 0; round < 5; round++) {
            List<RtcpPacket> packets = RtcpRoundTripTest.everyType();
            byte[] compound = RtcpCompound.write(packets);
            for (int len = 0; len <= compound.length; len++) {
                assertOnlyMalformed(compound, 0, len);
                assertOnlyMalformed(compound, compound.length - len, len);
            }
            for (RtcpPacket packet : packets) {
                byte[] bytes = packet.toBytes();
                for (int len = 0; len <= bytes.length; len++) {
                    // Truncated but with the length field left as is, and with it fixed to the cut.
                    byte[] cut = java.util.Arrays.copyOf(bytes, len);
                    assertOnlyMalformed(cut, 0, len);
                    if (len >= 4) {
                        cut[2] = (byte) ((len / 4 - 1) >>> 8);
                        cut[3] = (byte) (len / 4 - 1);
                        assertOnlyMalformed(cut, 0, len);
                    }
                }
            }
        }
    }
}
