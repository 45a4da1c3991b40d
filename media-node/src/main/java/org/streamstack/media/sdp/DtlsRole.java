package org.streamstack.media.sdp;

/**
 * The media node's DTLS role, decided by the answer's {@code a=setup} (RFC 8842 5.3, RFC 4145 4):
 * the answerer's {@code active} makes it the DTLS client and us the server; {@code passive} the
 * reverse. Chromium answers {@code active} (fixtures/chromium-156-answer-*.sdp).
 */
public enum DtlsRole {
  /** We wait for the browser's ClientHello: the answer said {@code a=setup:active}. */
  SERVER,
  /** We send the ClientHello: the answer said {@code a=setup:passive}. */
  CLIENT
}
