package org.streamstack.media.srtp;

import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.jitsi.srtp.BaseSrtpCryptoContext;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP (RFC 3711) and SRTCP protection for one DTLS-SRTP association, over jitsi-srtp.
 *
 * <p>Crypto contexts are kept per SSRC and direction, created on first use: RFC 3711 section 3.2.3 ties
 * the rollover counter and replay list to one SSRC. Receive contexts are keyed by the sender SSRC found
 * in the packet (Chromium's RTCP comes from SSRC 1 when its transceiver is recvonly).
 *
 * <p>Send-side replay protection is off: a NACK retransmission (RFC 4585 section 6.2.1) re-protects the
 * cached plain packet with its original sequence number, which jitsi-srtp would otherwise refuse.
 * Receive-side replay protection stays on.
 *
 * <p>Failures never throw: the methods return {@code null} and count the reason. Every method is safe to
 * call from any thread (jitsi-srtp synchronises each context).
 */
public final class SrtpSession implements AutoCloseable {

    /** Why a packet could not be protected or unprotected. */
    public enum Failure {
        /** The authentication tag did not verify (RFC 3711 section 3.3 step 5). */
        AUTH_FAIL,
        /** Already received, or older than the replay window (RFC 3711 section 3.3.2). */
        REPLAY,
        /** Too short, not version 2, or otherwise not parseable. */
        INVALID_PACKET,
        /** Too many distinct SSRCs: refusing to create more contexts for unauthenticated traffic. */
        TOO_MANY_SSRCS,
        /** The session was closed. */
        CLOSED,
        /** Anything else the crypto layer reported. */
        ERROR
    }

    /** Bounds the contexts an attacker can make us allocate with forged SSRCs. */
    private static final int MAX_CONTEXTS_PER_DIRECTION = 64;

    private static final Logger LOGGER = new LoggerImpl(SrtpSession.class.getName());
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

    private final SrtpProfile profile;
    private final SrtpContextFactory sendFactory;
    private final SrtpContextFactory receiveFactory;
    private final Map<Integer, SrtpCryptoContext> rtpSend = new ConcurrentHashMap<>();
    private final Map<Integer, SrtpCryptoContext> rtpReceive = new ConcurrentHashMap<>();
    private final Map<Integer, SrtcpCryptoContext> rtcpSend = new ConcurrentHashMap<>();
    private final Map<Integer, SrtcpCryptoContext> rtcpReceive = new ConcurrentHashMap<>();
    private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);
    private final LongAdder rtpProtected = new LongAdder();
    private final LongAdder rtcpProtected = new LongAdder();
    private final LongAdder rtpUnprotected = new LongAdder();
    private final LongAdder rtcpUnprotected = new LongAdder();
    private volatile boolean closed;

    public SrtpSession(SrtpKeys keys) {
        this.profile = keys.profile();
        this.sendFactory = new SrtpContextFactory(true, keys.localKey(), keys.localSalt(),
                policy(profile, true), policy(profile, true), LOGGER);
        this.receiveFactory = new SrtpContextFactory(false, keys.remoteKey(), keys.remoteSalt(),
                policy(profile, false), policy(profile, false), LOGGER);
        for (Failure f : Failure.values()) {
            failures.put(f, new LongAdder());
        }
    }

    /**
     * The first context in a JVM loads OpenSSL natively and benchmarks AES implementations (about a
     * second); do it at startup so that the first RTCP after a handshake finds its keys ready. Idempotent.
     */
    public static void warmUp() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        for (SrtpProfile p : SrtpProfile.values()) {
            SrtpKeys keys = new SrtpKeys(p, new byte[p.keyLength()], new byte[p.saltLength()],
                    new byte[p.keyLength()], new byte[p.saltLength()]);
            try (SrtpSession a = new SrtpSession(keys); SrtpSession b = new SrtpSession(keys.mirrored())) {
                byte[] rtp = new byte[12 + 100];
                rtp[0] = (byte) 0x80;
                rtp[1] = 96;
                b.unprotectRtp(a.protectRtp(rtp, 0, rtp.length), 0, rtp.length + p.tagLength());
            }
        }
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** One SRTP transformation of a copied packet by a context of either kind. */
    @FunctionalInterface
    private interface Transform {
        SrtpErrorStatus apply(PacketBuffer packet) throws GeneralSecurityException;
    }

    /** Protects one plain RTP packet; returns the SRTP packet, or {@code null} (counted) on failure. */
    public byte[] protectRtp(byte[] plain, int off, int len) {
        if (!isRtp(plain, off, len)) {
            return fail(Failure.INVALID_PACKET);
        }
        SrtpCryptoContext context = context(rtpSend, readInt(plain, off + 8), true, false);
        if (context == null) {
            return fail(closed ? Failure.CLOSED : Failure.TOO_MANY_SSRCS);
        }
        return transform(plain, off, len, context::transformPacket, rtpProtected, null);
    }

    /** Protects one plain compound RTCP packet; returns the SRTCP packet, or {@code null} on failure. */
    public byte[] protectRtcp(byte[] plain, int off, int len) {
        if (!isRtcp(plain, off, len)) {
            return fail(Failure.INVALID_PACKET);
        }
        SrtcpCryptoContext context = context(rtcpSend, readInt(plain, off + 4), true, true);
        if (context == null) {
            return fail(closed ? Failure.CLOSED : Failure.TOO_MANY_SSRCS);
        }
        return transform(plain, off, len, context::transformPacket, rtcpProtected, null);
    }

    /** Verifies and decrypts one SRTP packet; returns the plain RTP packet, or {@code null} on failure. */
    public byte[] unprotectRtp(byte[] srtp, int off, int len) {
        if (!isRtp(srtp, off, len) || len < 12 + profile.tagLength()) {
            return fail(Failure.INVALID_PACKET);
        }
        int ssrc = readInt(srtp, off + 8);
        boolean fresh = !rtpReceive.containsKey(ssrc);
        SrtpCryptoContext context = context(rtpReceive, ssrc, false, false);
        if (context == null) {
            return fail(closed ? Failure.CLOSED : Failure.TOO_MANY_SSRCS);
        }
        return transform(srtp, off, len, packet -> context.reverseTransformPacket(packet, false), rtpUnprotected,
                () -> forgetIfUnproven(rtpReceive, ssrc, context, fresh));
    }

    /** Verifies and decrypts one SRTCP packet; returns the plain compound RTCP, or {@code null} on failure. */
    public byte[] unprotectRtcp(byte[] srtcp, int off, int len) {
        // RFC 3711 section 3.4: header and sender SSRC, the E flag and index, then the tag.
        if (!isRtcp(srtcp, off, len) || len < 8 + 4 + profile.tagLength()) {
            return fail(Failure.INVALID_PACKET);
        }
        int ssrc = readInt(srtcp, off + 4);
        boolean fresh = !rtcpReceive.containsKey(ssrc);
        SrtcpCryptoContext context = context(rtcpReceive, ssrc, false, true);
        if (context == null) {
            return fail(closed ? Failure.CLOSED : Failure.TOO_MANY_SSRCS);
        }
        return transform(srtcp, off, len, context::reverseTransformPacket, rtcpUnprotected,
                () -> forgetIfUnproven(rtcpReceive, ssrc, context, fresh));
    }

    /**
     * Runs {@code transform} on a copy of the packet: the result, counted in {@code done}, or
     * {@code null} with the failure counted (after {@code onFailure}, when there is one).
     */
    private byte[] transform(byte[] buf, int off, int len, Transform transform, LongAdder done, Runnable onFailure) {
        PacketBuffer packet = PacketBuffer.copyOf(buf, off, len);
        SrtpErrorStatus status;
        try {
            status = transform.apply(packet);
        } catch (GeneralSecurityException | RuntimeException e) {
            if (onFailure == null) {
                return fail(Failure.ERROR);
            }
            status = SrtpErrorStatus.FAIL;
        }
        if (status != SrtpErrorStatus.OK) {
            if (onFailure != null) {
                onFailure.run();
            }
            return fail(status);
        }
        done.increment();
        return packet.toByteArray();
    }

    public long failures(Failure failure) {
        return failures.get(failure).sum();
    }

    public long failuresTotal() {
        long total = 0;
        for (LongAdder adder : failures.values()) {
            total += adder.sum();
        }
        return total;
    }

    public Map<Failure, Long> failureCounts() {
        Map<Failure, Long> copy = new EnumMap<>(Failure.class);
        failures.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public long rtpProtected() {
        return rtpProtected.sum();
    }

    public long rtcpProtected() {
        return rtcpProtected.sum();
    }

    public long rtpUnprotected() {
        return rtpUnprotected.sum();
    }

    public long rtcpUnprotected() {
        return rtcpUnprotected.sum();
    }

    @Override
    public void close() {
        closed = true;
        sendFactory.close();
        receiveFactory.close();
        rtpSend.clear();
        rtpReceive.clear();
        rtcpSend.clear();
        rtcpReceive.clear();
    }

    /**
     * jitsi-srtp policy for a profile. Constructor order: encryption type, encryption key length,
     * authentication type, authentication key length, tag length, salt length.
     */
    static SrtpPolicy policy(SrtpProfile profile, boolean send) {
        SrtpPolicy policy = switch (profile) {
            // RFC 3711 section 5: AES-CM, 160-bit HMAC-SHA1 key, 80-bit tag, 112-bit salt.
            case AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, 14);
            // RFC 7714 section 12: GCM authenticates itself, 16-octet tag, 96-bit salt.
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, 16,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, 16, 12);
        };
        if (send) {
            policy.setSendReplayEnabled(false);
        }
        return policy;
    }

    @SuppressWarnings("unchecked")
    private <C extends BaseSrtpCryptoContext> C context(Map<Integer, C> contexts, int ssrc, boolean send, boolean rtcp) {
        if (closed) {
            return null;
        }
        C existing = contexts.get(ssrc);
        if (existing != null) {
            return existing;
        }
        if (contexts.size() >= MAX_CONTEXTS_PER_DIRECTION) {
            return null;
        }
        return contexts.computeIfAbsent(ssrc, s -> {
            SrtpContextFactory factory = send ? sendFactory : receiveFactory;
            try {
                return (C) (rtcp ? factory.deriveControlContext(s) : factory.deriveContext(s, 0));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SRTP context derivation failed", e);
            }
        });
    }

    /** A context made for a packet that then failed must not stay: the SSRC was never authenticated. */
    private static <C> void forgetIfUnproven(Map<Integer, C> contexts, int ssrc, C context, boolean fresh) {
        if (fresh) {
            contexts.remove(ssrc, context);
        }
    }

    private byte[] fail(SrtpErrorStatus status) {
        return fail(switch (status) {
            case AUTH_FAIL -> Failure.AUTH_FAIL;
            case REPLAY_FAIL, REPLAY_OLD -> Failure.REPLAY;
            case INVALID_PACKET -> Failure.INVALID_PACKET;
            default -> Failure.ERROR;
        });
    }

    private byte[] fail(Failure failure) {
        failures.get(failure).increment();
        return null;
    }

    private static boolean isRtp(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 12 && off + len <= buf.length && (buf[off] & 0xC0) == 0x80;
    }

    private static boolean isRtcp(byte[] buf, int off, int len) {
        return buf != null && off >= 0 && len >= 8 && off + len <= buf.length && (buf[off] & 0xC0) == 0x80;
    }

    private static int readInt(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 24) | ((buf[at + 1] & 0xFF) << 16) | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }
}
