package org.streamstack.media.sdp;

/**
 * A session description, or a part of one (a candidate, a fingerprint), that cannot be used: it
 * breaks the grammar of RFC 8866 or of the RFC that defines the attribute, or an answer does not
 * fit the offer it answers. Checked, because it comes from the network: the caller decides whether
 * to send an error frame, never an uncaught exception.
 */
public final class SdpException extends Exception {

  public SdpException(String message) {
    super(message);
  }

  public SdpException(String message, Throwable cause) {
    super(message, cause);
  }
}
