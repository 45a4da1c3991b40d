/**
 * SDP for the media node (sans-IO: strings in, strings out; no sockets, actors or threads).
 *
 * <ul>
 *   <li>{@link org.streamstack.media.sdp.SdpParser} reads a description (RFC 8866) into a
 *       {@link org.streamstack.media.sdp.SessionDescription} whose {@code toString()} writes it back;
 *   <li>{@link org.streamstack.media.sdp.OfferBuilder} writes our offer (PROTOCOL.md 5) from
 *       {@link org.streamstack.media.sdp.OfferParameters};
 *   <li>{@link org.streamstack.media.sdp.AnswerReader} turns the browser's answer into a
 *       {@link org.streamstack.media.sdp.NegotiatedSession} (DTLS role, remote fingerprint and ICE
 *       credentials, the video codec to send);
 *   <li>one record per wire element: {@link org.streamstack.media.sdp.IceCandidate} (RFC 8839 5.1),
 *       {@link org.streamstack.media.sdp.Fingerprint} (RFC 8122 5), {@link org.streamstack.media.sdp.RtpMap},
 *       {@link org.streamstack.media.sdp.ExtMap} (RFC 8285), {@link org.streamstack.media.sdp.Origin},
 *       {@link org.streamstack.media.sdp.Connection}, {@link org.streamstack.media.sdp.Attribute}.
 * </ul>
 *
 * Input from the network fails with the checked {@link org.streamstack.media.sdp.SdpException};
 * {@code IllegalArgumentException} is kept for values our own code builds wrongly.
 */
package org.streamstack.media.sdp;
