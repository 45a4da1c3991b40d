package org.streamstack.media.sdp;

import org.streamstack.media.dtls.DtlsRole;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What an answer settles for the media node (read by {@link AnswerReader}).
 *
 * @param dtlsRole our DTLS role
 * @param remoteFingerprint the browser certificate's fingerprint, to check in the handshake
 * @param remoteIceUfrag the browser's ICE username fragment (BUNDLE: the tag section's)
 * @param remoteIcePwd the browser's ICE password
 * @param remoteCandidates candidates inline in the answer (usually none: Chromium trickles),
 *     mDNS ones dropped (PROTOCOL.md 5)
 * @param remoteEndOfCandidates whether the answer carries {@code a=end-of-candidates}
 * @param audioAccepted whether we may send audio: the section is neither rejected (port 0) nor
 *     inactive on either side
 * @param videoCodec the codec to send: the answer's first payload type that we offered
 * @param videoRtcpFeedback the feedback the browser will send for it ("goog-remb", "nack pli"...)
 * @param absSendTimeId the abs-send-time header extension id the answer kept, if it kept it
 * @param dataChannelAccepted whether the m=application section was accepted
 * @param remoteSctpPort the browser's SCTP port (RFC 8841 5), 0 without a data channel
 * @param remoteMaxMessageSize RFC 8841 6: the largest message the browser takes; 65536 when the
 *     answer does not say, 0 for "no limit" or without a data channel
 */
public record NegotiatedSession(
    DtlsRole dtlsRole,
    Fingerprint remoteFingerprint,
    String remoteIceUfrag,
    String remoteIcePwd,
    List<IceCandidate> remoteCandidates,
    boolean remoteEndOfCandidates,
    boolean audioAccepted,
    VideoCodecChoice videoCodec,
    List<String> videoRtcpFeedback,
    OptionalInt absSendTimeId,
    boolean dataChannelAccepted,
    int remoteSctpPort,
    long remoteMaxMessageSize) {

  public NegotiatedSession {
    Objects.requireNonNull(dtlsRole, "dtlsRole");
    Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
    Objects.requireNonNull(remoteIceUfrag, "remoteIceUfrag");
    Objects.requireNonNull(remoteIcePwd, "remoteIcePwd");
    Objects.requireNonNull(videoCodec, "videoCodec");
    Objects.requireNonNull(absSendTimeId, "absSendTimeId");
    remoteCandidates = List.copyOf(remoteCandidates);
    videoRtcpFeedback = List.copyOf(videoRtcpFeedback);
  }
}
