/**
 * SCTP (RFC 9260) as WebRTC data channels use it over DTLS (RFC 8261, RFC 8831), sans-IO: bytes and
 * time in, bytes and events out; no sockets, actors or threads.
 *
 * <ul>
 *   <li>{@link org.streamstack.media.sctp.SctpAssociation}: the state machine, driven through
 *       {@code receive}, {@code send}, {@code handleTimeout} at {@code nextTimeout()}, reporting
 *       through its {@link org.streamstack.media.sctp.SctpAssociation.Listener}; tuned by
 *       {@link org.streamstack.media.sctp.SctpSettings#webrtc()} to what WEBRTC.md measured against
 *       Chromium;
 *   <li>the wire, one file per element, each with a symmetric {@code parse}/{@code writeTo} and its
 *       RFC diagram: {@link org.streamstack.media.sctp.SctpPacket} (common header, CRC32c written
 *       little-endian), the chunks ({@link org.streamstack.media.sctp.DataChunk},
 *       {@link org.streamstack.media.sctp.InitChunk}, {@link org.streamstack.media.sctp.SackChunk},
 *       {@link org.streamstack.media.sctp.ReconfigChunk} of RFC 6525,
 *       {@link org.streamstack.media.sctp.ForwardTsnChunk} of RFC 3758, ...), their parameters and
 *       {@link org.streamstack.media.sctp.ErrorCause}s;
 *   <li>package-private parts of the association: {@code DataTracker} and {@code ReassemblyQueue}
 *       (receiving), {@code SendQueue} and {@code RetransmissionQueue} (sending, congestion control,
 *       partial reliability), {@code RtoEstimator}, {@code StateCookie}.
 * </ul>
 *
 * Bytes from the network fail with the checked {@link org.streamstack.media.sctp.MalformedSctpException};
 * {@code IllegalArgumentException} is kept for values our own code builds wrongly. 32-bit fields
 * (TSNs, tags, PPIDs, windows) are held in {@code int}s as unsigned values. Records holding byte
 * arrays (payloads, cookies) do not copy them and compare them by identity.
 */
package org.streamstack.media.sctp;
