package org.streamstack.media.dcep;

/**
 * A message of the Data Channel Establishment Protocol (RFC 8832), carried with PPID 50 on the
 * stream of the channel it opens.
 */
public sealed interface DcepMessage permits DataChannelOpen, DataChannelAck {
    /** RFC 8832 8.2.1. */
    int DATA_CHANNEL_ACK = 0x02;
    int DATA_CHANNEL_OPEN = 0x03;

    int length();

    /** Writes the message at {@code off}; returns {@link #length()}. */
    int writeTo(byte[] buf, int off);

    default byte[] toBytes() {
        byte[] bytes = new byte[length()];
        writeTo(bytes, 0);
        return bytes;
    }

    static DcepMessage parse(byte[] buf, int off, int len) throws MalformedDcepException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        if (len < 1) {
            throw new MalformedDcepException("empty DCEP message");
        }
        return switch (buf[off] & 0xFF) {
            case DATA_CHANNEL_OPEN -> DataChannelOpen.parse(buf, off, len);
            case DATA_CHANNEL_ACK -> DataChannelAck.parse(buf, off, len);
            default -> throw new MalformedDcepException(String.format("unknown DCEP message type 0x%02x", buf[off] & 0xFF));
        };
    }
}
