package org.streamstack.media.ice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.IceControlledAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.PriorityAttribute;
import org.ice4j.attribute.SoftwareAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 5769 STUN test vectors, as used through ice4j: decoded by {@code Message.decode} (which checks the
 * FINGERPRINT CRC) and authenticated by {@code StunStack.validateMessageIntegrity}, the check its
 * connectivity-check server runs on every incoming binding request.
 */
class StunRfc5769Test {

    private static final HexFormat HEX = HexFormat.of();
    private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    private static final byte[] TRANSACTION_ID = HEX.parseHex("b7e7a701bc34d686fa87dfae");

    /** RFC 5769 section 2.1: sample request. */
    static final byte[] REQUEST = HEX.parseHex(
            "000100582112a442b7e7a701bc34d686fa87dfae"
            + "80220010" + "5354554e2074657374" + "20636c69656e74"     // SOFTWARE "STUN test client"
            + "00240004" + "6e0001ff"                                // PRIORITY
            + "80290008" + "932ff9b151263b36"                        // ICE-CONTROLLED
            + "00060009" + "6576746a3a68367659202020"                // USERNAME "evtj:h6vY" + padding
            + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" // MESSAGE-INTEGRITY
            + "80280004" + "e57a3bcf");                              // FINGERPRINT

    /** RFC 5769 section 2.2: sample IPv4 response, 192.0.2.1 port 32853. */
    static final byte[] IPV4_RESPONSE = HEX.parseHex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"                // SOFTWARE "test vector "
            + "00200008" + "0001a147e112a643"                        // XOR-MAPPED-ADDRESS
            + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004" + "c07d4c96");

    /** RFC 5769 section 2.3: sample IPv6 response, 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
    static final byte[] IPV6_RESPONSE = HEX.parseHex(
            "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004" + "c8fb0b4c");

    private static StunStack stack;

    @BeforeAll
    static void stackWithTheVectorsCredentials() {
        stack = new StunStack();
        stack.getCredentialsManager().registerAuthority(new CredentialsAuthority() {
            @Override
            public byte[] getLocalKey(String username) {
                return "evtj".equals(username) ? PASSWORD.getBytes(StandardCharsets.UTF_8) : null;
            }

            @Override
            public byte[] getRemoteKey(String username, String media) {
                return null;
            }

            @Override
            public boolean checkLocalUserName(String username) {
                return "evtj".equals(username);
            }
        });
    }

    @AfterAll
    static void shutDown() {
        stack.shutDown();
    }

    @Test
    void sampleRequestDecodesAndAuthenticates() throws Exception {
        Message request = Message.decode(REQUEST, 0, REQUEST.length);
        assertEquals(Message.BINDING_REQUEST, request.getMessageType());
        assertArrayEquals(TRANSACTION_ID, request.getTransactionID());
        assertEquals("STUN test client", software(request));
        assertEquals(0x6e0001ffL, ((PriorityAttribute) request.getAttribute(Attribute.PRIORITY)).getPriority());
        assertEquals(0x932ff9b151263b36L, ((IceControlledAttribute) request.getAttribute(Attribute.ICE_CONTROLLED)).getTieBreaker());
        String username = new String(((UsernameAttribute) request.getAttribute(Attribute.USERNAME)).getUsername(), StandardCharsets.UTF_8);
        assertEquals("evtj:h6vY", username);
        assertTrue(integrityValid(request, REQUEST, username));
    }

    @Test
    void sampleIpv4ResponseDecodesAndAuthenticates() throws Exception {
        Message response = Message.decode(IPV4_RESPONSE, 0, IPV4_RESPONSE.length);
        assertEquals(Message.BINDING_SUCCESS_RESPONSE, response.getMessageType());
        assertArrayEquals(TRANSACTION_ID, response.getTransactionID());
        assertEquals("test vector", software(response).trim());
        TransportAddress mapped = ((XorMappedAddressAttribute) response.getAttribute(Attribute.XOR_MAPPED_ADDRESS))
                .getAddress(response.getTransactionID());
        assertEquals(new TransportAddress(InetAddress.getByName("192.0.2.1"), 32853, Transport.UDP), mapped);
        assertTrue(integrityValid(response, IPV4_RESPONSE, "evtj:h6vY"));
    }

    @Test
    void sampleIpv6ResponseDecodesAndAuthenticates() throws Exception {
        Message response = Message.decode(IPV6_RESPONSE, 0, IPV6_RESPONSE.length);
        TransportAddress mapped = ((XorMappedAddressAttribute) response.getAttribute(Attribute.XOR_MAPPED_ADDRESS))
                .getAddress(response.getTransactionID());
        assertEquals(new TransportAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853,
                Transport.UDP), mapped);
        assertTrue(integrityValid(response, IPV6_RESPONSE, "evtj:h6vY"));
    }

    @Test
    void aFlippedBitFailsTheFingerprintOrTheIntegrity() throws Exception {
        byte[] tampered = REQUEST.clone();
        tampered[30] ^= 0x01; // inside SOFTWARE
        assertThrows(StunException.class, () -> Message.decode(tampered, 0, tampered.length));

        // With a recomputed FINGERPRINT the message decodes, but MESSAGE-INTEGRITY no longer matches.
        int fingerprintValue = tampered.length - 4;
        byte[] crc = org.ice4j.attribute.FingerprintAttribute.calculateXorCRC32(tampered, 0, tampered.length - 8);
        System.arraycopy(crc, 0, tampered, fingerprintValue, 4);
        Message decoded = Message.decode(tampered, 0, tampered.length);
        assertFalse(integrityValid(decoded, tampered, "evtj:h6vY"));
        // And the genuine message fails with a wrong password.
        byte[] key = "wrong".getBytes(StandardCharsets.UTF_8);
        MessageIntegrityAttribute mi = (MessageIntegrityAttribute) Message.decode(REQUEST, 0, REQUEST.length)
                .getAttribute(Attribute.MESSAGE_INTEGRITY);
        assertFalse(java.util.Arrays.equals(mi.getHmacSha1Content(),
                MessageIntegrityAttribute.calculateHmacSha1(REQUEST, 0, mi.getLocationInMessage(), key)));
    }

    private static String software(Message message) {
        return new String(((SoftwareAttribute) message.getAttribute(Attribute.SOFTWARE)).getSoftware(), StandardCharsets.UTF_8);
    }

    /** ice4j's own check; RawMessage's constructor is package-private, so it is reached reflectively. */
    private static boolean integrityValid(Message message, byte[] bytes, String username) throws Exception {
        Constructor<RawMessage> ctor = RawMessage.class.getDeclaredConstructor(byte[].class, int.class,
                TransportAddress.class, TransportAddress.class);
        ctor.setAccessible(true);
        TransportAddress any = new TransportAddress(InetAddress.getLoopbackAddress(), 3478, Transport.UDP);
        RawMessage raw = ctor.newInstance(bytes, bytes.length, any, any);
        MessageIntegrityAttribute mi = (MessageIntegrityAttribute) message.getAttribute(Attribute.MESSAGE_INTEGRITY);
        return stack.validateMessageIntegrity(mi, username, true, raw);
    }
}
