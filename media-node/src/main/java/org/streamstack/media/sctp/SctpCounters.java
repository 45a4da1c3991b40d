package org.streamstack.media.sctp;

/**
 * A snapshot of one association's counters.
 *
 * @param packetsReceived every packet handed to {@code receive}
 * @param packetsSent packets given to the listener
 * @param malformedDropped packets that failed to parse (bad CRC32c included)
 * @param packetsDropped well-formed packets refused: wrong verification tag, wrong state, stale or
 *     forged cookie
 * @param dataChunksReceived DATA chunks received, duplicates included
 * @param duplicateTsns DATA chunks received more than once
 * @param dataChunksDropped DATA chunks refused for lack of buffer space or an invalid stream
 * @param dataChunksSent DATA chunks sent the first time
 * @param retransmissions DATA chunks sent again, for whatever reason
 * @param fastRetransmits chunks marked lost by three missing reports (7.2.4)
 * @param t3Expiries T3-rtx timeouts (6.3.3)
 * @param tailLossProbes probes sent before T3 would fire
 * @param messagesSent messages accepted by {@code send}
 * @param messagesReceived messages delivered to the listener
 * @param messagesAbandoned messages given up under their {@link Reliability}
 * @param heartbeatsReceived HEARTBEATs answered
 * @param heartbeatsSent HEARTBEATs we sent on an idle association
 * @param unknownChunks chunks of types we do not process
 */
public record SctpCounters(long packetsReceived, long packetsSent, long malformedDropped, long packetsDropped,
                           long dataChunksReceived, long duplicateTsns, long dataChunksDropped, long dataChunksSent,
                           long retransmissions, long fastRetransmits, long t3Expiries, long tailLossProbes,
                           long messagesSent, long messagesReceived, long messagesAbandoned, long heartbeatsReceived,
                           long heartbeatsSent, long unknownChunks) {
}
