package org.streamstack.media.transport;

import org.streamstack.media.srtp.SrtpKeys;

/** The negotiated SRTP keys of a transport, for tests in other packages that forge genuine-looking packets. */
public final class TransportKeys {

    private TransportKeys() {
    }

    public static SrtpKeys of(WebRtcTransport transport) {
        return transport.srtpKeys();
    }
}
