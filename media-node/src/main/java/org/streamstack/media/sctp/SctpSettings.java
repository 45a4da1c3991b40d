package org.streamstack.media.sctp;

/**
 * Protocol parameters of one association (RFC 9260 16 lists the RFC's defaults; the values here
 * are WebRTC's, as WEBRTC.md measured them against Chromium 156).
 *
 * @param localPort our SCTP port; WebRTC uses 5000 (RFC 8841 5)
 * @param remotePort the browser's SCTP port from its {@code a=sctp-port}
 * @param receiveWindow our a_rwnd, bytes; a message larger than this can never be reassembled
 * @param outboundStreams OS announced in INIT / INIT ACK
 * @param inboundStreams MIS announced in INIT / INIT ACK
 * @param maxPacketSize the largest SCTP packet we send, common header included; 1191 keeps a DTLS
 *     record inside our path MTU (WEBRTC.md)
 * @param rtoInitialMillis RTO before the first measurement (6.3.1 C1); Chromium: 500
 * @param rtoMinMillis RTO floor; below 400 T3 fires spuriously against Chromium's 200 ms delayed acks
 * @param rtoMaxMillis RTO ceiling (RFC 9260: 60 s)
 * @param maxTimerBackoffMillis cap on exponential timer backoff: WebRTC's dcsctp transport caps it
 *     at 3 s so that an association recovers quickly once a lossy period ends
 * @param maxRetransmissions Association.Max.Retrans (8.1): consecutive timeouts without progress
 *     before the peer is declared unreachable
 * @param maxInitRetransmissions Max.Init.Retransmits for INIT and COOKIE ECHO (5.1)
 * @param delayedAckMillis the delayed SACK timer (6.2; Chromium: 200 ms)
 * @param maxBurst Max.Burst (6.1 D): data packets sent per output opportunity
 * @param tailLossProbe whether a lone lost tail is probed before T3 (see {@link SctpAssociation})
 * @param heartbeatIntervalMillis HB.interval on an idle association (8.3); 0 disables our heartbeats
 * @param cookieLifetimeMillis Valid.Cookie.Life (5.1.3)
 */
public record SctpSettings(int localPort, int remotePort, int receiveWindow, int outboundStreams, int inboundStreams,
                           int maxPacketSize, long rtoInitialMillis, long rtoMinMillis, long rtoMaxMillis,
                           long maxTimerBackoffMillis, int maxRetransmissions, int maxInitRetransmissions,
                           long delayedAckMillis, int maxBurst, boolean tailLossProbe, long heartbeatIntervalMillis,
                           long cookieLifetimeMillis) {

    public static final int WEBRTC_PORT = 5000;

    public SctpSettings {
        NetworkOrder.requireU16(localPort, "local port");
        NetworkOrder.requireU16(remotePort, "remote port");
        if (receiveWindow < 1500) {
            throw new IllegalArgumentException("receive window must be at least 1500 bytes: " + receiveWindow);
        }
        if (outboundStreams < 1 || outboundStreams > 0xFFFF || inboundStreams < 1 || inboundStreams > 0xFFFF) {
            throw new IllegalArgumentException("stream counts must be 1-65535");
        }
        if (maxPacketSize < 256 || maxPacketSize > 0xFFFF) {
            throw new IllegalArgumentException("max packet size must be 256-65535: " + maxPacketSize);
        }
        if (rtoMinMillis < 1 || rtoInitialMillis < rtoMinMillis || rtoMaxMillis < rtoInitialMillis) {
            throw new IllegalArgumentException("need 1 <= RTO.min <= RTO.initial <= RTO.max");
        }
        if (maxTimerBackoffMillis < rtoMinMillis || maxRetransmissions < 0 || maxInitRetransmissions < 0
                || delayedAckMillis < 0 || maxBurst < 1 || heartbeatIntervalMillis < 0 || cookieLifetimeMillis < 1) {
            throw new IllegalArgumentException("invalid timer or counter setting");
        }
    }

    /** WebRTC data channels against Chromium (WEBRTC.md): port 5000 both sides. */
    public static SctpSettings webrtc() {
        return new SctpSettings(WEBRTC_PORT, WEBRTC_PORT, 1024 * 1024, 65535, 65535, 1191,
                500, 400, 60_000, 3_000, 10, 8, 200, 4, true, 30_000, 60_000);
    }

    public SctpSettings withRemotePort(int port) {
        return new SctpSettings(localPort, port, receiveWindow, outboundStreams, inboundStreams, maxPacketSize,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxTimerBackoffMillis, maxRetransmissions,
                maxInitRetransmissions, delayedAckMillis, maxBurst, tailLossProbe, heartbeatIntervalMillis,
                cookieLifetimeMillis);
    }

    /** With packets no larger than {@code bytes}: what one DTLS record can carry (RFC 8261 5). */
    public SctpSettings withMaxPacketSize(int bytes) {
        return new SctpSettings(localPort, remotePort, receiveWindow, outboundStreams, inboundStreams, bytes,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxTimerBackoffMillis, maxRetransmissions,
                maxInitRetransmissions, delayedAckMillis, maxBurst, tailLossProbe, heartbeatIntervalMillis,
                cookieLifetimeMillis);
    }

    public SctpSettings withTailLossProbe(boolean enabled) {
        return new SctpSettings(localPort, remotePort, receiveWindow, outboundStreams, inboundStreams, maxPacketSize,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxTimerBackoffMillis, maxRetransmissions,
                maxInitRetransmissions, delayedAckMillis, maxBurst, enabled, heartbeatIntervalMillis,
                cookieLifetimeMillis);
    }

    public SctpSettings withHeartbeatInterval(long millis) {
        return new SctpSettings(localPort, remotePort, receiveWindow, outboundStreams, inboundStreams, maxPacketSize,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxTimerBackoffMillis, maxRetransmissions,
                maxInitRetransmissions, delayedAckMillis, maxBurst, tailLossProbe, millis, cookieLifetimeMillis);
    }

    public SctpSettings withReceiveWindow(int bytes) {
        return new SctpSettings(localPort, remotePort, bytes, outboundStreams, inboundStreams, maxPacketSize,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxTimerBackoffMillis, maxRetransmissions,
                maxInitRetransmissions, delayedAckMillis, maxBurst, tailLossProbe, heartbeatIntervalMillis,
                cookieLifetimeMillis);
    }

    /** Largest DATA payload that keeps a one-chunk packet within {@link #maxPacketSize}, a multiple of 4. */
    int maxFragmentSize() {
        return (maxPacketSize - SctpPacket.HEADER_SIZE - DataChunk.HEADER_SIZE) & ~3;
    }
}
