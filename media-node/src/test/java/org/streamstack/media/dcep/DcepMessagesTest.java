package org.streamstack.media.dcep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.streamstack.media.sctp.Reliability;

/** DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK (RFC 8832 5): vectors from the diagrams, round trips, bad input. */
class DcepMessagesTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("\\s+", " ").strip());
    }

    @Test
    void openForChromiumsControlChannel() throws MalformedDcepException {
        // Type 0x03, channel type 0x00 (reliable), priority 256, reliability 0, label "control", no protocol.
        byte[] bytes = hex("03 00 01 00  00 00 00 00  00 07 00 00  63 6f 6e 74 72 6f 6c");
        DataChannelOpen open = (DataChannelOpen) DcepMessage.parse(bytes, 0, bytes.length);
        assertEquals(ChannelType.RELIABLE, open.channelType());
        assertEquals(256, open.priority());
        assertEquals(0, open.reliabilityParameter());
        assertEquals("control", open.label());
        assertEquals("", open.protocol());
        assertArrayEquals(bytes, open.toBytes());
    }

    @Test
    void openUnorderedWithoutRetransmissionsAsChromiumSendsIt() throws MalformedDcepException {
        // 0x81: unordered, partial reliability by retransmissions, 0 of them; label "input", protocol "v1".
        byte[] bytes = hex("03 81 00 80  00 00 00 00  00 05 00 02  69 6e 70 75 74  76 31");
        DataChannelOpen open = DataChannelOpen.parse(bytes, 0, bytes.length);
        assertEquals(ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, open.channelType());
        assertFalse(open.channelType().ordered());
        assertEquals(128, open.priority());
        assertEquals("input", open.label());
        assertEquals("v1", open.protocol());
        assertEquals(Reliability.maxRetransmissions(0), open.channelType().reliability(open.reliabilityParameter()));
        assertArrayEquals(bytes, open.toBytes());
    }

    @Test
    void everyChannelTypeAndUtf8LabelsRoundTrip() throws MalformedDcepException {
        for (ChannelType type : ChannelType.values()) {
            DataChannelOpen open = new DataChannelOpen(type, 1024, 0xFFFFFFFFL, "fichiers \u00e9t\u00e9 \ud83d\ude80", "p");
            byte[] bytes = open.toBytes();
            assertEquals(open, DcepMessage.parse(bytes, 0, bytes.length));
            assertEquals(type, ChannelType.of(type.code()));
        }
        assertEquals(Reliability.lifetime(150), ChannelType.PARTIAL_RELIABLE_TIMED.reliability(150));
        assertTrue(ChannelType.RELIABLE_UNORDERED.reliability(7).reliable());
    }

    @Test
    void ack() throws MalformedDcepException {
        assertArrayEquals(hex("02"), new DataChannelAck().toBytes());
        assertEquals(new DataChannelAck(), DcepMessage.parse(hex("02"), 0, 1));
    }

    @Test
    void malformedMessagesThrowTheCheckedException() {
        String[] bad = {
            "",                                                  // nothing
            "05",                                                // unknown message type
            "02 00",                                             // ACK with a trailing byte
            "03 00 01 00  00 00 00",                             // OPEN shorter than 12
            "03 00 01 00  00 00 00 00  00 08 00 00  63 6f 6e 74 72 6f 6c", // label longer than the bytes
            "03 00 01 00  00 00 00 00  00 02 00 00  61 62 63",   // trailing bytes
            "03 03 01 00  00 00 00 00  00 00 00 00",             // unknown channel type
            "03 00 01 00  00 00 00 00  00 02 00 00  c3 28",      // label not UTF-8
        };
        for (String s : bad) {
            byte[] bytes = hex(s);
            assertThrows(MalformedDcepException.class, () -> DcepMessage.parse(bytes, 0, bytes.length), s);
        }
    }

    @Test
    void randomBytesAndEveryTruncationThrowOnlyTheCheckedException() {
        Random random = new Random(8);
        byte[] open = new DataChannelOpen(ChannelType.PARTIAL_RELIABLE_TIMED, 512, 3000, "control", "json").toBytes();
        for (int len = 0; len < open.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(open, len);
            assertThrows(MalformedDcepException.class, () -> DcepMessage.parse(cut, 0, cut.length));
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = (byte) (random.nextBoolean() ? 3 : 2);
            }
            try {
                DcepMessage.parse(bytes, 0, bytes.length);
            } catch (MalformedDcepException expected) {
                // the only acceptable failure
            }
        }
    }
}
