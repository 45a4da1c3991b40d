package org.streamstack.media.ice;

import java.util.Locale;
import java.util.Optional;

/**
 * One ICE candidate as SDP carries it (RFC 8839 section 5.1):
 *
 * <pre>
 * candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                       connection-address SP port SP "typ" SP cand-type
 *                       [SP "raddr" SP rel-addr] [SP "rport" SP rel-port] *(SP extension-att-name SP extension-att-value)
 * </pre>
 *
 * Extensions (generation, ufrag, network-id, tcptype...) are not kept.
 *
 * @param type host, srflx, prflx or relay
 * @param relatedAddress raddr, or null
 * @param relatedPort rport, or -1
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
                           int port, String type, String relatedAddress, int relatedPort) {

    /** Whether the address is an mDNS name (RFC 8828 section 5.1, "{uuid}.local"): never resolve it. */
    public boolean isMdns() {
        return address.toLowerCase(Locale.ROOT).endsWith(".local");
    }

    public boolean isUdp() {
        return "udp".equalsIgnoreCase(transport);
    }

    /**
     * Parses the value of an {@code a=candidate} attribute, with or without the {@code a=} and
     * {@code candidate:} prefixes (the browser's {@code RTCIceCandidate.candidate} has the latter).
     */
    public static Optional<IceCandidate> parse(String line) {
        String s = line.trim();
        if (s.startsWith("a=")) {
            s = s.substring(2);
        }
        if (s.startsWith("candidate:")) {
            s = s.substring("candidate:".length());
        }
        String[] f = s.split("\\s+");
        if (f.length < 8 || !"typ".equals(f[6])) {
            return Optional.empty();
        }
        try {
            String raddr = null;
            int rport = -1;
            for (int i = 8; i + 1 < f.length; i += 2) {
                if ("raddr".equals(f[i])) {
                    raddr = f[i + 1];
                } else if ("rport".equals(f[i])) {
                    rport = Integer.parseInt(f[i + 1]);
                }
            }
            int port = Integer.parseInt(f[5]);
            if (port < 0 || port > 65535) {
                return Optional.empty();
            }
            return Optional.of(new IceCandidate(f[0], Integer.parseInt(f[1]), f[2].toLowerCase(Locale.ROOT),
                    Long.parseLong(f[3]), f[4], port, f[7], raddr, rport));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The attribute value, starting with {@code candidate:} (prefix it with {@code a=} for SDP). */
    public String toSdp() {
        StringBuilder b = new StringBuilder("candidate:").append(foundation).append(' ').append(component).append(' ')
                .append(transport).append(' ').append(priority).append(' ').append(address).append(' ').append(port)
                .append(" typ ").append(type);
        if (relatedAddress != null) {
            b.append(" raddr ").append(relatedAddress).append(" rport ").append(Math.max(relatedPort, 0));
        }
        return b.toString();
    }
}
