package org.streamstack.media.ice;

import org.streamstack.media.sdp.IceCandidate;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.CheckList;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.util.BufferPool;

/**
 * ICE (RFC 8445) for one peer over ice4j: one {@link Agent} with one stream and one component (BUNDLE and
 * rtcp-mux are mandatory: the single-port harvester refuses more), its host candidates on the node's
 * shared {@link IceUdpPort}.
 *
 * <p>Remote candidates can come before the remote credentials (trickle, RFC 8838): they are kept and added
 * when {@link #start} applies the answer. mDNS candidates are dropped before any address is built, since
 * building one resolves the name, blocking, and ice4j never pairs the result; the browser's own checks then
 * give us its peer-reflexive address. Liveness after connection is RFC 7675 consent freshness, not pair
 * state (ice4j may log a pair "failing" after completion without effect).
 *
 * <p>The selected pair is put back on ice4j's check list when ice4j has dropped it (see
 * {@link #keepSelectedPairOnCheckList}): once terminated, ice4j answers a remote consent check (RFC 7675)
 * only for a pair on that list, with 403 otherwise, and the remote side then loses consent while we still
 * have ours.
 *
 * <p>Threading: {@link Listener#onDatagram} runs on ice4j's socket thread for the node's port, shared by
 * all peers (or, for dedicated and relayed candidates, on this transport's reader thread): hand the
 * datagram on without blocking. {@link Listener#onStateChanged} runs on ice4j or timer threads. The other
 * methods may be called from any thread. Construction blocks while candidates are gathered: immediate on
 * the shared port, one round trip per TURN server (several seconds if one does not answer).
 */
public final class IceTransport implements AutoCloseable {

    public enum Role { CONTROLLING, CONTROLLED }

    public enum State { NEW, CHECKING, CONNECTED, FAILED, CLOSED }

    /** Why an outgoing or incoming datagram or a remote candidate was not used. */
    public enum Drop {
        /** ice4j has neither a selected nor a valid pair yet ("No valid pair."). */
        NO_VALID_PAIR,
        SEND_ERROR,
        CLOSED,
        /** The listener threw on an incoming datagram. */
        LISTENER_FAILED,
        /** Remote candidate with an mDNS ".local" name. */
        MDNS_CANDIDATE,
        /** Remote candidate that is not UDP, not component 1, or not an IP literal. */
        UNUSABLE_CANDIDATE
    }

    /** What the transport reports. */
    public interface Listener {
        /** A non-STUN datagram (DTLS, SRTP, SRTCP...), valid during the call only. */
        void onDatagram(byte[] buf, int off, int len);

        /** The state moved on; {@code reason} says why for FAILED. */
        void onStateChanged(State state, String reason);
    }

    private static final String STREAM_NAME = "bundle";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ice-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final IceSettings settings;
    private final Listener listener;
    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final List<IceCandidate> pendingRemote = new ArrayList<>();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final LongAdder datagramsIn = new LongAdder();
    private final LongAdder datagramsOut = new LongAdder();
    private final LongAdder selectedPairsRestored = new LongAdder();
    private final ScheduledFuture<?> watchdog;

    private volatile State state = State.NEW;
    private boolean started;
    private long startedAtNanos;
    private volatile long lastConsentNanos;

    /**
     * A transport on the node's shared port. If TURN servers are configured, a dedicated socket on the port's
     * first address is added for the allocations (TURN cannot run over the shared port's candidates).
     */
    public IceTransport(IceUdpPort port, Role role, IceSettings settings, Listener listener) throws IOException {
        this(port, settings.turnServers().isEmpty() ? null : port.localAddresses().get(0).getAddress(),
                role, settings, listener);
    }

    /**
     * A transport with a host candidate on an ephemeral port of its own instead of the shared port. It can
     * start checks towards addresses it has not heard from (a single-port candidate cannot), which is how
     * a test plays the browser against a transport on an {@link IceUdpPort}.
     */
    public static IceTransport dedicated(InetAddress bindAddress, Role role, IceSettings settings, Listener listener)
            throws IOException {
        return new IceTransport(null, bindAddress, role, settings, listener);
    }

