package org.streamstack.media.transport;

import java.util.List;

import org.streamstack.media.dtls.DtlsRole;
import org.streamstack.media.sdp.IceCandidate;

/**
 * What a {@link WebRtcTransport} needs from the remote SDP (with BUNDLE and rtcp-mux, one set for the
 * whole session).
 *
 * @param iceUfrag {@code a=ice-ufrag}
 * @param icePassword {@code a=ice-pwd}
 * @param fingerprint {@code a=fingerprint:sha-256} value
 * @param dtlsRole our DTLS role, from the remote {@code a=setup} (read by the SDP answer reader)
 * @param candidates {@code a=candidate} lines present in the description (more may trickle later)
 */
public record RemoteDescription(String iceUfrag, String icePassword, String fingerprint, DtlsRole dtlsRole,
                                List<IceCandidate> candidates) {

    public RemoteDescription {
        candidates = List.copyOf(candidates);
    }
}
