package org.streamstack.media.ice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.StunMappingCandidateHarvester;
import org.jitsi.config.JitsiConfig;

import com.typesafe.config.ConfigFactory;

/**
 * The node's single UDP port (the Jitsi model): one {@link SinglePortUdpHarvester} per local address, all
 * peers' ICE agents sharing it, told apart by the ufrag in their STUN checks. Open it once at startup:
 * it also configures ice4j, which reads its configuration once per JVM.
 *
 * <p>Server-reflexive candidates come from STUN servers asked once per address at startup (ice4j's
 * {@link StunMappingCandidateHarvester}), not per peer: a single-port candidate has no socket of its own
 * towards a STUN server, and the mapping is the same for every peer behind an endpoint-independent NAT.
 */
public final class IceUdpPort implements AutoCloseable {

    private static final Object CONFIG_LOCK = new Object();
    private static List<Object> appliedJvmSettings;

    private final List<SinglePortUdpHarvester> hostHarvesters;
    private final List<StunMappingCandidateHarvester> stunHarvesters;
    private final ExecutorService stunDiscovery;
    private final int port;

    private IceUdpPort(List<SinglePortUdpHarvester> hostHarvesters, List<StunMappingCandidateHarvester> stunHarvesters,
                       ExecutorService stunDiscovery) {
        this.hostHarvesters = List.copyOf(hostHarvesters);
        this.stunHarvesters = List.copyOf(stunHarvesters);
        this.stunDiscovery = stunDiscovery;
        this.port = hostHarvesters.get(0).getLocalAddress().getPort();
    }

    public static IceUdpPort open(IceUdpPortSettings settings) throws IOException {
        configureIce4j(settings);
        List<SinglePortUdpHarvester> harvesters = new ArrayList<>();
        int port = settings.port();
        try {
            for (InetAddress address : settings.bindAddresses()) {
                SinglePortUdpHarvester harvester = new SinglePortUdpHarvester(new TransportAddress(address, port, Transport.UDP));
                harvesters.add(harvester);
                port = harvester.getLocalAddress().getPort();
            }
        } catch (IOException e) {
            harvesters.forEach(AbstractUdpListener::close);
            throw e;
        }
        List<StunMappingCandidateHarvester> stun = new ArrayList<>();
        ExecutorService discovery = null;
        if (!settings.stunServers().isEmpty()) {
            discovery = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ice-stun-discovery");
                t.setDaemon(true);
                return t;
            });
            for (InetAddress address : settings.bindAddresses()) {
                for (InetSocketAddress server : settings.stunServers()) {
                    StunMappingCandidateHarvester h = new StunMappingCandidateHarvester(
                            new TransportAddress(address, 0, Transport.UDP), new TransportAddress(server, Transport.UDP));
                    stun.add(h);
                    discovery.execute(h::discover);
                }
            }
            discovery.shutdown();
        }
        return new IceUdpPort(harvesters, stun, discovery);
    }

    /**
     * Ice4j reads its settings through Typesafe Config, which snapshots system properties on first use
     * (another library, Pekko for one, may have used it first): set ours, drop the snapshot, reload. Ice4j
     * then keeps each value it has read for the life of the JVM (jitsi-metaconfig caches it), so the first
     * port opened fixes these settings; a later port asking for different ones is refused rather than
     * silently running with the first ones.
     */
    private static void configureIce4j(IceUdpPortSettings settings) {
        synchronized (CONFIG_LOCK) {
            List<Object> wanted = List.of(settings.receiveBufferBytes(), settings.consentCheckInterval());
            if (appliedJvmSettings != null) {
                if (!appliedJvmSettings.equals(wanted)) {
                    throw new IllegalStateException("ice4j's JVM-wide settings (receive buffer, consent interval) were fixed at "
                            + appliedJvmSettings + " by the first IceUdpPort; cannot change them to " + wanted);
                }
                return;
            }
            // The AWS mapping harvester probes the cloud metadata address at startup; it is the only
            // cloud mapping ice4j has. No static or STUN mappings from configuration either: ours are explicit.
            System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
            System.setProperty("ice4j.harvest.mapping.aws.force", "false");
            System.setProperty("ice4j.harvest.udp.receive-buffer-size", Integer.toString(settings.receiveBufferBytes()));
            System.setProperty("ice4j.harvest.udp.use-dynamic-ports", "false");
            System.setProperty("ice4j.consent-freshness.interval", settings.consentCheckInterval().toMillis() + " ms");
            ConfigFactory.invalidateCaches();
            JitsiConfig.Companion.reloadNewConfig();
            // Must be set before a harvester's socket thread starts: it decides push versus pull there.
            AbstractUdpListener.USE_PUSH_API = true;
            appliedJvmSettings = wanted;
        }
    }

    /**
     * The SO_RCVBUF of this JVM's ICE sockets: what the first port set for ice4j's, else the default.
     * Sockets ice4j does not make (dedicated candidates) take it from here.
     */
    static int receiveBufferBytes() {
        synchronized (CONFIG_LOCK) {
            return appliedJvmSettings == null ? IceUdpPortSettings.DEFAULT_RECEIVE_BUFFER_BYTES
                    : (Integer) appliedJvmSettings.get(0);
        }
    }

    /** The shared port number. */
    public int port() {
        return port;
    }

    /** The bound address of each host harvester. */
    public List<InetSocketAddress> localAddresses() {
        return hostHarvesters.stream().map(h -> (InetSocketAddress) h.getLocalAddress()).toList();
    }

    /** Whether every STUN discovery has finished (successfully or not). */
    public boolean stunDiscoveryDone() {
        return stunDiscovery == null || stunDiscovery.isTerminated();
    }

    List<CandidateHarvester> harvesters() {
        List<CandidateHarvester> all = new ArrayList<>(hostHarvesters);
        all.addAll(stunHarvesters);
        return all;
    }

    @Override
    public void close() {
        hostHarvesters.forEach(AbstractUdpListener::close);
        if (stunDiscovery != null) {
            stunDiscovery.shutdownNow();
        }
    }
}
