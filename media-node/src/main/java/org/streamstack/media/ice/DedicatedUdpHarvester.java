package org.streamstack.media.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.ComponentSocket;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.AbstractCandidateHarvester;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * One host candidate on an ephemeral port of its own, for one agent, bound to any address including
 * loopback (ice4j's host harvester never offers loopback).
 *
 * <p>Unlike a single-port candidate, which can only answer remote addresses that reached it first with a
 * STUN check carrying its ufrag, this one can start checks and talk to a TURN server: TURN allocations
 * are per 5-tuple (RFC 8656 section 2.2), so relayed candidates are harvested from it. Its payload is read
 * from the component socket (pull), not pushed.
 */
final class DedicatedUdpHarvester extends AbstractCandidateHarvester {

    private final InetAddress bindAddress;
    private volatile HostCandidate candidate;

    DedicatedUdpHarvester(InetAddress bindAddress) {
        this.bindAddress = bindAddress;
    }

    HostCandidate candidate() {
        return candidate;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }

    /** What ice4j's HostCandidateHarvester does for one address, without its loopback filter. */
    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        try {
            MultiplexingDatagramSocket socket = new MultiplexingDatagramSocket(0, bindAddress);
            // As for the shared port's sockets: the 208 KiB Linux default overflows under a burst (a
            // keyframe of 150 packets arriving while the reader thread waits for a core).
            socket.setReceiveBufferSize(IceUdpPort.receiveBufferBytes());
            HostCandidate host = new HostCandidate(new IceUdpSocketWrapper(socket), component, Transport.UDP);
            component.addLocalCandidate(host);
            host.getStunStack().addSocket(host.getStunSocket(null));
            ComponentSocket componentSocket = component.getComponentSocket();
            if (componentSocket != null) {
                componentSocket.add(socket);
            }
            candidate = host;
            return List.of(host);
        } catch (IOException e) {
            return List.of();
        }
    }
}
