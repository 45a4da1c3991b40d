package org.streamstack.media.dtls;

import java.util.Locale;

/** Which side of the DTLS handshake we play (RFC 8842 section 5, RFC 4145 setup attribute). */
public enum DtlsRole {
    /** We wait for the ClientHello: the answer said {@code a=setup:active}. */
    SERVER,
    /** We send the ClientHello: the answer said {@code a=setup:passive}. */
    CLIENT;

    /**
     * Our role given the remote answer's {@code a=setup} value, our offer having said {@code actpass}
     * (RFC 8842 section 5.3: the answerer must pick active or passive).
     *
     * @throws IllegalArgumentException for {@code actpass}, {@code holdconn} or anything else
     */
    public static DtlsRole forRemoteSetup(String remoteSetup) {
        return switch (remoteSetup.trim().toLowerCase(Locale.ROOT)) {
            case "active" -> SERVER;
            case "passive" -> CLIENT;
            default -> throw new IllegalArgumentException("an answer must say a=setup:active or passive, not " + remoteSetup);
        };
    }
}
