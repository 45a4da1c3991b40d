package org.streamstack.media.peer;

import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceUdpPort;
import org.streamstack.media.sdp.Fingerprint;
import java.time.Instant;

/**
 * What every peer of a media node shares: the one UDP port, the one certificate, and the
 * settings read at startup.
 *
 * @param simulatedOutgoingLoss fraction of outgoing RTP packets and DTLS records of SCTP dropped
 *     on purpose (0 outside loss tests), to show that NACK repair and SCTP retransmission work
 */
public record PeerResources(
    IceUdpPort udpPort,
    IceSettings iceSettings,
    TurnRelays turn,
    DtlsCertificate certificate,
    DtlsSettings dtlsSettings,
    int packetHistorySize,
    double simulatedOutgoingLoss) {

  public Fingerprint fingerprint() {
    return Fingerprint.sha256Of(certificate.der());
  }

  /** The ICE settings of one peer: with TURN credentials of its own when TURN is configured. */
  public IceSettings iceSettingsFor(String peerId) {
    return turn.servers().isEmpty() ? iceSettings : iceSettings.withTurnServers(turn.credentialsFor(peerId, Instant.now()));
  }
}
