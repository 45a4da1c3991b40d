package org.streamstack.media.dtls;

import java.time.Duration;
import java.util.List;

import org.streamstack.media.srtp.SrtpProfile;

/**
 * Tunables of one {@link DtlsTransport}.
 *
 * @param sendLimit largest datagram we emit; handshake messages are fragmented to fit (RFC 6347
 *        section 4.1.1.1: stay under the path MTU; 1150 leaves room for IP, UDP and TURN framing)
 * @param handshakeTimeout give up if the handshake has not completed by then, counted from {@code start()}
 * @param initialRetransmit first flight retransmission timer, doubled on each loss (RFC 6347 section 4.2.4.1)
 * @param srtpProfiles the profiles we accept, most preferred first; as server we pick the first one the
 *        client offers, as client we offer them in this order
 * @param receiveQueueCapacity datagrams buffered between the network thread and the DTLS thread; excess is
 *        dropped and counted (DTLS retransmits)
 */
public record DtlsSettings(int sendLimit, Duration handshakeTimeout, Duration initialRetransmit,
                           List<SrtpProfile> srtpProfiles, int receiveQueueCapacity) {

    /**
     * AEAD_AES_128_GCM first: Chromium offers it, it authenticates with a 128-bit tag instead of 80 bits,
     * and it costs one AES-GCM pass (OpenSSL, AES-NI) per packet instead of AES-CM plus HMAC-SHA1, for 6
     * bytes more per packet. AES128_CM_HMAC_SHA1_80, the mandatory-to-implement profile (RFC 8827
     * section 6.5), stays as the fallback for peers that offer no GCM.
     */
    public static final List<SrtpProfile> DEFAULT_SRTP_PROFILES =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);

    public DtlsSettings {
        if (sendLimit < 200 || sendLimit > 1500) {
            throw new IllegalArgumentException("sendLimit must be within 200..1500: " + sendLimit);
        }
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
        srtpProfiles = List.copyOf(srtpProfiles);
    }

    public static DtlsSettings defaults() {
        return new DtlsSettings(1150, Duration.ofSeconds(20), Duration.ofMillis(500), DEFAULT_SRTP_PROFILES, 256);
    }

    /**
     * The largest application data (an SCTP packet) that fits one record within {@link #sendLimit}
     * whatever cipher suite is chosen: 13 bytes of record header (RFC 6347 4.1) and at most 64 of
     * IV, MAC and padding (AES-CBC with HMAC-SHA256: 16 + 32 + 16); AES-GCM needs 24.
     */
    public int applicationDataLimit() {
        return sendLimit - 13 - 64;
    }

    public DtlsSettings withSrtpProfiles(List<SrtpProfile> profiles) {
        return new DtlsSettings(sendLimit, handshakeTimeout, initialRetransmit, profiles, receiveQueueCapacity);
    }

    public DtlsSettings withHandshakeTimeout(Duration timeout) {
        return new DtlsSettings(sendLimit, timeout, initialRetransmit, srtpProfiles, receiveQueueCapacity);
    }

    public DtlsSettings withInitialRetransmit(Duration retransmit) {
        return new DtlsSettings(sendLimit, handshakeTimeout, retransmit, srtpProfiles, receiveQueueCapacity);
    }

    public DtlsSettings withSendLimit(int limit) {
        return new DtlsSettings(limit, handshakeTimeout, initialRetransmit, srtpProfiles, receiveQueueCapacity);
    }
}
