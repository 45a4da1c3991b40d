package org.streamstack.media.sctp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Our State Cookie (RFC 9260 5.1.3): everything the association needs, signed with HMAC-SHA256
 * under a key only this endpoint knows, so that an INIT costs no state until its COOKIE ECHO comes
 * back (5.1.5 checks the signature and the lifetime). WEBRTC.md: a stateless cookie is enough for
 * Chromium.
 *
 * <pre>
 * version(1) localTag(4) peerTag(4) localInitialTsn(4) peerInitialTsn(4) peerA_rwnd(4)
 * outboundStreams(2) inboundStreams(2) peerFeatures(1) createdAtMillis(8) HMAC-SHA256(32)
 * </pre>
 */
final class StateCookie {
    static final int VERSION = 1;
    static final int BODY_SIZE = 34;
    static final int MAC_SIZE = 32;
    static final int SIZE = BODY_SIZE + MAC_SIZE;
    private static final int FORWARD_TSN = 1;
    private static final int RECONFIG = 2;

    /** What a cookie carries: the tags, initial TSNs, window, negotiated streams and peer extensions. */
    record Contents(int localTag, int peerTag, int localInitialTsn, int peerInitialTsn, int peerReceiverWindow,
                    int outboundStreams, int inboundStreams, boolean peerForwardTsn, boolean peerReconfig,
                    long createdAtMillis) {
    }

    private final Mac mac;

    StateCookie(byte[] secret) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    byte[] encode(Contents c) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put((byte) VERSION).putInt(c.localTag()).putInt(c.peerTag()).putInt(c.localInitialTsn())
                .putInt(c.peerInitialTsn()).putInt(c.peerReceiverWindow()).putShort((short) c.outboundStreams())
                .putShort((short) c.inboundStreams())
                .put((byte) ((c.peerForwardTsn() ? FORWARD_TSN : 0) | (c.peerReconfig() ? RECONFIG : 0)))
                .putLong(c.createdAtMillis());
        byte[] bytes = b.array();
        mac.update(bytes, 0, BODY_SIZE);
        byte[] tag = mac.doFinal();
        System.arraycopy(tag, 0, bytes, BODY_SIZE, MAC_SIZE);
        return bytes;
    }

    /** The contents, or null if the cookie is not one of ours (size, version, signature). */
    Contents decode(byte[] cookie) {
        if (cookie.length != SIZE || cookie[0] != VERSION) {
            return null;
        }
        mac.update(cookie, 0, BODY_SIZE);
        byte[] expected = mac.doFinal();
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(cookie, BODY_SIZE, SIZE))) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(cookie, 1, BODY_SIZE - 1);
        int localTag = b.getInt();
        int peerTag = b.getInt();
        int localTsn = b.getInt();
        int peerTsn = b.getInt();
        int rwnd = b.getInt();
        int out = b.getShort() & 0xFFFF;
        int in = b.getShort() & 0xFFFF;
        int features = b.get();
        long created = b.getLong();
        return new Contents(localTag, peerTag, localTsn, peerTsn, rwnd, out, in, (features & FORWARD_TSN) != 0,
                (features & RECONFIG) != 0, created);
    }
}
