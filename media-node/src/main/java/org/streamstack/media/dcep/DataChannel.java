package org.streamstack.media.dcep;

/**
 * One data channel as its DATA_CHANNEL_OPEN described it. The instance is the channel's identity:
 * once closed, a new channel on the same stream is a new instance.
 *
 * @param id the SCTP stream, both directions (RFC 8832 6: even ids from the DTLS client, odd
 *     from the DTLS server)
 */
public record DataChannel(int id, String label, String protocol, ChannelType type, int priority,
                          long reliabilityParameter) {
}
