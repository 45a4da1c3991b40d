package org.streamstack.media.dcep;

/**
 * DATA_CHANNEL_ACK, RFC 8832 5.2: the answer to an OPEN, on the same stream.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+
 * |  Message Type |
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public record DataChannelAck() implements DcepMessage {

    public static DataChannelAck parse(byte[] buf, int off, int len) throws MalformedDcepException {
        if (len != 1 || (buf[off] & 0xFF) != DATA_CHANNEL_ACK) {
            throw new MalformedDcepException("DATA_CHANNEL_ACK is one byte 0x02, got " + len + " bytes");
        }
        return new DataChannelAck();
    }

    @Override
    public int length() {
        return 1;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        buf[off] = DATA_CHANNEL_ACK;
        return 1;
    }
}
