package org.streamstack.media.dcep;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * DATA_CHANNEL_OPEN, RFC 8832 5.1: sent by the side that opens a channel, on the channel's stream.
 * The browser opens every channel of ours in-band (PROTOCOL.md 5).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Message Type |  Channel Type |            Priority           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Reliability Parameter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Label Length          |       Protocol Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * |                             Label                             |
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                                                               /
 * |                            Protocol                           |
 * /                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Label and protocol are UTF-8 (RFC 8832 5.1); invalid UTF-8 is malformed.
 *
 * @param priority 16 bits; WebRTC uses 128, 256, 512, 1024 for very-low to high (RFC 8831 6.4)
 * @param reliabilityParameter retransmissions or milliseconds, per {@code channelType}; unsigned 32 bits
 */
public record DataChannelOpen(ChannelType channelType, int priority, long reliabilityParameter, String label,
                              String protocol) implements DcepMessage {
    static final int FIXED_SIZE = 12;

    public DataChannelOpen {
        Objects.requireNonNull(channelType, "channelType");
        if (priority < 0 || priority > 0xFFFF) {
            throw new IllegalArgumentException("priority must be 0-65535: " + priority);
        }
        if (reliabilityParameter < 0 || reliabilityParameter > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("reliability parameter must be unsigned 32 bits: " + reliabilityParameter);
        }
        if (label.getBytes(StandardCharsets.UTF_8).length > 0xFFFF
                || protocol.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            throw new IllegalArgumentException("label and protocol are at most 65535 bytes of UTF-8");
        }
    }

    public static DataChannelOpen parse(byte[] buf, int off, int len) throws MalformedDcepException {
        if (len < FIXED_SIZE) {
            throw new MalformedDcepException("DATA_CHANNEL_OPEN of " + len + " bytes, at least 12 needed");
        }
        if ((buf[off] & 0xFF) != DATA_CHANNEL_OPEN) {
            throw new MalformedDcepException("not a DATA_CHANNEL_OPEN");
        }
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        b.get();
        ChannelType type = ChannelType.of(b.get() & 0xFF);
        int priority = b.getShort() & 0xFFFF;
        long reliability = Integer.toUnsignedLong(b.getInt());
        int labelLength = b.getShort() & 0xFFFF;
        int protocolLength = b.getShort() & 0xFFFF;
        if (FIXED_SIZE + labelLength + protocolLength != len) {
            throw new MalformedDcepException("DATA_CHANNEL_OPEN of " + len + " bytes announces a " + labelLength
                    + "-byte label and a " + protocolLength + "-byte protocol");
        }
        String label = utf8(buf, off + FIXED_SIZE, labelLength, "label");
        String protocol = utf8(buf, off + FIXED_SIZE + labelLength, protocolLength, "protocol");
        return new DataChannelOpen(type, priority, reliability, label, protocol);
    }

    private static String utf8(byte[] buf, int off, int len, String what) throws MalformedDcepException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedDcepException(what + " is not UTF-8");
        }
    }

    @Override
    public int length() {
        return FIXED_SIZE + label.getBytes(StandardCharsets.UTF_8).length + protocol.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
        byte[] protocolBytes = protocol.getBytes(StandardCharsets.UTF_8);
        int length = FIXED_SIZE + labelBytes.length + protocolBytes.length;
        Objects.checkFromIndexSize(off, length, buf.length);
        ByteBuffer b = ByteBuffer.wrap(buf, off, length);
        b.put((byte) DATA_CHANNEL_OPEN).put((byte) channelType.code()).putShort((short) priority)
                .putInt((int) reliabilityParameter).putShort((short) labelBytes.length)
                .putShort((short) protocolBytes.length).put(labelBytes).put(protocolBytes);
        return length;
    }
}
