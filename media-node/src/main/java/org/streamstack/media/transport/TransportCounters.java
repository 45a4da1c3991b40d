package org.streamstack.media.transport;

import java.util.Map;

import org.streamstack.media.ice.IceTransport;
import org.streamstack.media.mux.DropReason;
import org.streamstack.media.mux.PacketKind;
import org.streamstack.media.srtp.SrtpSession;

/**
 * A snapshot of a {@link WebRtcTransport}'s counters.
 *
 * @param datagramsIn datagrams delivered by the demultiplexer, per kind
 * @param datagramsOut datagrams handed to ICE, per kind
 * @param demuxDrops incoming datagrams the demultiplexer dropped, per reason
 * @param transportDrops datagrams this transport dropped, per reason
 * @param iceDrops ICE-level drops (no valid pair yet, send errors, mDNS candidates...)
 * @param srtpFailures SRTP/SRTCP protect and unprotect failures, per reason
 */
public record TransportCounters(Map<PacketKind, Long> datagramsIn, Map<PacketKind, Long> datagramsOut,
                                Map<DropReason, Long> demuxDrops, Map<WebRtcTransport.Drop, Long> transportDrops,
                                Map<IceTransport.Drop, Long> iceDrops, Map<SrtpSession.Failure, Long> srtpFailures) {

    public long in(PacketKind kind) {
        return datagramsIn.getOrDefault(kind, 0L);
    }

    public long out(PacketKind kind) {
        return datagramsOut.getOrDefault(kind, 0L);
    }

    /** Every incoming datagram dropped, whatever the layer. */
    public long droppedIn() {
        return sum(demuxDrops) + transportDrops.getOrDefault(WebRtcTransport.Drop.SRTP_NOT_READY_IN, 0L)
                + transportDrops.getOrDefault(WebRtcTransport.Drop.SRTP_FAILED_IN, 0L)
                + transportDrops.getOrDefault(WebRtcTransport.Drop.EARLY_DTLS_OVERFLOW, 0L);
    }

    private static long sum(Map<?, Long> map) {
        return map.values().stream().mapToLong(Long::longValue).sum();
    }
}
