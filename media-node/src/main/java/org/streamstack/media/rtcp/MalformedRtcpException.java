package org.streamstack.media.rtcp;

import java.util.List;
import org.streamstack.media.rtp.MalformedPacketException;

/**
 * A compound RTCP packet that went wrong part way: what came before the bad packet is still
 * usable (a NACK or PLI before a broken report should not be lost).
 */
public final class MalformedRtcpException extends MalformedPacketException {
    private static final long serialVersionUID = 1L;

    private final transient List<RtcpPacket> parsed;

    public MalformedRtcpException(String message, List<RtcpPacket> parsed) {
        super(message);
        this.parsed = List.copyOf(parsed);
    }

    /** The packets before the malformed one, in order; possibly empty. */
    public List<RtcpPacket> parsed() {
        return parsed;
    }
}
