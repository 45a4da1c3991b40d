package org.streamstack.media.srtp;

import java.util.Optional;

/**
 * The DTLS-SRTP protection profiles we can run (RFC 5764 section 4.1.2, RFC 7714 section 14.2), with the
 * key and salt sizes that size the RFC 5764 section 4.2 key export.
 */
public enum SrtpProfile {
    /** RFC 5764 SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES-128 counter mode, 80-bit HMAC-SHA1 tag. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10),
    /** RFC 7714 SRTP_AEAD_AES_128_GCM (0x0007): AES-128-GCM, 128-bit tag, 96-bit salt. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The IANA "DTLS-SRTP Protection Profiles" value carried in the use_srtp extension. */
    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Bytes of authentication tag appended to each SRTP packet. */
    public int tagLength() {
        return tagLength;
    }

    /** RFC 5764 section 4.2: 2 * (SRTPSecurityParams.master_key_len + SRTPSecurityParams.master_salt_len). */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    public static Optional<SrtpProfile> fromId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }
}
