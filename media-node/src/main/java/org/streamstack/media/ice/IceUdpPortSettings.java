package org.streamstack.media.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The media node's one UDP port, shared by all its peers.
 *
 * @param bindAddresses the local addresses to offer as host candidates (ice4j's host harvester never offers
 *        loopback: list 127.0.0.1 here for tests)
 * @param port the port on every address; 0 picks a free one on the first address and reuses it on the others
 * @param receiveBufferBytes SO_RCVBUF of the socket; the 208 KiB Linux default overflows in bursts
 * @param stunServers STUN servers asked once, at startup, for the public address of each bind address
 * @param consentCheckInterval how often ice4j sends an RFC 7675 consent check on a selected pair (it
 *        randomises by +-20 %); a JVM-wide ice4j setting, taken by agents created after the port opens
 */
public record IceUdpPortSettings(List<InetAddress> bindAddresses, int port, int receiveBufferBytes,
                                 List<InetSocketAddress> stunServers, Duration consentCheckInterval) {

    /** ice4j's default, seen against Chromium as a check every 12-18 s. */
    public static final Duration DEFAULT_CONSENT_CHECK_INTERVAL = Duration.ofSeconds(15);

    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

    public IceUdpPortSettings {
        if (bindAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one bind address is needed");
        }
        bindAddresses = List.copyOf(bindAddresses);
        stunServers = List.copyOf(stunServers);
    }

    /** One address, an ephemeral port, no STUN: what the loopback tests use. */
    public static IceUdpPortSettings loopback() {
        return new IceUdpPortSettings(List.of(InetAddress.getLoopbackAddress()), 0, DEFAULT_RECEIVE_BUFFER_BYTES, List.of(),
                DEFAULT_CONSENT_CHECK_INTERVAL);
    }

    public IceUdpPortSettings withStunServers(List<InetSocketAddress> servers) {
        return new IceUdpPortSettings(bindAddresses, port, receiveBufferBytes, servers, consentCheckInterval);
    }

    public IceUdpPortSettings withConsentCheckInterval(Duration interval) {
        return new IceUdpPortSettings(bindAddresses, port, receiveBufferBytes, stunServers, interval);
    }
}
