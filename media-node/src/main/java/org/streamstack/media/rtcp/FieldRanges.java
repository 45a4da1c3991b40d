package org.streamstack.media.rtcp;

import java.util.List;

/** Range checks shared by the records: 32-bit unsigned fields are Java longs. */
final class FieldRanges {
    private FieldRanges() {}

    static long requireU32(long value, String field) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + " must be an unsigned 32-bit value: " + value);
        }
        return value;
    }

    static List<Long> requireU32s(List<Long> values, String field) {
        List<Long> copy = List.copyOf(values);
        for (long value : copy) {
            requireU32(value, field);
        }
        return copy;
    }

    static int requireRange(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + "-" + max + ": " + value);
        }
        return value;
    }
}
