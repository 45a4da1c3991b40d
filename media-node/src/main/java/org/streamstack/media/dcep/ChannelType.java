package org.streamstack.media.dcep;

import org.streamstack.media.sctp.Reliability;

/**
 * Channel Type of DATA_CHANNEL_OPEN, RFC 8832 5.1: ordered or not (the 0x80 bit), and how the
 * Reliability Parameter limits delivery: not at all, by retransmissions, or by lifetime in
 * milliseconds. Chromium's unordered, zero-retransmit channels arrive as 0x81 (WEBRTC.md).
 */
public enum ChannelType {
    RELIABLE(0x00),
    RELIABLE_UNORDERED(0x80),
    PARTIAL_RELIABLE_REXMIT(0x01),
    PARTIAL_RELIABLE_REXMIT_UNORDERED(0x81),
    PARTIAL_RELIABLE_TIMED(0x02),
    PARTIAL_RELIABLE_TIMED_UNORDERED(0x82);

    private final int code;

    ChannelType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean ordered() {
        return (code & 0x80) == 0;
    }

    /** RFC 8831 6.1: what the reliability parameter means for this type, as an SCTP send policy. */
    public Reliability reliability(long reliabilityParameter) {
        return switch (code & 0x7F) {
            case 0x01 -> Reliability.maxRetransmissions((int) Math.min(reliabilityParameter, Integer.MAX_VALUE - 1));
            case 0x02 -> Reliability.lifetime(reliabilityParameter);
            default -> Reliability.RELIABLE;
        };
    }

    public static ChannelType of(int code) throws MalformedDcepException {
        for (ChannelType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new MalformedDcepException(String.format("unknown channel type 0x%02x", code));
    }
}
