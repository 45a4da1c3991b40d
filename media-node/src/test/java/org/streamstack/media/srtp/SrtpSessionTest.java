package org.streamstack.media.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jitsi.srtp.SrtpPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class SrtpSessionTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 3711 appendix B.3: key derivation test vectors.
    private static final byte[] B3_MASTER_KEY = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_MASTER_SALT = HEX.parseHex("0EC675AD498AFEEBB6960B3AABE6");
    private static final byte[] B3_CIPHER_KEY = HEX.parseHex("C61E7A93744F39EE10734AFE3FF7A087");
    private static final byte[] B3_CIPHER_SALT = HEX.parseHex("30CBBC08863D8C85D49DB34A9AE1");
    /** The first 160 bits of the B.3 authentication key: what HMAC-SHA1 uses. */
    private static final byte[] B3_AUTH_KEY = HEX.parseHex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

    @BeforeAll
    static void warmUp() {
        SrtpSession.warmUp();
    }

    /** Calls jitsi-srtp's own (package-private) key derivation function with the B.3 inputs. */
    @Test
    void jitsiSrtpKeyDerivationReproducesRfc3711AppendixB3() throws Exception {
        Class<?> kdfClass = Class.forName("org.jitsi.srtp.SrtpKdf");
        Constructor<?> constructor = kdfClass.getDeclaredConstructor(byte[].class, byte[].class, SrtpPolicy.class);
        constructor.setAccessible(true);
        Object kdf = constructor.newInstance(B3_MASTER_KEY, B3_MASTER_SALT,
                SrtpSession.policy(SrtpProfile.AES128_CM_HMAC_SHA1_80, false));
        Method derive = kdfClass.getDeclaredMethod("deriveSessionKey", byte[].class, byte.class);
        derive.setAccessible(true);

        byte[] cipherKey = new byte[16];
        byte[] cipherSalt = new byte[14];
        byte[] authKey = new byte[20];
        derive.invoke(kdf, cipherKey, (byte) 0x00); // RFC 3711 section 4.3.1 labels
        derive.invoke(kdf, authKey, (byte) 0x01);
        derive.invoke(kdf, cipherSalt, (byte) 0x02);
        assertArrayEquals(B3_CIPHER_KEY, cipherKey);
        assertArrayEquals(B3_CIPHER_SALT, cipherSalt);
        assertArrayEquals(B3_AUTH_KEY, authKey);
    }

    /**
     * Protects a packet through SrtpSession with the B.3 master key and checks it byte for byte against
     * RFC 3711 computed here with the B.3 session keys: AES-CM (section 4.1.1) and HMAC-SHA1 over the
     * packet and ROC (section 4.2), truncated to 80 bits.
     */
    @Test
    void protectingWithTheB3MasterKeyUsesTheB3SessionKeys() throws Exception {
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, B3_MASTER_KEY, B3_MASTER_SALT,
                B3_MASTER_KEY, B3_MASTER_SALT);
        byte[] plain = rtp(0x1234, 0xCAFEBABE, 160);
        byte[] expected = referenceAesCmHmacSha1(plain, B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY);
        try (SrtpSession session = new SrtpSession(keys)) {
            assertArrayEquals(expected, session.protectRtp(plain, 0, plain.length));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTrips(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 1);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.mirrored())) {
            for (int seq = 65530; seq < 65540; seq++) { // across a rollover
                byte[] plain = rtp(seq & 0xFFFF, 0x11223344, 1100);
                byte[] protectedPacket = sender.protectRtp(plain, 0, plain.length);
                assertEquals(plain.length + profile.tagLength(), protectedPacket.length);
                assertArrayEquals(Arrays.copyOf(plain, 12), Arrays.copyOf(protectedPacket, 12), "header stays clear");
                assertArrayEquals(plain, receiver.unprotectRtp(protectedPacket, 0, protectedPacket.length));
            }
            assertEquals(0, receiver.failuresTotal());
            assertEquals(10, receiver.rtpUnprotected());
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripsKeyedBySenderSsrcIncludingChromiumsSsrcOne(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 2);
        try (SrtpSession browser = new SrtpSession(keys); SrtpSession node = new SrtpSession(keys.mirrored())) {
            for (int ssrc : new int[] {1, 0x55667788}) {
                for (int i = 0; i < 3; i++) {
                    byte[] plain = receiverReport(ssrc, i);
                    byte[] srtcp = browser.protectRtcp(plain, 0, plain.length);
                    assertArrayEquals(plain, node.unprotectRtcp(srtcp, 0, srtcp.length));
                }
            }
            // and back: our sender report to the browser
            byte[] sr = receiverReport(0x11223344, 9);
            sr[1] = (byte) 200;
            byte[] srtcp = node.protectRtcp(sr, 0, sr.length);
            assertArrayEquals(sr, browser.unprotectRtcp(srtcp, 0, srtcp.length));
            assertEquals(0, node.failuresTotal() + browser.failuresTotal());
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aTamperedPacketIsAnAuthenticationFailureCountedNotThrown(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 3);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.mirrored())) {
            byte[] plain = rtp(10, 0x01020304, 200);
            byte[] srtp = sender.protectRtp(plain, 0, plain.length);
            srtp[40] ^= 0x01;
            assertNull(receiver.unprotectRtp(srtp, 0, srtp.length));
            assertEquals(1, receiver.failures(SrtpSession.Failure.AUTH_FAIL));
            srtp[40] ^= 0x01; // the genuine packet still passes afterwards
            assertArrayEquals(plain, receiver.unprotectRtp(srtp, 0, srtp.length));

            byte[] rr = receiverReport(1, 0);
            byte[] srtcp = sender.protectRtcp(rr, 0, rr.length);
            srtcp[srtcp.length - 1] ^= 0x40;
            assertNull(receiver.unprotectRtcp(srtcp, 0, srtcp.length));
            assertEquals(2, receiver.failures(SrtpSession.Failure.AUTH_FAIL));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aReplayedPacketIsRefusedAndCounted(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 4);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.mirrored())) {
            byte[] plain = rtp(500, 0x0A0B0C0D, 300);
            byte[] srtp = sender.protectRtp(plain, 0, plain.length);
            assertNotNull(receiver.unprotectRtp(srtp, 0, srtp.length));
            assertNull(receiver.unprotectRtp(srtp, 0, srtp.length));
            assertEquals(1, receiver.failures(SrtpSession.Failure.REPLAY));
        }
    }

    /** RFC 4585 NACK: the retransmission re-protects the cached plain packet with its original sequence. */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aRetransmissionOfTheSamePlainPacketIsProtectedAgain(SrtpProfile profile) {
        SrtpKeys keys = randomKeys(profile, 5);
        try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys.mirrored())) {
            byte[][] plain = new byte[4][];
            for (int i = 0; i < 4; i++) {
                plain[i] = rtp(1000 + i, 0x0BADCAFE, 500);
                byte[] srtp = sender.protectRtp(plain[i], 0, plain[i].length);
                if (i != 1) { // packet 1001 is lost on the way
                    assertArrayEquals(plain[i], receiver.unprotectRtp(srtp, 0, srtp.length));
                }
            }
            byte[] retransmission = sender.protectRtp(plain[1], 0, plain[1].length);
            assertNotNull(retransmission);
            assertArrayEquals(plain[1], receiver.unprotectRtp(retransmission, 0, retransmission.length));
            assertEquals(0, sender.failuresTotal() + receiver.failuresTotal());
        }
    }

    @Test
    void garbageIsReturnedAsNullAndCounted() {
        SrtpKeys keys = randomKeys(SrtpProfile.AEAD_AES_128_GCM, 6);
        try (SrtpSession session = new SrtpSession(keys)) {
            Random random = new Random(6);
            for (int i = 0; i < 2000; i++) {
                byte[] junk = new byte[random.nextInt(80)];
                random.nextBytes(junk);
                if (junk.length > 0 && random.nextBoolean()) {
                    junk[0] = (byte) (0x80 | (junk[0] & 0x3F));
                }
                assertNull(session.unprotectRtp(junk, 0, junk.length));
                assertNull(session.unprotectRtcp(junk, 0, junk.length));
            }
            assertNull(session.protectRtp(new byte[5], 0, 5));
            assertNull(session.unprotectRtp(null, 0, 0));
            assertEquals(4002, session.failuresTotal());
        }
    }

    private static SrtpKeys randomKeys(SrtpProfile profile, long seed) {
        Random random = new Random(seed);
        byte[] k1 = new byte[profile.keyLength()];
        byte[] k2 = new byte[profile.keyLength()];
        byte[] s1 = new byte[profile.saltLength()];
        byte[] s2 = new byte[profile.saltLength()];
        random.nextBytes(k1);
        random.nextBytes(k2);
        random.nextBytes(s1);
        random.nextBytes(s2);
        return new SrtpKeys(profile, k1, s1, k2, s2);
    }

    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadLength);
        b.put((byte) 0x80).put((byte) 96).putShort((short) seq).putInt(seq * 3000).putInt(ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b.put((byte) (i * 7 + seq));
        }
        return b.array();
    }

    /** RFC 3550 section 6.4.2: a receiver report with one report block. */
    static byte[] receiverReport(int senderSsrc, int seed) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(senderSsrc);
        b.putInt(0x11223344).putInt(seed).putInt(1000 + seed).putInt(20).putInt(0).putInt(0);
        return b.array();
    }

    private static byte[] referenceAesCmHmacSha1(byte[] plain, byte[] key, byte[] salt, byte[] authKey) throws Exception {
        int ssrc = ByteBuffer.wrap(plain, 8, 4).getInt();
        long index = ByteBuffer.wrap(plain, 2, 2).getShort() & 0xFFFF; // ROC 0
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= (byte) (ssrc >>> (24 - 8 * i));
        }
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] out = Arrays.copyOf(plain, plain.length + 10);
        byte[] encrypted = aes.doFinal(plain, 12, plain.length - 12);
        System.arraycopy(encrypted, 0, out, 12, encrypted.length);
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        hmac.update(out, 0, plain.length);
        hmac.update(new byte[4]); // ROC
        System.arraycopy(hmac.doFinal(), 0, out, plain.length, 10);
        return out;
    }
}
