package org.streamstack.media.dtls;

/** Which side of the DTLS handshake we play (RFC 8842 section 5, RFC 4145 setup attribute). */
public enum DtlsRole {
    /** We wait for the ClientHello: the answer said {@code a=setup:active}. */
    SERVER,
    /** We send the ClientHello: the answer said {@code a=setup:passive}. */
    CLIENT
}
