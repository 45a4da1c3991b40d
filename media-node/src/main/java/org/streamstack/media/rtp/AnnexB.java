package org.streamstack.media.rtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The H.264 byte stream format of ITU-T H.264 Annex B: NAL units after start codes
 * {@code 00 00 01}, the first of an access unit (and parameter sets) usually after
 * {@code 00 00 00 01} (B.1.2: a {@code zero_byte} before the 3-byte code).
 */
final class AnnexB {
    /** What the depacketizer writes before every NAL unit. */
    static final byte[] START_CODE = {0, 0, 0, 1};

    /** A NAL unit inside the scanned buffer. */
    record NalUnit(byte[] buf, int offset, int length) {
        int type() {
            return H264NalUnitType.of(buf[offset]);
        }

        byte header() {
            return buf[offset];
        }
    }

    private AnnexB() {}

    /**
     * The NAL units of an Annex-B buffer, in order. Bytes before the first start code are skipped;
     * trailing zero bytes of a NAL unit belong to the byte stream ({@code trailing_zero_8bits} and
     * the {@code zero_byte} of the next 4-byte start code, B.1.1), not to the NAL unit: emulation
     * prevention (7.4.1) guarantees that a NAL unit never ends in {@code 00}.
     *
     * @throws IllegalArgumentException if the buffer holds no start code (AVCC length-prefixed
     *     input from an MP4 muxer, for instance)
     */
    static List<NalUnit> split(byte[] buf, int off, int len) {
        int end = off + len;
        List<NalUnit> units = new ArrayList<>();
        int nalStart = -1;
        int i = off;
        while (i + 2 < end) {
            if ((buf[i + 2] & 0xFF) > 1) { // no start code can begin at i, i+1 or i+2
                i += 3;
            } else if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
                if (nalStart >= 0) {
                    add(units, buf, nalStart, i);
                }
                nalStart = i + 3;
                i += 3;
            } else {
                i++;
            }
        }
        if (nalStart < 0) {
            throw new IllegalArgumentException("not an Annex-B access unit: no start code in " + len + " bytes");
        }
        add(units, buf, nalStart, end);
        return units;
    }

    private static void add(List<NalUnit> units, byte[] buf, int start, int end) {
        while (end > start && buf[end - 1] == 0) {
            end--;
        }
        if (end > start) {
            units.add(new NalUnit(buf, start, end - start));
        }
    }
}