    private IceTransport(IceUdpPort port, InetAddress dedicatedAddress, Role role, IceSettings settings,
                         Listener listener) throws IOException {
        this.settings = settings;
        this.listener = listener;
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
        agent = new Agent();
        agent.setControlling(role == Role.CONTROLLING);
        agent.setUseDynamicPorts(false);
        agent.setTrickling(false);
        agent.setPerformConsentFreshness(settings.consentFreshness());
        if (port != null) {
            for (CandidateHarvester harvester : port.harvesters()) {
                agent.addCandidateHarvester(harvester);
            }
        }
        boolean dedicated = dedicatedAddress != null;
        if (dedicated) {
            DedicatedUdpHarvester own = new DedicatedUdpHarvester(dedicatedAddress);
            agent.addCandidateHarvester(own);
            for (TurnServer turn : settings.turnServers()) {
                agent.addCandidateHarvester(new RelayHarvester(turn, own));
            }
        }
        stream = agent.createMediaStream(STREAM_NAME);
        // The component socket carries payload of dedicated and relayed candidates (pulled by a reader
        // thread); the shared port's payload is pushed through the buffer callback instead.
        component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, dedicated);
        component.setBufferCallback(buffer -> {
            try {
                deliver(buffer.getBuffer(), buffer.getOffset(), buffer.getLength());
            } finally {
                BufferPool.returnBuffer.invoke(buffer);
            }
        });
        agent.addStateChangeListener(this::onAgentStateChange);
        stream.addPairChangeListener(this::onPairChange);
        watchdog = WATCHDOG.scheduleWithFixedDelay(this::checkTimers, 250, 250, TimeUnit.MILLISECONDS);
        if (dedicated) {
            Thread reader = new Thread(this::readComponentSocket, "ice-reader-" + agent.getLocalUfrag());
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void deliver(byte[] buf, int off, int len) {
        try {
            datagramsIn.increment();
            listener.onDatagram(buf, off, len);
        } catch (RuntimeException e) {
            drop(Drop.LISTENER_FAILED);
        }
    }

    /** Pull loop for the component socket (dedicated and relayed candidates); ends when the agent is freed. */
    private void readComponentSocket() {
        DatagramSocket socket = component.getSocket();
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        while (state() != State.CLOSED) {
            try {
                packet.setData(packet.getData(), 0, packet.getData().length);
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            deliver(packet.getData(), packet.getOffset(), packet.getLength());
        }
    }

    public String localUfrag() {
        return agent.getLocalUfrag();
    }

    public String localPassword() {
        return agent.getLocalPassword();
    }

    /** Our candidates for the SDP (host on every bind address, server-reflexive when STUN found one). */
    public List<IceCandidate> localCandidates() {
        List<IceCandidate> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress a = c.getTransportAddress();
            TransportAddress related = c.getRelatedAddress();
            out.add(new IceCandidate(c.getFoundation(), component.getComponentID(), "udp", c.getPriority(),
                    a.getHostAddress(), a.getPort(), typeOf(c.getType()),
                    related == null ? null : related.getHostAddress(), related == null ? -1 : related.getPort(),
                    java.util.Map.of()));
        }
        return out;
    }

    /**
     * Adds a remote candidate, before or after {@link #start}.
     *
     * @return false (and counted) for mDNS, non-UDP, non-RTP-component or non-literal addresses
     */
    public boolean addRemoteCandidate(IceCandidate candidate) {
        if (candidate.isMdns()) {
            drop(Drop.MDNS_CANDIDATE);
            return false;
        }
        if (!candidate.isUdp() || candidate.component() != Component.RTP || literal(candidate.address()) == null) {
            drop(Drop.UNUSABLE_CANDIDATE);
            return false;
        }
        synchronized (this) {
            if (state == State.CLOSED || state == State.FAILED) {
                return false;
            }
            if (!started) {
                pendingRemote.add(candidate);
                return true;
            }
            RemoteCandidate remote = toRemote(candidate);
            if (remote == null) {
                return false;
            }
            component.addUpdateRemoteCandidates(remote);
            component.updateRemoteCandidates();
            return true;
        }
    }

    /**
     * Applies the remote credentials (from the answer) and starts connectivity checks with the candidates
     * known so far. Checks that arrived earlier are answered already and replayed by ice4j. Once only.
     */
    public void start(String remoteUfrag, String remotePassword) {
        synchronized (this) {
            if (started || state == State.CLOSED) {
                return;
            }
            stream.setRemoteUfrag(remoteUfrag);
            stream.setRemotePassword(remotePassword);
            for (IceCandidate c : pendingRemote) {
                RemoteCandidate remote = toRemote(c);
                if (remote != null) {
                    component.addRemoteCandidate(remote);
                }
            }
            pendingRemote.clear();
            started = true;
            startedAtNanos = System.nanoTime();
        }
        setState(State.CHECKING, "checking");
        agent.startConnectivityEstablishment();
    }

    /**
     * Sends one datagram to the peer over the selected pair, or a valid one before nomination.
     *
     * @return false (and counted) when there is no valid pair yet or the send failed
     */
    public boolean send(byte[] buf, int off, int len) {
        if (state() == State.CLOSED) {
            drop(Drop.CLOSED);
            return false;
        }
        try {
            component.send(buf, off, len);
            datagramsOut.increment();
            return true;
        } catch (IOException e) {
            drop(String.valueOf(e.getMessage()).startsWith("No valid pair") ? Drop.NO_VALID_PAIR : Drop.SEND_ERROR);
            return false;
        } catch (RuntimeException e) {
            drop(Drop.SEND_ERROR);
            return false;
        }
    }

    public State state() {
        return state;
    }

    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public long dropped(Drop reason) {
        return drops.get(reason).sum();
    }

    public Map<Drop, Long> dropCounts() {
        Map<Drop, Long> copy = new EnumMap<>(Drop.class);
        drops.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    @Override
    public void close() {
        watchdog.cancel(false);
        setState(State.CLOSED, "closed");
        component.setBufferCallback(BufferPool.returnBuffer::invoke);
        agent.free();
    }

    private void onAgentStateChange(PropertyChangeEvent event) {
        if (!(event.getNewValue() instanceof IceProcessingState s)) {
            return;
        }
        if (s == IceProcessingState.COMPLETED) {
            lastConsentNanos = System.nanoTime();
            keepSelectedPairOnCheckList();
            setState(State.CONNECTED, "nominated " + component.getSelectedPair());
        } else if (s == IceProcessingState.FAILED) {
            setState(State.FAILED, "ICE checks failed");
        }
        // TERMINATED follows COMPLETED after ice4j's termination delay and changes nothing for us.
    }

    /**
     * ice4j's check list, on selecting the nominated pair, drops every pair of the component still Waiting or
     * Frozen, and does not spare the selected pair itself. The selected pair can be Waiting just then: a check
     * of the peer's that ice4j's server thread took while our nomination check on that pair was In-Progress
     * makes it cancel that check and queue a triggered one (RFC 8445 7.3.1.4), setting the pair Waiting, and
     * this can land after the client thread marked the pair Succeeded on the nomination's response but
     * before it selects it (in {@code bench viewers} on a loaded 2-core machine: one receiver of 16 in a
     * run). Once ice4j has terminated (3 s after completion) it answers a check on a pair off the list with
     * 403 ("unknown candidate pair ... when client is stopped"), so a peer whose first consent check came
     * later (ice4j's come every 15 s) had every one refused: its consent expired 30 s in (RFC 7675 5.1) and
     * it closed the connection, while ours, answered by the peer, stayed fresh. The pair did succeed (it was
     * nominated on a success response), so it goes back on the list as Succeeded, where ice4j answers the
     * peer's checks on it as on any selected pair. Runs on COMPLETED, which ice4j reaches after selecting.
     */
    private void keepSelectedPairOnCheckList() {
        CandidatePair selected = component.getSelectedPair();
        if (selected == null) {
            return;
        }
        CheckList checkList = stream.getCheckList();
        synchronized (checkList) {
            if (stream.findCandidatePair(selected.getLocalCandidate().getTransportAddress(),
                    selected.getRemoteCandidate().getTransportAddress()) != null) {
                return;
            }
            checkList.add(selected);
        }
        selected.setStateSucceeded();
        selectedPairsRestored.increment();
    }

    /** How many times the selected pair had to be put back on ice4j's check list (0 or 1). */
    public long selectedPairsRestored() {
        return selectedPairsRestored.sum();
    }

    /** ice4j's stream, for tests that force an interleaving of ice4j's threads. */
    IceMediaStream iceStream() {
        return stream;
    }

    private void onPairChange(PropertyChangeEvent event) {
        if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(event.getPropertyName())) {
            lastConsentNanos = System.nanoTime();
        }
    }

    private void checkTimers() {
        State s = state();
        long now = System.nanoTime();
        if (s == State.CHECKING && now - startedAtNanos > settings.connectTimeout().toNanos()) {
            setState(State.FAILED, "no pair nominated within " + settings.connectTimeout());
        } else if (s == State.CONNECTED && settings.consentFreshness()
                && now - lastConsentNanos > settings.consentTimeout().toNanos()) {
            setState(State.FAILED, "consent expired (RFC 7675): no response for " + settings.consentTimeout());
        }
    }

    private void setState(State next, String reason) {
        synchronized (this) {
            if (state == next || state == State.CLOSED || (state == State.FAILED && next != State.CLOSED)) {
                return;
            }
            if (next == State.CHECKING && state != State.NEW) {
                return;
            }
            state = next;
        }
        if (next == State.FAILED) {
            watchdog.cancel(false);
        }
        try {
            listener.onStateChanged(next, reason);
        } catch (RuntimeException ignored) {
            // A listener's bug must not break ice4j's threads.
        }
    }

    private RemoteCandidate toRemote(IceCandidate c) {
        InetAddress address = literal(c.address());
        CandidateType type;
        try {
            type = CandidateType.parse(c.type().token());
        } catch (IllegalArgumentException e) {
            drop(Drop.UNUSABLE_CANDIDATE);
            return null;
        }
        if (address == null) {
            drop(Drop.UNUSABLE_CANDIDATE);
            return null;
        }
        return new RemoteCandidate(new TransportAddress(address, c.port(), Transport.UDP), component, type,
                c.foundation(), c.priority(), null, stream.getRemoteUfrag());
    }

    private static IceCandidate.Type typeOf(CandidateType type) {
        switch (type) {
            case SERVER_REFLEXIVE_CANDIDATE:
                return IceCandidate.Type.SRFLX;
            case PEER_REFLEXIVE_CANDIDATE:
                return IceCandidate.Type.PRFLX;
            case RELAYED_CANDIDATE:
                return IceCandidate.Type.RELAY;
            default:
                return IceCandidate.Type.HOST;
        }
    }

    /** Parses an IP literal without ever asking DNS; null for names. */
    static InetAddress literal(String address) {
        if (!IPV4.matcher(address).matches() && address.indexOf(':') < 0) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private void drop(Drop reason) {
        drops.get(reason).increment();
    }
}
