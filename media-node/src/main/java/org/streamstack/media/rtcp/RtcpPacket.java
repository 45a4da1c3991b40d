package org.streamstack.media.rtcp;

/**
 * One RTCP packet of a compound packet (RFC 3550 6.1). Every type parses with a static
 * {@code parse(byte[], int off, int len)} that reads exactly one packet at {@code off}, and writes
 * itself back without padding; {@link RtcpParser} dispatches on the header, {@link RtcpCompound}
 * writes a list.
 */
public sealed interface RtcpPacket
        permits SenderReport, ReceiverReport, SourceDescription, Bye, GenericNack,
                PictureLossIndication, FullIntraRequest, Remb, Unknown {

    /** Bytes {@link #writeTo} writes: a multiple of 4 (RFC 3550 6.4.1, length field). */
    int size();

    /**
     * Writes the packet at {@code off}.
     *
     * @return bytes written, {@link #size()}
     * @throws IndexOutOfBoundsException if {@code buf} has no room
     */
    int writeTo(byte[] buf, int off);

    default byte[] toBytes() {
        byte[] out = new byte[size()];
        writeTo(out, 0);
        return out;
    }
}
