package org.streamstack.media.ice;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;

/**
 * ice4j's TURN harvester restricted to our dedicated host candidate: the shared single-port candidate has
 * no socket towards the TURN server and would only fail to start an allocation.
 */
final class RelayHarvester extends TurnCandidateHarvester {

    private final DedicatedUdpHarvester base;

    RelayHarvester(TurnServer server, DedicatedUdpHarvester base) {
        super(new TransportAddress(server.host(), server.port(), Transport.UDP),
                new LongTermCredential(server.username(), server.password()));
        this.base = base;
    }

    @Override
    protected HostCandidate getHostCandidate(HostCandidate hostCandidate) {
        return hostCandidate == base.candidate() ? hostCandidate : null;
    }
}
