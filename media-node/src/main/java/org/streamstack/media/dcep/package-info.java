/**
 * The Data Channel Establishment Protocol (RFC 8832) and WebRTC data channels (RFC 8831) on top of
 * {@link org.streamstack.media.sctp.SctpAssociation}, sans-IO like it.
 *
 * <ul>
 *   <li>{@link org.streamstack.media.dcep.DataChannels}: channels the browser opens in-band, their
 *       messages by PPID, closing by stream reset;
 *   <li>the wire: {@link org.streamstack.media.dcep.DataChannelOpen},
 *       {@link org.streamstack.media.dcep.DataChannelAck}, {@link org.streamstack.media.dcep.ChannelType}.
 * </ul>
 *
 * Malformed DCEP messages fail with the checked {@link org.streamstack.media.dcep.MalformedDcepException}.
 */
package org.streamstack.media.dcep;
