package org.streamstack.media.sctp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian field access on plain arrays (RFC 9260 3: all integer fields are in network byte
 * order; the one exception, the CRC32c, is handled by {@link SctpPacket}). 32-bit fields are held
 * in an {@code int} and read as unsigned where it matters.
 */
final class NetworkOrder {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private NetworkOrder() {}

    static int u8(byte[] buf, int off) {
        return buf[off] & 0xFF;
    }

    static int u16(byte[] buf, int off) {
        return (short) U16.get(buf, off) & 0xFFFF;
    }

    static int i32(byte[] buf, int off) {
        return (int) U32.get(buf, off);
    }

    static void put16(byte[] buf, int off, int value) {
        U16.set(buf, off, (short) value);
    }

    static void put32(byte[] buf, int off, int value) {
        U32.set(buf, off, value);
    }

    /** Bytes {@code length} occupies once padded to a 4-byte boundary (RFC 9260 3.2). */
    static int padded(int length) {
        return (length + 3) & ~3;
    }

    static int requireU16(int value, String name) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be 0-65535: " + value);
        }
        return value;
    }

    static int requireU8(int value, String name) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(name + " must be 0-255: " + value);
        }
        return value;
    }
}
