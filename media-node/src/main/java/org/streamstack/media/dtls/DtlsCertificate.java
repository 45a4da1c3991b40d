package org.streamstack.media.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node's self-signed DTLS identity: an ECDSA P-256 key and certificate signed with SHA256withECDSA,
 * generated once per media node and shared by all its peers. WebRTC authenticates it by the fingerprint
 * in the SDP (RFC 8122 section 5, RFC 8827 section 6.5), never by a CA, so subject and validity are
 * incidental.
 */
public final class DtlsCertificate {

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final String fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = fingerprintOf(der);
    }

    /** Generates a new key pair and certificate (a few milliseconds; do it once at startup). */
    public static DtlsCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=WebRTC");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(63, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                    subject, keys.getPublic());
            byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                    .getEncoded();
            return new DtlsCertificate(der, PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the DTLS certificate", e);
        }
    }

    /** SDP {@code a=fingerprint:sha-256} value: uppercase, colon-separated hex of the SHA-256 of the DER. */
    public String fingerprintSha256() {
        return fingerprint;
    }

    /** The DER encoding of the certificate. */
    public byte[] der() {
        return der.clone();
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** RFC 8122 section 5 fingerprint format of any DER certificate. */
    public static String fingerprintOf(byte[] der) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(der));
    }

    /**
     * Parses an SDP fingerprint value ("AB:CD:...", either case, optionally prefixed with "sha-256 ") to the
     * 32 digest bytes.
     *
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint
     */
    public static byte[] parseFingerprint(String fingerprint) {
        String value = fingerprint.trim();
        if (value.toLowerCase(Locale.ROOT).startsWith("sha-256 ")) {
            value = value.substring("sha-256 ".length()).trim();
        }
        byte[] digest = HexFormat.ofDelimiter(":").parseHex(value);
        if (digest.length != 32) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint: " + fingerprint);
        }
        return digest;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
