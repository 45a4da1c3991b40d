package org.streamstack.media.sctp;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One SCTP association (RFC 9260) as WebRTC data channels use it over DTLS (RFC 8261), sans-IO:
 * packets come in through {@link #receive}, user messages through {@link #send}, time through
 * {@link #handleTimeout} at {@link #nextTimeout()}; packets to write into DTLS and events leave
 * through the {@link Listener}. No threads, no sockets, no clock of its own: every input carries
 * the time, in milliseconds of any monotonic clock.
 *
 * <h2>Threading</h2>
 * Single-threaded: one caller (one actor, one event loop) makes every call. Listener callbacks run
 * on that thread from inside those calls, after the association's state is consistent; a callback
 * may call back in ({@code send} from {@code onMessage}, say): what that produces goes out when the
 * outer call finishes.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Setup (5.1): as the passive side it answers each INIT with an INIT ACK and a signed,
 *   stateless cookie ({@link StateCookie}) and keeps no state until the COOKIE ECHO; Chromium
 *   always sends INIT once DTLS is up. {@link #connect} makes it the initiator; an INIT collision
 *   (5.2.1) is answered with our own INIT's tag and TSN, and a repeated COOKIE ECHO gets another
 *   COOKIE ACK (5.2.4 D). A peer restart (5.2.4 A) is not supported: WebRTC makes a new DTLS
 *   session, and with it a new association, instead.</li>
 *   <li>Data (6): messages are fragmented into DATA chunks whose payload is a multiple of 4 so
 *   that packets stay within {@link SctpSettings#maxPacketSize()}; received fragments are joined
 *   by TSN run. Ordered messages are delivered per stream in SSN order, unordered ones at once.</li>
 *   <li>SACK (6.2): every second packet with DATA, at once on a gap, a filled gap, a duplicate or
 *   an I bit (RFC 7053), otherwise after the 200 ms delayed-ack timer; piggybacked on DATA.</li>
 *   <li>Congestion control (7.2): slow start, congestion avoidance, fast retransmit on the third
 *   miss indication and fast recovery; T3-rtx with RTO per 6.3 (initial 500 ms, floor 400 ms),
 *   doubled per expiry up to a 3 s cap; the peer is unreachable after
 *   {@link SctpSettings#maxRetransmissions()} expiries without progress (8.1).</li>
 *   <li>Tail loss: a lone lost message would wait for T3 (p99 about 0.8 s at 10 % loss, WEBRTC.md).
 *   Three measures shorten that. (1) Max.Burst 4 (6.1 D) caps data packets per output
 *   opportunity, so bursts do not overflow receive buffers. (2) When the send queue runs dry, the
 *   last DATA chunk carries the I bit (RFC 7053), which Chromium's dcsctp honours: its SACK comes
 *   at once instead of after 200 ms, keeping RTT samples honest. (3) A tail-loss probe in the
 *   spirit of RFC 8985 7: with data outstanding and nothing new to send, once 2 x SRTT (at least
 *   20 ms; only after a first RTT sample) pass without progress, the earliest unacknowledged chunk
 *   is sent again, once per episode, without touching cwnd; T3 stays as the backstop.</li>
 *   <li>Partial reliability (RFC 3758): with FORWARD-TSN negotiated, messages sent with a
 *   {@link Reliability} are abandoned past their retransmission or lifetime limit and the peer is
 *   moved past them with FORWARD TSN; a received FORWARD TSN (with or without stream entries)
 *   advances the cumulative TSN and is acknowledged.</li>
 *   <li>Stream reset (RFC 6525, RFC 8831 6.7): an incoming Outgoing SSN Reset Request is answered
 *   (Success - Performed, or In Progress until the data before it has arrived) and answered in kind
 *   with our own request for the same streams, which its own timer retransmits until answered.
 *   {@link Listener#onStreamReset} fires when a stream has been reset in both directions. The
 *   Response Sequence Number field of the peer's requests is not checked (Chromium fills it with
 *   its own request number).</li>
 *   <li>Close: {@link #shutdown} (9.2), {@link #abort}; an ABORT from the peer (Chromium's
 *   {@code pc.close()}) closes at once. HEARTBEATs are echoed (8.3); ours go out after
 *   {@link SctpSettings#heartbeatIntervalMillis()} of silence from the peer.</li>
 *   <li>Bad input (8.4, 8.5): malformed packets, a wrong verification tag or a forged cookie are
 *   dropped and counted, never thrown; unknown chunk types follow the upper two bits of their
 *   type (3.2). Ports are not checked: a DTLS session carries exactly one association (RFC 8261
 *   5), which the verification tag identifies.</li>
 * </ul>
 */
public final class SctpAssociation {
    /** {@link #nextTimeout()} when no timer runs. */
    public static final long NO_TIMEOUT = Long.MAX_VALUE;
    /** Floor of the tail-loss probe timeout: below this, scheduling jitter alone would trigger probes. */
    static final long MIN_PROBE_TIMEOUT_MILLIS = 20;

    /** RFC 9260 4. */
    public enum State {
        CLOSED, COOKIE_WAIT, COOKIE_ECHOED, ESTABLISHED, SHUTDOWN_PENDING, SHUTDOWN_SENT, SHUTDOWN_RECEIVED,
        SHUTDOWN_ACK_SENT
    }

    /** Where packets and events go; called on the caller's thread from inside the association's methods. */
    public interface Listener {
        /** One SCTP packet to send as one DTLS record (RFC 8261); the array belongs to the callee. */
        void onPacket(byte[] packet);

        /** COOKIE ECHO accepted or COOKIE ACK received: messages flow. */
        default void onEstablished() {
        }

        /** One whole message, in order for ordered streams. */
        default void onMessage(int streamId, int ppid, byte[] message) {
        }

        /** The stream was reset in both directions (RFC 8831 6.7: its data channel is closed). */
        default void onStreamReset(int streamId) {
        }

        /** Called once; nothing is sent or delivered afterwards. */
        default void onClosed(CloseReason reason, String detail) {
        }
    }

    private final SctpSettings settings;
    private final RandomGenerator random;
    private final Listener listener;
    private final StateCookie cookies;
    private final RtoEstimator rto;
    private final SendQueue sendQueue = new SendQueue();
    private final int maxGapBlocks;

    private State state = State.CLOSED;
    private CloseReason closeReason;
    private long now;

    // Our side of the handshake.
    private int localTag;
    private int localInitialTsn;
    private byte[] cookieToEcho;
    private int initRetransmits;

    // The transmission control block, from the INIT ACK or the cookie.
    private int peerTag;
    private int outboundStreams = 0xFFFF;
    private int inboundStreams;
    private boolean peerForwardTsn;
    private boolean peerReconfig;
    private DataTracker tracker;
    private ReassemblyQueue reassembly;
    private RetransmissionQueue rtx;

    // SACK policy (6.2).
    private int dataPacketsSinceSack;
    private boolean sackNow;
    private boolean cookieAckDue;

    // Timers: absolute deadlines, NO_TIMEOUT when stopped.
    private long t1At = NO_TIMEOUT;
    private long t2At = NO_TIMEOUT;
    private long t3At = NO_TIMEOUT;
    private long probeAt = NO_TIMEOUT;
    private long sackAt = NO_TIMEOUT;
    private long reconfigAt = NO_TIMEOUT;
    private long heartbeatAt = NO_TIMEOUT;
    private int t2Expiries;
    private int t3Backoff;
    private int reconfigExpiries;
    private int errorCount;
    private boolean probeSent;
    private boolean bypassCwndOnce;
    private byte[] heartbeatPending;
    private long heartbeatSentAt;

    // Stream reset (RFC 6525).
    private int nextRequestSeq;
    private int lastPeerRequestSeq;
    private int lastPeerRequestResult = ReconfigResponseParameter.SUCCESS_NOTHING_TO_DO;
    private OutgoingSsnResetRequestParameter outstandingRequest;
    private boolean requestDeferredByPeer;
    private final Set<Integer> resetsWanted = new LinkedHashSet<>();
    private final Set<Integer> outgoingResetting = new HashSet<>();
    private final Set<Integer> outgoingResetDone = new HashSet<>();
    private final Set<Integer> incomingResetDone = new HashSet<>();

    // Output, drained after each input.
    private final ArrayDeque<Chunk> controlChunks = new ArrayDeque<>();
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private final ArrayDeque<Runnable> events = new ArrayDeque<>();
    private boolean flushing;

    private long packetsReceived;
    private long packetsSent;
    private long malformedDropped;
    private long packetsDropped;
    private long dataChunksReceived;
    private long duplicateTsns;
    private long dataChunksDropped;
    private long dataChunksSent;
    private long retransmissions;
    private long fastRetransmits;
    private long t3Expiries;
    private long tailLossProbes;
    private long messagesSent;
    private long messagesReceived;
    private long heartbeatsReceived;
    private long heartbeatsSent;
    private long unknownChunks;

    public SctpAssociation(SctpSettings settings, Listener listener) {
        this(settings, new SecureRandom(), listener);
    }

    /**
     * @param random source of verification tags, initial TSNs and the cookie key; seed it in tests
     */
    public SctpAssociation(SctpSettings settings, RandomGenerator random, Listener listener) {
        this.settings = settings;
        this.random = random;
        this.listener = listener;
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) random.nextInt();
        }
        this.cookies = new StateCookie(secret);
        this.rto = new RtoEstimator(settings);
        this.maxGapBlocks = (settings.maxPacketSize() - SctpPacket.HEADER_SIZE - SackChunk.FIXED_SIZE - 4 * 32) / 4;
    }

    // ============================================================================================
    // Inputs
    // ============================================================================================

    /**
     * Makes this side the initiator (5.1 A): sends INIT. Without this call the association waits for
     * the peer's INIT, as it does with Chromium.
     *
     * @throws IllegalStateException if an association already exists or is being set up
     */
    public void connect(long nowMillis) {
        if (state != State.CLOSED || closeReason != null || localTag != 0) {
            throw new IllegalStateException("connect() on an association in state " + state);
        }
        now = nowMillis;
        localTag = newTag();
        localInitialTsn = random.nextInt();
        state = State.COOKIE_WAIT;
        sendInit();
        t1At = now + rto.rto();
        flush();
    }

    /** One SCTP packet from DTLS. Malformed or unexpected packets are dropped and counted. */
    public void receive(byte[] packet, long nowMillis) {
        receive(packet, 0, packet.length, nowMillis);
    }

    public void receive(byte[] buf, int off, int len, long nowMillis) {
        now = nowMillis;
        packetsReceived++;
        SctpPacket packet;
        try {
            packet = SctpPacket.parse(buf, off, len);
        } catch (MalformedSctpException e) {
            malformedDropped++;
            return;
        }
        if (!process(packet)) {
            packetsDropped++;
        }
        flush();
    }

    /** Queues a reliable message; see {@link #send(int, int, byte[], boolean, Reliability, long)}. */
    public boolean send(int streamId, int ppid, byte[] message, boolean ordered, long nowMillis) {
        return send(streamId, ppid, message, ordered, Reliability.RELIABLE, nowMillis);
    }

    /**
     * Queues one message. It leaves as soon as the congestion and receive windows allow; before the
     * association is established it waits for it.
     *
     * @param ppid Payload Protocol Identifier (RFC 8831 8: 51 text, 53 binary, 56 and 57 empty)
     * @param message at least one byte (RFC 9260 3.3.1); not copied, do not modify it afterwards
     * @return false if the association no longer takes messages (shutting down or closed), the
     *     stream is beyond the negotiated count, or the stream is being reset
     * @throws IllegalArgumentException for an empty message or a stream id outside 0-65535
     */
    public boolean send(int streamId, int ppid, byte[] message, boolean ordered, Reliability reliability,
                        long nowMillis) {
        NetworkOrder.requireU16(streamId, "stream identifier");
        if (message.length == 0) {
            throw new IllegalArgumentException("SCTP cannot carry an empty message (RFC 9260 3.3.1); "
                    + "WebRTC sends one zero byte with PPID 56 or 57 (RFC 8831 6.6)");
        }
        now = nowMillis;
        if (closeReason != null || state.compareTo(State.SHUTDOWN_PENDING) >= 0 || streamId >= outboundStreams
                || outgoingResetting.contains(streamId)) {
            return false;
        }
        long expiresAt = reliability.lifetimeMillis() == Long.MAX_VALUE ? Long.MAX_VALUE
                : nowMillis + reliability.lifetimeMillis();
        sendQueue.add(new SendQueue.Message(streamId, ppid, message, !ordered, reliability.maxRetransmissions(),
                expiresAt));
        messagesSent++;
        flush();
        return true;
    }

    /** Fires every timer due at {@code nowMillis}; harmless when none is. */
    public void handleTimeout(long nowMillis) {
        now = nowMillis;
        if (closeReason == null && t1At <= now) {
            onT1Expiry();
        }
        if (closeReason == null && t2At <= now) {
            onT2Expiry();
        }
        if (closeReason == null && t3At <= now) {
            onT3Expiry();
        }
        if (closeReason == null && probeAt <= now) {
            onProbeTimeout();
        }
        if (closeReason == null && reconfigAt <= now) {
            onReconfigExpiry();
        }
        if (closeReason == null && sackAt <= now) {
            sackAt = NO_TIMEOUT;
            sackNow = true;
        }
        if (closeReason == null && heartbeatAt <= now) {
            onHeartbeatTimer();
        }
        flush();
    }

    /** The earliest timer deadline, or {@link #NO_TIMEOUT}. */
    public long nextTimeout() {
        return Math.min(Math.min(Math.min(t1At, t2At), Math.min(t3At, probeAt)),
                Math.min(Math.min(sackAt, reconfigAt), heartbeatAt));
    }

    /**
     * Resets our outgoing stream (RFC 6525 5.1.2) once its queued messages have left: closes our
     * half of a data channel (RFC 8831 6.7). Further sends on it are refused until the reset
     * completes.
     *
     * @return false if the association is not established or the peer does not support RE-CONFIG
     */
    public boolean resetStream(int streamId, long nowMillis) {
        NetworkOrder.requireU16(streamId, "stream identifier");
        now = nowMillis;
        if (closeReason != null || state != State.ESTABLISHED || !peerReconfig) {
            return false;
        }
        requestOutgoingReset(streamId);
        flush();
        return true;
    }

    /** Graceful close (9.2): queued data is delivered first. Before establishment it just closes. */
    public void shutdown(long nowMillis) {
        now = nowMillis;
        if (closeReason != null) {
            return;
        }
        switch (state) {
            case CLOSED, COOKIE_WAIT, COOKIE_ECHOED -> close(CloseReason.SHUTDOWN, "shutdown before establishment");
            case ESTABLISHED -> {
                state = State.SHUTDOWN_PENDING;
                checkShutdownProgress();
            }
            default -> {
                // Already shutting down.
            }
        }
        flush();
    }

    /** Sends ABORT with a User-Initiated Abort cause carrying {@code reason} (9.1) and closes. */
    public void abort(String reason) {
        if (closeReason != null) {
            return;
        }
        if (peerTag != 0) {
            sendPacket(peerTag, List.of(new AbortChunk(false, List.of(ErrorCause.userInitiatedAbort(reason)))));
        }
        close(CloseReason.LOCAL_ABORT, reason);
        flush();
    }

    // ============================================================================================
    // Queries
    // ============================================================================================

    public State state() {
        return state;
    }

    public boolean isEstablished() {
        return closeReason == null && state == State.ESTABLISHED;
    }

    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the association closed, or null while it has not. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** Whether the peer negotiated FORWARD-TSN, without which every message is reliable. */
    public boolean partialReliability() {
        return peerForwardTsn;
    }

    /** Bytes accepted by {@code send} and not yet acknowledged by the peer. */
    public long bufferedAmount() {
        return sendQueue.bufferedBytes() + (rtx == null ? 0 : rtx.outstandingBytes());
    }

    /** Current RTO, milliseconds. */
    public long retransmissionTimeout() {
        return rto.rto();
    }

    public SctpCounters counters() {
        return new SctpCounters(packetsReceived, packetsSent, malformedDropped, packetsDropped, dataChunksReceived,
                duplicateTsns, dataChunksDropped, dataChunksSent, retransmissions, fastRetransmits, t3Expiries,
                tailLossProbes, messagesSent, messagesReceived,
                sendQueue.expired() + (rtx == null ? 0 : rtx.abandonedMessages()), heartbeatsReceived,
                heartbeatsSent, unknownChunks);
    }

    // ============================================================================================
    // Packet processing
    // ============================================================================================

    /** Verifies the packet (8.5, 8.5.1, 8.4) and processes its chunks; false if it was dropped. */
    private boolean process(SctpPacket packet) {
        List<Chunk> chunks = packet.chunks();
        if (chunks.isEmpty()) {
            return false;
        }
        Chunk first = chunks.get(0);
        int vtag = packet.verificationTag();

        // 8.5.1 A: INIT travels alone, with tag 0.
        if (first instanceof InitChunk init) {
            if (chunks.size() != 1 || vtag != 0 || closeReason != null) {
                return false;
            }
            onInit(init);
            return true;
        }
        for (Chunk c : chunks) {
            if (c instanceof InitChunk) {
                return false;
            }
        }
        // 5.1.5: a COOKIE ECHO's tag is checked against the cookie, not against a TCB.
        if (first instanceof CookieEchoChunk echo) {
            if (closeReason != null || !onCookieEcho(echo, vtag)) {
                return false;
            }
            return processChunks(chunks.subList(1, chunks.size()));
        }
        if (localTag == 0 || closeReason != null) {
            return outOfTheBlue(packet);
        }
        // 8.5.1 B, C: ABORT and SHUTDOWN COMPLETE with the T bit carry the tag the peer expects of us.
        boolean reflected = first instanceof AbortChunk a && a.tagReflected()
                || first instanceof ShutdownCompleteChunk sc && sc.tagReflected();
        if (reflected ? (peerTag == 0 || vtag != peerTag) : vtag != localTag) {
            return false;
        }
        // 8.5.1 E: a SHUTDOWN ACK before establishment is out of the blue.
        if (first instanceof ShutdownAckChunk && (state == State.COOKIE_WAIT || state == State.COOKIE_ECHOED)) {
            return outOfTheBlue(packet);
        }
        return processChunks(chunks);
    }

    private boolean processChunks(List<Chunk> chunks) {
        boolean hadGaps = tracker != null && tracker.hasGaps();
        boolean dataSeen = false;
        boolean immediate = false;
        List<ErrorCause> unrecognized = new ArrayList<>();
        if (tracker != null) {
            // Any packet from the peer proves the path; heartbeats are for silent ones (8.3).
            restartHeartbeatTimer();
        }
        for (Chunk c : chunks) {
            if (closeReason != null) {
                break;
            }
            if (c instanceof DataChunk d) {
                dataSeen |= onData(d);
                immediate |= d.immediate();
            } else if (c instanceof SackChunk s) {
                onSack(s);
            } else if (c instanceof InitAckChunk a) {
                onInitAck(a);
            } else if (c instanceof CookieAckChunk) {
                onCookieAck();
            } else if (c instanceof HeartbeatChunk h) {
                onHeartbeat(h);
            } else if (c instanceof HeartbeatAckChunk h) {
                onHeartbeatAck(h);
            } else if (c instanceof AbortChunk a) {
                close(CloseReason.PEER_ABORT, describe(a.causes()));
            } else if (c instanceof ShutdownChunk s) {
                onShutdown(s);
            } else if (c instanceof ShutdownAckChunk) {
                onShutdownAck();
            } else if (c instanceof ShutdownCompleteChunk) {
                onShutdownComplete();
            } else if (c instanceof ErrorChunk e) {
                onError(e);
            } else if (c instanceof ReconfigChunk r) {
                onReconfig(r);
            } else if (c instanceof ForwardTsnChunk f) {
                dataSeen |= onForwardTsn(f);
            } else if (c instanceof UnknownChunk u) {
                // 3.2: the upper two bits of the type say whether to go on and whether to report.
                unknownChunks++;
                if (ChunkType.reportedWhenUnknown(u.type())
                        && u.length() <= settings.maxPacketSize() - SctpPacket.HEADER_SIZE - 2 * ChunkHeader.SIZE) {
                    unrecognized.add(ErrorCause.unrecognizedChunkType(u));
                }
                if (ChunkType.stopsProcessingWhenUnknown(u.type())) {
                    break;
                }
            }
            // A COOKIE ECHO after the first chunk is not valid (5.1); nothing to do.
        }
        if (closeReason == null && !unrecognized.isEmpty() && peerTag != 0) {
            controlChunks.add(new ErrorChunk(unrecognized));
        }
        if (closeReason == null && dataSeen) {
            scheduleSack(hadGaps, immediate);
        }
        return true;
    }

    /** 8.4: a packet for no association we have. */
    private boolean outOfTheBlue(SctpPacket packet) {
        for (Chunk c : packet.chunks()) {
            if (c instanceof AbortChunk || c instanceof ShutdownCompleteChunk || c instanceof CookieAckChunk
                    || c instanceof ErrorChunk) {
                return false; // 8.4 items 2, 6, 7
            }
        }
        if (packet.chunks().get(0) instanceof ShutdownAckChunk) {
            // 8.4 item 5: the peer lost our SHUTDOWN COMPLETE.
            sendPacket(packet.verificationTag(), List.of(new ShutdownCompleteChunk(true)));
        } else {
            // 8.4 item 8.
            sendPacket(packet.verificationTag(), List.of(new AbortChunk(true, List.of())));
        }
        return false;
    }

    // ---- setup (5.1, 5.2) ------------------------------------------------------------------------

    private void onInit(InitChunk init) {
        if (init.initiateTag() == 0) {
            return; // 3.3.2: silently discarded
        }
        if (init.outboundStreams() == 0 || init.inboundStreams() == 0) {
            // 3.3.2: an INIT with zero OS or MIS is a protocol violation.
            sendPacket(init.initiateTag(), List.of(new AbortChunk(false,
                    List.of(ErrorCause.protocolViolation("INIT with zero streams")))));
            return;
        }
        if (state == State.SHUTDOWN_ACK_SENT) {
            // 9.2: our SHUTDOWN COMPLETE was lost; repeat the SHUTDOWN ACK.
            controlChunks.add(new ShutdownAckChunk());
            return;
        }
        int tag;
        int tsn;
        if (state == State.CLOSED) {
            // 5.1 B: stateless; a fresh tag and TSN for every INIT, nothing kept until the echo.
            tag = newTag();
            tsn = random.nextInt();
        } else {
            // 5.2.1: in COOKIE-WAIT and COOKIE-ECHOED, our original INIT's tag and TSN. Once
            // established we answer the same way (restart, 5.2.2, is not supported): a late INIT
            // of a collision then lands in case B or D of 5.2.4.
            tag = localTag;
            tsn = localInitialTsn;
        }
        PeerParameters peer = PeerParameters.of(init.parameters());
        byte[] cookie = cookies.encode(new StateCookie.Contents(tag, init.initiateTag(), tsn, init.initialTsn(),
                init.advertisedReceiverWindowCredit(), Math.min(settings.outboundStreams(), init.inboundStreams()),
                Math.min(settings.inboundStreams(), init.outboundStreams()), peer.forwardTsn(), peer.reconfig(), now));
        List<Parameter> params = new ArrayList<>(ourExtensions());
        params.add(0, new StateCookieParameter(cookie));
        for (UnknownParameter u : peer.unrecognized()) {
            params.add(new UnrecognizedParameter(u.toBytes()));
        }
        sendPacket(init.initiateTag(), List.of(new InitAckChunk(tag, (int) receiveWindow(), settings.outboundStreams(),
                settings.inboundStreams(), tsn, params)));
    }

    private void onInitAck(InitAckChunk ack) {
        if (state != State.COOKIE_WAIT) {
            return; // 5.2.3
        }
        StateCookieParameter cookie = ack.parameter(StateCookieParameter.class).orElse(null);
        if (cookie == null || ack.initiateTag() == 0 || ack.outboundStreams() == 0 || ack.inboundStreams() == 0) {
            if (ack.initiateTag() != 0) {
                sendPacket(ack.initiateTag(), List.of(new AbortChunk(false,
                        List.of(ErrorCause.protocolViolation("invalid INIT ACK")))));
            }
            close(CloseReason.LOCAL_ABORT, "invalid INIT ACK");
            return;
        }
        PeerParameters peer = PeerParameters.of(ack.parameters());
        createTcb(ack.initiateTag(), ack.initialTsn(), ack.advertisedReceiverWindowCredit(),
                Math.min(settings.outboundStreams(), ack.inboundStreams()),
                Math.min(settings.inboundStreams(), ack.outboundStreams()), peer.forwardTsn(), peer.reconfig());
        cookieToEcho = cookie.cookie();
        state = State.COOKIE_ECHOED;
        initRetransmits = 0;
        t1At = now + rto.rto();
        List<Chunk> chunks = new ArrayList<>(List.of(new CookieEchoChunk(cookieToEcho)));
        if (!peer.unrecognized().isEmpty()) {
            // 3.2.1: parameters of an INIT ACK are reported in an ERROR chunk.
            List<ErrorCause> causes = new ArrayList<>();
            for (UnknownParameter u : peer.unrecognized()) {
                causes.add(new ErrorCause(ErrorCause.UNRECOGNIZED_PARAMETERS, u.toBytes()));
            }
            chunks.add(new ErrorChunk(causes));
        }
        sendPacket(peerTag, chunks);
    }

    /** 5.1.5 and 5.2.4; false if the cookie is refused. */
    private boolean onCookieEcho(CookieEchoChunk echo, int vtag) {
        StateCookie.Contents c = cookies.decode(echo.cookie());
        if (c == null || vtag != c.localTag()) {
            return false;
        }
        long age = now - c.createdAtMillis();
        if (age > settings.cookieLifetimeMillis()) {
            // 5.1.5 item 3.
            sendPacket(c.peerTag(), List.of(new ErrorChunk(List.of(
                    ErrorCause.staleCookie((age - settings.cookieLifetimeMillis()) * 1000)))));
            return false;
        }
        switch (state) {
            case CLOSED -> {
                localTag = c.localTag();
                localInitialTsn = c.localInitialTsn();
                createTcb(c);
                establish();
            }
            case COOKIE_WAIT, COOKIE_ECHOED -> {
                // 5.2.1 / 5.2.4 D: an INIT collision; the cookie carries our own tag.
                if (c.localTag() != localTag) {
                    return false;
                }
                createTcb(c);
                t1At = NO_TIMEOUT;
                cookieToEcho = null;
                establish();
            }
            default -> {
                if (c.localTag() != localTag) {
                    return false; // 5.2.4 A or C: a restart, not supported
                }
                if (c.peerTag() != peerTag) {
                    peerTag = c.peerTag(); // 5.2.4 B
                }
                // 5.2.4 D: a repeated COOKIE ECHO (our COOKIE ACK was lost) gets another COOKIE ACK.
            }
        }
        cookieAckDue = true;
        return true;
    }

    private void onCookieAck() {
        if (state == State.COOKIE_ECHOED) {
            t1At = NO_TIMEOUT;
            cookieToEcho = null;
            establish();
        }
    }

    private void createTcb(StateCookie.Contents c) {
        createTcb(c.peerTag(), c.peerInitialTsn(), c.peerReceiverWindow(), c.outboundStreams(), c.inboundStreams(),
                c.peerForwardTsn(), c.peerReconfig());
    }

    private void createTcb(int peerTag, int peerInitialTsn, int peerRwnd, int outbound, int inbound,
                           boolean forwardTsn, boolean reconfig) {
        this.peerTag = peerTag;
        this.outboundStreams = outbound;
        this.inboundStreams = inbound;
        this.peerForwardTsn = forwardTsn;
        this.peerReconfig = reconfig;
        this.tracker = new DataTracker(peerInitialTsn);
        this.reassembly = new ReassemblyQueue(this::onReassembled);
        this.rtx = new RetransmissionQueue(localInitialTsn, peerRwnd, settings.maxPacketSize(), forwardTsn);
        // RFC 6525 5.1.1, 5.2.1: request numbers start at the initial TSNs.
        this.nextRequestSeq = localInitialTsn;
        this.lastPeerRequestSeq = peerInitialTsn - 1;
    }

    private void establish() {
        state = State.ESTABLISHED;
        restartHeartbeatTimer();
        events.add(listener::onEstablished);
    }

    private void sendInit() {
        sendPacket(0, List.of(new InitChunk(localTag, settings.receiveWindow(), settings.outboundStreams(),
                settings.inboundStreams(), localInitialTsn, ourExtensions())));
    }

    /** RFC 5061 4.2.7 and RFC 3758 3.1: without them Chromium cannot close a data channel (WEBRTC.md). */
    private static List<Parameter> ourExtensions() {
        return List.of(new SupportedExtensionsParameter(List.of(ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN)),
                new ForwardTsnSupportedParameter());
    }

    /** What the peer's INIT or INIT ACK parameters tell us, and what must be reported back (3.2.1). */
    private record PeerParameters(boolean forwardTsn, boolean reconfig, List<UnknownParameter> unrecognized) {
        /** Parameter types RFC 9260 defines for INIT that mean nothing under DTLS (3.3.2.1). */
        private static final Set<Integer> IGNORED = Set.of(5, 6, 9, 11, 12);

        static PeerParameters of(List<Parameter> parameters) {
            boolean forwardTsn = false;
            boolean reconfig = false;
            List<UnknownParameter> unrecognized = new ArrayList<>();
            for (Parameter p : parameters) {
                if (p instanceof ForwardTsnSupportedParameter) {
                    forwardTsn = true;
                } else if (p instanceof SupportedExtensionsParameter ext) {
                    forwardTsn |= ext.supports(ChunkType.FORWARD_TSN);
                    reconfig |= ext.supports(ChunkType.RE_CONFIG);
                } else if (p instanceof UnknownParameter u && !IGNORED.contains(u.type())) {
                    if (Parameter.reportedWhenUnknown(u.type())) {
                        unrecognized.add(u);
                    }
                    if (Parameter.stopsProcessingWhenUnknown(u.type())) {
                        break;
                    }
                }
            }
            return new PeerParameters(forwardTsn, reconfig, unrecognized);
        }
    }

    // ---- data (6) --------------------------------------------------------------------------------

    /** @return whether the chunk counts for the SACK policy */
    private boolean onData(DataChunk d) {
        if (tracker == null || state.compareTo(State.ESTABLISHED) < 0 || state == State.SHUTDOWN_ACK_SENT) {
            return false;
        }
        dataChunksReceived++;
        long tsn = tracker.unwrap(d.tsn());
        if (!tracker.isDuplicate(tsn)) {
            if (receiveWindow() <= 0 && tsn > tracker.highestReceived()) {
                // 6.2: no room; only chunks filling gaps are taken.
                dataChunksDropped++;
                sackNow = true;
                if (!tracker.hasGaps()) {
                    // Everything held is one incomplete message: it can never fit. Stalling would be forever.
                    abortWith(ErrorCause.outOfResource(), "a message larger than the receive window");
                }
                return true;
            }
            if (d.streamId() >= inboundStreams) {
                // 6.5: acknowledged, reported, not delivered.
                tracker.observe(tsn);
                dataChunksDropped++;
                controlChunks.add(new ErrorChunk(List.of(ErrorCause.invalidStreamIdentifier(d.streamId()))));
                return true;
            }
        }
        switch (tracker.observe(tsn)) {
            case NEW -> reassembly.add(tsn, d);
            case DUPLICATE -> duplicateTsns++;
            case TOO_FAR -> dataChunksDropped++;
        }
        completeDeferredReset();
        return true;
    }

    private void onReassembled(ReassemblyQueue.Message m) {
        messagesReceived++;
        events.add(() -> listener.onMessage(m.streamId(), m.ppid(), m.payload()));
    }

    /** RFC 3758 3.6; counts like DATA for the SACK policy. */
    private boolean onForwardTsn(ForwardTsnChunk f) {
        if (tracker == null || state.compareTo(State.ESTABLISHED) < 0) {
            return false;
        }
        long newCumulative = tracker.unwrap(f.newCumulativeTsn());
        if (newCumulative <= tracker.cumulativeTsn()) {
            sackNow = true; // an old or repeated one: tell the peer where we are
            return true;
        }
        if (tracker.forwardTo(newCumulative)) {
            reassembly.forwardTsn(newCumulative, f.streams());
            completeDeferredReset();
        }
        return true;
    }

    /**
     * 6.2, 6.7: SACK at once on a gap, a filled gap, a duplicate, an I bit (RFC 7053) and in
     * SHUTDOWN-SENT (9.2); else every second packet, or when the delayed-ack timer fires.
     */
    private void scheduleSack(boolean hadGaps, boolean immediate) {
        if (hadGaps || tracker.hasGaps() || tracker.hasDuplicates() || immediate || state == State.SHUTDOWN_SENT
                || settings.delayedAckMillis() == 0 || ++dataPacketsSinceSack >= 2) {
            sackNow = true;
        } else if (sackAt == NO_TIMEOUT) {
            sackAt = now + settings.delayedAckMillis();
        }
        if (state == State.SHUTDOWN_SENT) {
            // 9.2: every packet with DATA gets a SHUTDOWN too, and T2 restarts.
            controlChunks.add(new ShutdownChunk((int) tracker.cumulativeTsn()));
            t2At = now + rto.backedOff(t2Expiries);
        }
    }

    private long receiveWindow() {
        return reassembly == null ? settings.receiveWindow()
                : Math.max(0, settings.receiveWindow() - reassembly.bufferedBytes());
    }

    private void onSack(SackChunk sack) {
        if (rtx == null || state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        afterAck(rtx.onSack(sack, now, rto));
    }

    private void afterAck(RetransmissionQueue.SackOutcome outcome) {
        if (!outcome.accepted()) {
            return;
        }
        if (outcome.fastRetransmits() > 0) {
            fastRetransmits += outcome.fastRetransmits();
            bypassCwndOnce = true; // 7.2.4 (3): one packet of them regardless of cwnd
        }
        if (outcome.newlyAcked()) {
            errorCount = 0; // 8.1
            t3Backoff = 0;
            probeSent = false;
        }
        if (!rtx.hasOutstanding()) {
            t3At = NO_TIMEOUT; // 6.3.2 R2
            probeAt = NO_TIMEOUT;
        } else if (outcome.cumulativeAdvanced()) {
            t3At = now + rto.rto(); // 6.3.2 R3
        }
        if (outcome.newlyAcked()) {
            armProbe();
        }
        checkShutdownProgress();
    }

    // ---- heartbeat (8.3) ---------------------------------------------------------------------------

    private void onHeartbeat(HeartbeatChunk h) {
        if (peerTag == 0) {
            return;
        }
        heartbeatsReceived++;
        controlChunks.add(new HeartbeatAckChunk(h.info()));
    }

    private void onHeartbeatAck(HeartbeatAckChunk h) {
        if (heartbeatPending != null && Arrays.equals(heartbeatPending, h.info().info())) {
            heartbeatPending = null;
            errorCount = 0;
            rto.observe(now - heartbeatSentAt);
        }
    }

    private void restartHeartbeatTimer() {
        if (settings.heartbeatIntervalMillis() > 0 && closeReason == null && state.compareTo(State.ESTABLISHED) >= 0) {
            heartbeatAt = now + settings.heartbeatIntervalMillis();
        }
    }

    private void onHeartbeatTimer() {
        heartbeatAt = NO_TIMEOUT;
        if (state != State.ESTABLISHED || settings.heartbeatIntervalMillis() == 0) {
            return;
        }
        if (rtx.hasOutstanding()) {
            restartHeartbeatTimer(); // T3 is watching the path already
            return;
        }
        if (heartbeatPending != null && ++errorCount > settings.maxRetransmissions()) {
            fail("no HEARTBEAT ACK after " + errorCount + " heartbeats");
            return;
        }
        byte[] info = new byte[16];
        for (int i = 0; i < info.length; i++) {
            info[i] = (byte) random.nextInt();
        }
        heartbeatPending = info;
        heartbeatSentAt = now;
        heartbeatsSent++;
        controlChunks.add(new HeartbeatChunk(new HeartbeatInfoParameter(info)));
        heartbeatAt = now + settings.heartbeatIntervalMillis() + rto.rto();
    }

    // ---- timers ----------------------------------------------------------------------------------

    /** T1-init / T1-cookie (5.1 C, D). */
    private void onT1Expiry() {
        t1At = NO_TIMEOUT;
        if (state != State.COOKIE_WAIT && state != State.COOKIE_ECHOED) {
            return;
        }
        if (++initRetransmits > settings.maxInitRetransmissions()) {
            fail((state == State.COOKIE_WAIT ? "INIT" : "COOKIE ECHO") + " unanswered after "
                    + settings.maxInitRetransmissions() + " retransmissions");
            return;
        }
        if (state == State.COOKIE_WAIT) {
            sendInit();
        } else {
            sendPacket(peerTag, List.of(new CookieEchoChunk(cookieToEcho)));
        }
        t1At = now + rto.backedOff(initRetransmits);
    }

    /** T2-shutdown (9.2). */
    private void onT2Expiry() {
        t2At = NO_TIMEOUT;
        if (++errorCount > settings.maxRetransmissions()) {
            fail("shutdown unanswered");
            return;
        }
        t2Expiries++;
        if (state == State.SHUTDOWN_SENT) {
            controlChunks.add(new ShutdownChunk((int) tracker.cumulativeTsn()));
        } else if (state == State.SHUTDOWN_ACK_SENT) {
            controlChunks.add(new ShutdownAckChunk());
        } else {
            return;
        }
        t2At = now + rto.backedOff(t2Expiries);
    }

    /** T3-rtx (6.3.3). */
    private void onT3Expiry() {
        t3At = NO_TIMEOUT;
        if (rtx == null || !rtx.hasOutstanding()) {
            return;
        }
        t3Expiries++;
        if (++errorCount > settings.maxRetransmissions()) {
            fail("peer unreachable: " + errorCount + " retransmission timeouts without acknowledgement");
            return;
        }
        t3Backoff++;
        rtx.onT3Expiry(now);
        probeSent = true; // no probing during timeout recovery
        probeAt = NO_TIMEOUT;
        t3At = now + rto.backedOff(t3Backoff); // E2, E3
    }

    /** Until an RTT is measured the probe would be no earlier than T3, which then does the job alone. */
    private void armProbe() {
        if (!settings.tailLossProbe() || probeSent || rtx == null || !rto.measured() || !rtx.hasUnacked()
                || !sendQueue.isEmpty()) {
            return;
        }
        long at = now + Math.max(MIN_PROBE_TIMEOUT_MILLIS, (long) Math.ceil(2 * rto.srtt()));
        probeAt = at < t3At ? at : NO_TIMEOUT;
    }

    private void onProbeTimeout() {
        probeAt = NO_TIMEOUT;
        if (rtx != null && rtx.onProbe(now)) {
            probeSent = true;
            tailLossProbes++;
            bypassCwndOnce = true;
        }
    }

    private void onReconfigExpiry() {
        reconfigAt = NO_TIMEOUT;
        if (outstandingRequest == null) {
            return;
        }
        if (requestDeferredByPeer) {
            requestDeferredByPeer = false; // not a loss: the peer said "in progress", ask again
        } else if (++errorCount > settings.maxRetransmissions()) {
            fail("RE-CONFIG request unanswered");
            return;
        } else {
            reconfigExpiries++;
        }
        controlChunks.add(new ReconfigChunk(List.of(outstandingRequest)));
        reconfigAt = now + rto.backedOff(reconfigExpiries);
    }

    // ---- stream reset (RFC 6525) -----------------------------------------------------------------

    private void onReconfig(ReconfigChunk chunk) {
        if (tracker == null || state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        for (Parameter p : chunk.parameters()) {
            if (p instanceof OutgoingSsnResetRequestParameter request) {
                onIncomingResetRequest(request);
            } else if (p instanceof ReconfigResponseParameter response) {
                onReconfigResponse(response);
            } else if (p instanceof UnknownParameter u && u.value().length >= 4 && isRequestType(u.type())) {
                // Incoming SSN, SSN/TSN, add-stream requests: not supported (RFC 6525 5.2).
                respond(NetworkOrder.i32(u.value(), 0), ReconfigResponseParameter.DENIED);
            }
        }
    }

    private static boolean isRequestType(int type) {
        return type == 14 || type == 15 || type == 17 || type == 18;
    }

    /** RFC 6525 5.2.2: the peer resets its outgoing streams, our incoming ones. */
    private void onIncomingResetRequest(OutgoingSsnResetRequestParameter request) {
        int seq = request.requestSequenceNumber();
        if (seq == lastPeerRequestSeq && lastPeerRequestResult != ReconfigResponseParameter.IN_PROGRESS) {
            respond(seq, lastPeerRequestResult); // 5.2.1: a retransmission gets the same answer
            return;
        }
        lastPeerRequestSeq = seq;
        long lastTsn = tracker.unwrap(request.senderLastAssignedTsn());
        if (lastTsn > tracker.cumulativeTsn()) {
            // E2: deferred until everything before the reset has arrived.
            reassembly.deferReset(lastTsn, request.streamIds());
            lastPeerRequestResult = ReconfigResponseParameter.IN_PROGRESS;
            respond(seq, lastPeerRequestResult);
        } else {
            performIncomingReset(request.streamIds());
            lastPeerRequestResult = ReconfigResponseParameter.SUCCESS_PERFORMED;
            respond(seq, lastPeerRequestResult);
        }
    }

    private void completeDeferredReset() {
        long tsn = reassembly.deferredResetTsn();
        if (tsn >= 0 && tracker.cumulativeTsn() >= tsn) {
            performIncomingReset(List.copyOf(reassembly.deferredStreams()));
            // E5: the deferred request is answered once performed.
            lastPeerRequestResult = ReconfigResponseParameter.SUCCESS_PERFORMED;
            respond(lastPeerRequestSeq, lastPeerRequestResult);
        }
    }

    /** E3-E4, then RFC 8831 6.7: reset our side of each stream too. */
    private void performIncomingReset(List<Integer> streamIds) {
        reassembly.resetStreams(streamIds);
        for (int id : streamIds) {
            incomingResetDone.add(id);
            if (!outgoingResetDone.contains(id)) {
                requestOutgoingReset(id);
            }
            checkStreamClosed(id);
        }
    }

    private void requestOutgoingReset(int streamId) {
        if (outgoingResetting.add(streamId)) {
            resetsWanted.add(streamId);
        }
    }

    /** RFC 6525 5.1.1: one request at a time; a stream's queued messages leave before its reset. */
    private void startResetRequest() {
        if (outstandingRequest != null || resetsWanted.isEmpty() || rtx == null || state != State.ESTABLISHED) {
            return;
        }
        List<Integer> ready = new ArrayList<>();
        for (int id : resetsWanted) {
            if (!sendQueue.hasDataFor(id)) {
                ready.add(id);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        ready.forEach(resetsWanted::remove);
        outstandingRequest = new OutgoingSsnResetRequestParameter(nextRequestSeq++, lastPeerRequestSeq,
                rtx.lastAssignedTsn(), ready);
        requestDeferredByPeer = false;
        reconfigExpiries = 0;
        reconfigAt = now + rto.rto();
        controlChunks.add(new ReconfigChunk(List.of(outstandingRequest)));
    }

    private void onReconfigResponse(ReconfigResponseParameter response) {
        if (outstandingRequest == null || response.responseSequenceNumber() != outstandingRequest.requestSequenceNumber()) {
            return;
        }
        if (response.result() == ReconfigResponseParameter.IN_PROGRESS) {
            requestDeferredByPeer = true;
            reconfigAt = now + rto.rto();
            return;
        }
        List<Integer> ids = outstandingRequest.streamIds();
        outstandingRequest = null;
        reconfigAt = NO_TIMEOUT;
        for (int id : ids) {
            // A refused reset leaves nothing better to do: the stream is finished on our side.
            sendQueue.resetSsn(id);
            outgoingResetting.remove(id);
            outgoingResetDone.add(id);
            checkStreamClosed(id);
        }
    }

    private void checkStreamClosed(int id) {
        if (incomingResetDone.contains(id) && outgoingResetDone.contains(id)) {
            incomingResetDone.remove(id);
            outgoingResetDone.remove(id);
            events.add(() -> listener.onStreamReset(id));
        }
    }

    private void respond(int seq, int result) {
        controlChunks.add(new ReconfigChunk(List.of(new ReconfigResponseParameter(seq, result))));
    }

    // ---- shutdown, abort (9) ---------------------------------------------------------------------

    private void onShutdown(ShutdownChunk s) {
        if (rtx == null || state.compareTo(State.ESTABLISHED) < 0) {
            return;
        }
        afterAck(rtx.onCumulativeAck(s.cumulativeTsnAck(), now, rto));
        switch (state) {
            case ESTABLISHED, SHUTDOWN_PENDING -> {
                state = State.SHUTDOWN_RECEIVED;
                checkShutdownProgress();
            }
            case SHUTDOWN_SENT -> {
                // 9.2: both sides shut down at once.
                state = State.SHUTDOWN_ACK_SENT;
                controlChunks.add(new ShutdownAckChunk());
                t2Expiries = 0;
                t2At = now + rto.rto();
            }
            case SHUTDOWN_ACK_SENT -> controlChunks.add(new ShutdownAckChunk());
            default -> {
                // SHUTDOWN-RECEIVED: a repeat, progress is checked on every ack.
            }
        }
    }

    /** 9.2: once nothing is queued or outstanding, SHUTDOWN (or SHUTDOWN ACK) goes out. */
    private void checkShutdownProgress() {
        if (rtx == null || !sendQueue.isEmpty() || rtx.hasOutstanding()) {
            return;
        }
        if (state == State.SHUTDOWN_PENDING) {
            state = State.SHUTDOWN_SENT;
            controlChunks.add(new ShutdownChunk((int) tracker.cumulativeTsn()));
        } else if (state == State.SHUTDOWN_RECEIVED) {
            state = State.SHUTDOWN_ACK_SENT;
            controlChunks.add(new ShutdownAckChunk());
        } else {
            return;
        }
        t3At = NO_TIMEOUT;
        probeAt = NO_TIMEOUT;
        t2Expiries = 0;
        t2At = now + rto.rto();
    }

    private void onShutdownAck() {
        if (state == State.SHUTDOWN_SENT || state == State.SHUTDOWN_ACK_SENT) {
            sendPacket(peerTag, List.of(new ShutdownCompleteChunk(false)));
            close(CloseReason.SHUTDOWN, "shutdown complete");
        }
    }

    private void onShutdownComplete() {
        if (state == State.SHUTDOWN_ACK_SENT) {
            close(CloseReason.SHUTDOWN, "shutdown complete");
        }
    }

    private void onError(ErrorChunk e) {
        for (ErrorCause cause : e.causes()) {
            if (cause.code() == ErrorCause.STALE_COOKIE && state == State.COOKIE_ECHOED) {
                // 5.2.6: start over with a fresh INIT.
                state = State.COOKIE_WAIT;
                cookieToEcho = null;
                sendInit();
                t1At = now + rto.backedOff(initRetransmits);
                return;
            }
        }
    }

    private void abortWith(ErrorCause cause, String detail) {
        sendPacket(peerTag, List.of(new AbortChunk(false, List.of(cause))));
        close(CloseReason.LOCAL_ABORT, detail);
    }

    private void fail(String detail) {
        close(CloseReason.FAILURE, detail);
    }

    private void close(CloseReason reason, String detail) {
        if (closeReason != null) {
            return;
        }
        closeReason = reason;
        state = State.CLOSED;
        t1At = t2At = t3At = probeAt = sackAt = reconfigAt = heartbeatAt = NO_TIMEOUT;
        sackNow = false;
        cookieAckDue = false;
        controlChunks.clear();
        sendQueue.clear();
        if (rtx != null) {
            rtx.clear();
            reassembly.clear();
        }
        events.add(() -> listener.onClosed(reason, detail));
    }

    private static String describe(List<ErrorCause> causes) {
        if (causes.isEmpty()) {
            return "ABORT";
        }
        StringBuilder text = new StringBuilder();
        for (ErrorCause cause : causes) {
            text.append(text.length() == 0 ? "" : "; ").append(cause.describe());
        }
        return text.toString();
    }

    // ============================================================================================
    // Output
    // ============================================================================================

    /** Sends what is due, then hands packets and events to the listener, until nothing is left. */
    private void flush() {
        if (flushing) {
            return; // called back from a listener: the outer flush picks it up
        }
        flushing = true;
        try {
            // One transmit pass per input (Max.Burst counts per pass); another only if listener
            // callbacks may have given us something new to send.
            while (true) {
                transmit();
                while (!outbox.isEmpty()) {
                    listener.onPacket(outbox.poll());
                }
                if (events.isEmpty()) {
                    break;
                }
                while (!events.isEmpty()) {
                    events.poll().run();
                }
            }
        } finally {
            flushing = false;
        }
    }

    /** Builds packets: COOKIE ACK, SACK, control chunks, FORWARD TSN, then retransmissions and new DATA. */
    private void transmit() {
        if (closeReason != null || rtx == null || peerTag == 0) {
            return;
        }
        startResetRequest();
        boolean dataAllowed = state == State.ESTABLISHED || state == State.SHUTDOWN_PENDING
                || state == State.SHUTDOWN_RECEIVED;
        if (dataAllowed) {
            rtx.decayIfIdle(now, rto.rto());
        }
        PacketBuilder out = new PacketBuilder();
        if (cookieAckDue) {
            out.add(new CookieAckChunk()); // 5.1: first in its packet
            cookieAckDue = false;
        }
        boolean dataDue = dataAllowed && (rtx.hasMarked() || hasNewDataToSend());
        if (tracker != null && (sackNow || (sackAt != NO_TIMEOUT && dataDue))) {
            out.add(tracker.makeSack(receiveWindow(), maxGapBlocks));
            sackNow = false;
            sackAt = NO_TIMEOUT;
            dataPacketsSinceSack = 0;
        }
        while (!controlChunks.isEmpty()) {
            out.add(controlChunks.poll());
        }
        if (rtx.forwardTsnDue()) {
            out.add(rtx.makeForwardTsn());
        }
        if (dataAllowed) {
            sendData(out);
        }
        out.flush();
        if (rtx.hasOutstanding() && t3At == NO_TIMEOUT) {
            t3At = now + rto.backedOff(t3Backoff); // 6.3.2 R1
        }
    }

    private boolean hasNewDataToSend() {
        int size = sendQueue.peekFragmentSize(settings.maxFragmentSize(), now);
        return size > 0 && rtx.cwndAllows() && rtx.rwndAllows(size);
    }

    private void sendData(PacketBuilder out) {
        int maxFragment = settings.maxFragmentSize();
        boolean bypass = bypassCwndOnce;
        bypassCwndOnce = false;
        boolean sentAny = false;
        boolean sentNew = false;

        // Retransmissions before new data (6.1 C); fast retransmits and probes get one packet
        // regardless of cwnd (7.2.4 (3)).
        RetransmissionQueue.Outstanding o;
        while ((o = rtx.firstMarked()) != null) {
            int len = o.chunk.paddedLength();
            boolean inBypassPacket = bypass && (out.dataPackets() == 0
                    || (out.dataPackets() == 1 && !out.startsDataPacket(len)));
            if (!rtx.cwndAllows() && !inBypassPacket) {
                break;
            }
            if (out.startsDataPacket(len) && out.dataPackets() >= settings.maxBurst()) {
                break;
            }
            out.addData(rtx.retransmit(o, now));
            retransmissions++;
            sentAny = true;
        }
        while (true) {
            int size = sendQueue.peekFragmentSize(maxFragment, now);
            if (size < 0 || !rtx.cwndAllows() || !rtx.rwndAllows(size)) {
                break;
            }
            if (out.startsDataPacket(NetworkOrder.padded(DataChunk.HEADER_SIZE + size))
                    && out.dataPackets() >= settings.maxBurst()) {
                break; // 6.1 D: Max.Burst
            }
            out.addData(rtx.send(sendQueue.next(maxFragment), now));
            dataChunksSent++;
            sentAny = true;
            sentNew = true;
        }
        if (sentAny && sendQueue.isEmpty() && !rtx.hasMarked()) {
            // RFC 7053 4.1: nothing follows, so ask for the SACK now rather than in 200 ms.
            out.markLastDataImmediate();
        }
        if (sentNew) {
            armProbe();
        }
        if (sentAny) {
            restartHeartbeatTimer();
        }
    }

    /** Sends one packet outside the transmit pass (INIT, INIT ACK, COOKIE ECHO, ABORT...). */
    private void sendPacket(int verificationTag, List<Chunk> chunks) {
        emit(new SctpPacket(settings.localPort(), settings.remotePort(), verificationTag, chunks).toBytes());
    }

    private void emit(byte[] packet) {
        packetsSent++;
        outbox.add(packet);
    }

    private int newTag() {
        int tag;
        do {
            tag = random.nextInt();
        } while (tag == 0); // 5.3.1: never 0
        return tag;
    }

    /** Packs chunks into packets of at most {@link SctpSettings#maxPacketSize()}, in order. */
    private final class PacketBuilder {
        private final List<Chunk> chunks = new ArrayList<>();
        private int size = SctpPacket.HEADER_SIZE;
        private boolean hasData;
        private int dataPackets;

        void add(Chunk c) {
            if (!chunks.isEmpty() && size + c.paddedLength() > settings.maxPacketSize()) {
                flush();
            }
            chunks.add(c);
            size += c.paddedLength();
        }

        void addData(DataChunk c) {
            add(c);
            if (!hasData) {
                hasData = true;
                dataPackets++;
            }
        }

        /** Whether a DATA chunk of {@code paddedLength} bytes would begin another data-carrying packet. */
        boolean startsDataPacket(int paddedLength) {
            return !hasData || size + paddedLength > settings.maxPacketSize();
        }

        int dataPackets() {
            return dataPackets;
        }

        void markLastDataImmediate() {
            int last = chunks.size() - 1;
            if (last >= 0 && chunks.get(last) instanceof DataChunk d) {
                chunks.set(last, d.withImmediate(true));
            }
        }

        void flush() {
            if (chunks.isEmpty()) {
                return;
            }
            emit(new SctpPacket(settings.localPort(), settings.remotePort(), peerTag, chunks).toBytes());
            chunks.clear();
            size = SctpPacket.HEADER_SIZE;
            hasData = false;
        }
    }
}
