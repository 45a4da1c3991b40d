package org.streamstack.media.peer;

import org.streamstack.media.sctp.SctpCounters;
import org.streamstack.media.transport.TransportCounters;

/** What one peer has done so far: the figures a test, a log line or a metric reads. */
public record PeerStats(
    String peerId,
    String state,
    String codec,
    long framesSent,
    long keyframesSent,
    long framesSkippedBeforeKeyframe,
    long packetsSent,
    long octetsSent,
    long packetsDroppedBySimulatedLoss,
    long nacksReceived,
    long packetsNacked,
    long retransmitted,
    long retransmitMisses,
    long plisReceived,
    long firsReceived,
    long keyframesRequested,
    long lastRembBps,
    int targetBitrateBps,
    int lastFractionLost,
    long lastRoundTripMillis,
    long rtcpMalformed,
    long audioPacketsSent,
    long controlMessagesIn,
    long controlMessagesOut,
    long controlMessagesMalformed,
    long channelMessagesIn,
    long channelMessagesOut,
    String clientLeftReason,
    long dataRecordsDroppedBySimulatedLoss,
    SctpCounters sctp,
    TransportCounters transport) {}
