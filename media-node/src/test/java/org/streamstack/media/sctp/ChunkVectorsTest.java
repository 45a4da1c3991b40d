package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Every chunk, parameter and error cause: bytes written by hand from the RFC diagrams, parsed to
 * the expected fields, written back to the same bytes.
 */
class ChunkVectorsTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("\\s+", " ").strip());
    }

    /** parse(bytes) then writeTo gives the bytes back; returns the parsed chunk. */
    private static Chunk roundTrip(String hex) throws MalformedSctpException {
        byte[] bytes = hex(hex);
        Chunk chunk = Chunk.parse(bytes, 0, bytes.length);
        assertEquals(bytes.length, chunk.paddedLength());
        byte[] written = new byte[chunk.paddedLength()];
        assertEquals(bytes.length, chunk.writeTo(written, 0));
        assertArrayEquals(bytes, written);
        return chunk;
    }

    private static Parameter roundTripParameter(String hex) throws MalformedSctpException {
        byte[] bytes = hex(hex);
        Parameter p = Parameter.parse(bytes, 0, bytes.length);
        byte[] written = new byte[p.paddedLength()];
        assertEquals(bytes.length, p.writeTo(written, 0));
        assertArrayEquals(bytes, written);
        return p;
    }

    @Test
    void data() throws MalformedSctpException {
        // RFC 9260 3.3.1: flags I U B E = 1 0 1 1, length 16 + 5, TSN, stream 7, SSN 9, PPID 51, "hello" + pad.
        DataChunk d = (DataChunk) roundTrip("00 0b 00 15  ff ff ff fe  00 07 00 09  00 00 00 33  68 65 6c 6c 6f 00 00 00");
        assertEquals(0xFFFFFFFE, d.tsn());
        assertEquals(7, d.streamId());
        assertEquals(9, d.ssn());
        assertEquals(51, d.ppid());
        assertTrue(d.immediate() && d.beginning() && d.ending());
        assertFalse(d.unordered());
        assertEquals("hello", new String(d.payload(), StandardCharsets.US_ASCII));
        DataChunk u = (DataChunk) roundTrip("00 04 00 14  00 00 00 01  00 02 00 00  00 00 00 35  01 02 03 04");
        assertTrue(u.unordered());
        assertFalse(u.beginning() || u.ending() || u.immediate());
    }

    @Test
    void initWithChromiumsParameters() throws MalformedSctpException {
        // RFC 9260 3.3.2 with Forward-TSN-Supported (RFC 3758 3.1) and Supported Extensions
        // [RE-CONFIG, FORWARD-TSN] (RFC 5061 4.2.7): what Chromium's INIT carries. RFC 9260 3.2: the
        // chunk length counts the padding of every parameter but the last: 20 + 4 + 6 = 30.
        InitChunk init = (InitChunk) roundTrip("""
                01 00 00 1e  12 34 ab cd  00 50 00 00  ff ff ff ff  aa bb cc dd
                c0 00 00 04  80 08 00 06  82 c0 00 00""");
        assertEquals(0x1234ABCD, init.initiateTag());
        assertEquals(5 * 1024 * 1024, init.advertisedReceiverWindowCredit());
        assertEquals(65535, init.outboundStreams());
        assertEquals(65535, init.inboundStreams());
        assertEquals(0xAABBCCDD, init.initialTsn());
        assertTrue(init.parameter(ForwardTsnSupportedParameter.class).isPresent());
        assertEquals(List.of(0x82, 0xC0), init.parameter(SupportedExtensionsParameter.class).orElseThrow().chunkTypes());
    }

    @Test
    void acceptsAChunkLengthThatCountsTheLastParametersPaddingToo() throws MalformedSctpException {
        // RFC 9260 3.2: "a robust implementation is expected to accept the chunk whether or not the
        // final padding has been included in the Chunk Length".
        byte[] bytes = hex("01 00 00 20  12 34 ab cd  00 50 00 00  ff ff ff ff  aa bb cc dd  c0 00 00 04  80 08 00 06  82 c0 00 00");
        InitChunk init = InitChunk.parse(bytes, 0, bytes.length);
        assertEquals(2, init.parameters().size());
        assertEquals(30, init.length());
    }

    @Test
    void initAckWithStateCookie() throws MalformedSctpException {
        InitAckChunk ack = (InitAckChunk) roundTrip("""
                02 00 00 26  00 00 00 2a  00 10 00 00  00 0a 00 0b  00 00 00 64
                00 07 00 09  01 02 03 04 05 00 00 00  80 08 00 06  82 c0 00 00""");
        assertEquals(42, ack.initiateTag());
        assertEquals(10, ack.outboundStreams());
        assertEquals(11, ack.inboundStreams());
        assertEquals(100, ack.initialTsn());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, ack.parameter(StateCookieParameter.class).orElseThrow().cookie());
        assertEquals(2, ack.parameters().size());
    }

    @Test
    void sackWithGapBlocksAndDuplicates() throws MalformedSctpException {
        // RFC 9260 3.3.4: cum 100, a_rwnd 4096, 2 gap blocks (2-3, 5-5), 1 duplicate (99).
        SackChunk sack = (SackChunk) roundTrip("""
                03 00 00 1c  00 00 00 64  00 00 10 00  00 02 00 01
                00 02 00 03  00 05 00 05  00 00 00 63""");
        assertEquals(100, sack.cumulativeTsnAck());
        assertEquals(4096, sack.advertisedReceiverWindowCredit());
        assertEquals(List.of(new SackChunk.GapAckBlock(2, 3), new SackChunk.GapAckBlock(5, 5)), sack.gapAckBlocks());
        assertEquals(List.of(99), sack.duplicateTsns());
    }

    @Test
    void heartbeatAndHeartbeatAck() throws MalformedSctpException {
        // RFC 9260 3.3.5, 3.3.6: one Heartbeat Info TLV (type 1), 6 bytes of info, padded.
        HeartbeatChunk hb = (HeartbeatChunk) roundTrip("04 00 00 0e  00 01 00 0a  de ad be ef 01 02 00 00");
        assertArrayEquals(hex("de ad be ef 01 02"), hb.info().info());
        HeartbeatAckChunk ack = (HeartbeatAckChunk) roundTrip("05 00 00 0e  00 01 00 0a  de ad be ef 01 02 00 00");
        assertArrayEquals(hb.info().info(), ack.info().info());
    }

    @Test
    void abortWithUserInitiatedAbortCause() throws MalformedSctpException {
        // RFC 9260 3.3.7, T bit set; cause 12 (3.3.10.12) "Close called", 4 + 12 bytes.
        AbortChunk abort = (AbortChunk) roundTrip("06 01 00 14  00 0c 00 10  43 6c 6f 73 65 20 63 61 6c 6c 65 64");
        assertTrue(abort.tagReflected());
        assertEquals(ErrorCause.USER_INITIATED_ABORT, abort.causes().get(0).code());
        assertEquals("User-Initiated Abort: Close called", abort.causes().get(0).describe());
        assertEquals(abort.causes().get(0).info().length, ErrorCause.userInitiatedAbort("Close called").info().length);
        AbortChunk empty = (AbortChunk) roundTrip("06 00 00 04");
        assertFalse(empty.tagReflected());
        assertTrue(empty.causes().isEmpty());
    }

    @Test
    void shutdownFamily() throws MalformedSctpException {
        assertEquals(0x01020304, ((ShutdownChunk) roundTrip("07 00 00 08  01 02 03 04")).cumulativeTsnAck());
        assertTrue(roundTrip("08 00 00 04") instanceof ShutdownAckChunk);
        assertTrue(((ShutdownCompleteChunk) roundTrip("0e 01 00 04")).tagReflected());
        assertFalse(((ShutdownCompleteChunk) roundTrip("0e 00 00 04")).tagReflected());
    }

    @Test
    void errorWithUnrecognizedChunkTypeAndStaleCookie() throws MalformedSctpException {
        // RFC 9260 3.3.10.6 (cause 6 wrapping a 4-byte chunk of type 0xff) and 3.3.10.3 (cause 3, 1000 us).
        ErrorChunk error = (ErrorChunk) roundTrip("09 00 00 14  00 06 00 08  ff 00 00 04  00 03 00 08  00 00 03 e8");
        assertEquals(ErrorCause.UNRECOGNIZED_CHUNK_TYPE, error.causes().get(0).code());
        assertArrayEquals(hex("ff 00 00 04"), error.causes().get(0).info());
        assertArrayEquals(hex("ff 00 00 04"), ErrorCause.unrecognizedChunkType(new UnknownChunk(0xFF, 0, new byte[0])).info());
        assertArrayEquals(hex("00 00 03 e8"), ErrorCause.staleCookie(1000).info());
        assertEquals("Stale Cookie Error", error.causes().get(1).describe());
    }

    @Test
    void cookieEchoAndCookieAck() throws MalformedSctpException {
        CookieEchoChunk echo = (CookieEchoChunk) roundTrip("0a 00 00 0b  61 62 63 64 65 66 67 00");
        assertEquals("abcdefg", new String(echo.cookie(), StandardCharsets.US_ASCII));
        assertTrue(roundTrip("0b 00 00 04") instanceof CookieAckChunk);
    }

    @Test
    void reconfigWithOutgoingResetRequestAndResponse() throws MalformedSctpException {
        // RFC 6525 4.1: request 0x11, response 0x22, last TSN 0x33, streams 2, 4, 6 (length 22, padded).
        ReconfigChunk request = (ReconfigChunk) roundTrip("""
                82 00 00 1a  00 0d 00 16  00 00 00 11  00 00 00 22  00 00 00 33  00 02 00 04  00 06 00 00""");
        OutgoingSsnResetRequestParameter r = (OutgoingSsnResetRequestParameter) request.parameters().get(0);
        assertEquals(0x11, r.requestSequenceNumber());
        assertEquals(0x22, r.responseSequenceNumber());
        assertEquals(0x33, r.senderLastAssignedTsn());
        assertEquals(List.of(2, 4, 6), r.streamIds());
        // RFC 6525 4.4: response to 0x11, Success - Performed; and one with the optional TSNs.
        ReconfigChunk response = (ReconfigChunk) roundTrip("82 00 00 10  00 10 00 0c  00 00 00 11  00 00 00 01");
        ReconfigResponseParameter p = (ReconfigResponseParameter) response.parameters().get(0);
        assertEquals(0x11, p.responseSequenceNumber());
        assertTrue(p.successful());
        ReconfigChunk both = (ReconfigChunk) roundTrip("""
                82 00 00 28  00 0d 00 10  00 00 00 05  00 00 00 04  00 00 00 09
                00 10 00 14  00 00 00 04  00 00 00 06  00 00 00 0a  00 00 00 0b""");
        ReconfigResponseParameter withTsns = (ReconfigResponseParameter) both.parameters().get(1);
        assertEquals(OptionalInt.of(10), withTsns.senderNextTsn());
        assertEquals(OptionalInt.of(11), withTsns.receiverNextTsn());
        assertEquals(ReconfigResponseParameter.IN_PROGRESS, withTsns.result());
    }

    @Test
    void forwardTsnWithAndWithoutStreamEntries() throws MalformedSctpException {
        // RFC 3758 3.2.
        ForwardTsnChunk none = (ForwardTsnChunk) roundTrip("c0 00 00 08  00 00 01 00");
        assertEquals(256, none.newCumulativeTsn());
        assertTrue(none.streams().isEmpty());
        ForwardTsnChunk some = (ForwardTsnChunk) roundTrip("c0 00 00 10  00 00 01 00  00 01 00 05  00 03 ff ff");
        assertEquals(List.of(new ForwardTsnChunk.StreamEntry(1, 5), new ForwardTsnChunk.StreamEntry(3, 0xFFFF)),
                some.streams());
    }

    @Test
    void unknownChunksAndTheirUpperBits() throws MalformedSctpException {
        UnknownChunk i = (UnknownChunk) roundTrip("40 03 00 06  ab cd 00 00"); // I-DATA: 01, stop and report
        assertEquals(0x40, i.type());
        assertEquals(3, i.flags());
        assertArrayEquals(hex("ab cd"), i.value());
        assertTrue(ChunkType.stopsProcessingWhenUnknown(0x40) && ChunkType.reportedWhenUnknown(0x40));
        assertTrue(ChunkType.stopsProcessingWhenUnknown(0x0F) && !ChunkType.reportedWhenUnknown(0x0F));
        assertTrue(!ChunkType.stopsProcessingWhenUnknown(0x84) && !ChunkType.reportedWhenUnknown(0x84));
        assertTrue(!ChunkType.stopsProcessingWhenUnknown(0xC1) && ChunkType.reportedWhenUnknown(0xC1));
    }

    @Test
    void parametersOnTheirOwn() throws MalformedSctpException {
        assertTrue(roundTripParameter("c0 00 00 04") instanceof ForwardTsnSupportedParameter);
        assertEquals(List.of(0x82), ((SupportedExtensionsParameter) roundTripParameter("80 08 00 05  82 00 00 00")).chunkTypes());
        assertArrayEquals(hex("01"), ((StateCookieParameter) roundTripParameter("00 07 00 05  01 00 00 00")).cookie());
        assertArrayEquals(hex("aa bb"), ((HeartbeatInfoParameter) roundTripParameter("00 01 00 06  aa bb 00 00")).info());
        assertArrayEquals(hex("00 05 00 08 c0 a8 01 01"),
                ((UnrecognizedParameter) roundTripParameter("00 08 00 0c  00 05 00 08  c0 a8 01 01")).parameter());
        UnknownParameter ipv4 = (UnknownParameter) roundTripParameter("00 05 00 08  c0 a8 01 01");
        assertEquals(5, ipv4.type());
        assertArrayEquals(hex("00 05 00 08 c0 a8 01 01"), ipv4.toBytes());
        assertTrue(Parameter.stopsProcessingWhenUnknown(0x0005) && !Parameter.reportedWhenUnknown(0x0005));
        assertTrue(!Parameter.stopsProcessingWhenUnknown(0xC004) && Parameter.reportedWhenUnknown(0xC004));
    }

    @Test
    void writtenChunksParseBackEqual() throws MalformedSctpException {
        List<Chunk> chunks = List.of(
                new InitChunk(1, 2, 3, 4, 5, List.of(new UnknownParameter(0x8002, new byte[] {1, 2, 3}))),
                new SackChunk(-1, 0, List.of(new SackChunk.GapAckBlock(1, 65535)), List.of(-2, 3)),
                new ErrorChunk(List.of(ErrorCause.protocolViolation("x"), ErrorCause.outOfResource(),
                        ErrorCause.invalidStreamIdentifier(9))),
                new ReconfigChunk(List.of(new OutgoingSsnResetRequestParameter(1, 2, 3, List.of()))),
                new ForwardTsnChunk(7, List.of(new ForwardTsnChunk.StreamEntry(0, 0))),
                new ShutdownChunk(-5));
        for (Chunk c : chunks) {
            byte[] bytes = new byte[c.paddedLength()];
            c.writeTo(bytes, 0);
            Chunk parsed = Chunk.parse(bytes, 0, bytes.length);
            byte[] again = new byte[parsed.paddedLength()];
            parsed.writeTo(again, 0);
            assertArrayEquals(bytes, again, c.toString());
            if (!(c instanceof InitChunk) && !(c instanceof ErrorChunk)) {
                assertEquals(c, parsed); // records holding byte arrays compare them by identity
            }
        }
    }

    @Test
    void malformedChunksThrowTheCheckedException() {
        String[] bad = {
            "00",                                   // shorter than a header
            "00 03 00 02",                          // length below 4
            "00 03 00 20  00 00 00 01",             // length beyond the bytes
            "00 03 00 10  00 00 00 01  00 00 00 00  00 00 00 33", // DATA without user data
            "01 00 00 10  00 00 00 01  00 00 00 01  00 01 00 01", // INIT shorter than 20
            "01 00 00 18  00 00 00 01  00 00 00 01  00 01 00 01  00 00 00 01  00 07 00 09", // param past the end
            "03 00 00 14  00 00 00 01  00 00 00 01  00 02 00 00  00 01 00 01", // SACK counts vs length
            "04 00 00 08  00 02 00 04",             // HEARTBEAT without Heartbeat Info
            "07 00 00 0c  00 00 00 01  00 00 00 00", // SHUTDOWN of 12 bytes
            "06 00 00 08  00 0c 00 09",             // error cause past the end
            "82 00 00 04",                          // RE-CONFIG without parameters
            "82 00 00 10  00 10 00 0c  00 00 00 11  00 00 00 01".replace("00 10 00 0c", "00 10 00 0d"),
            "82 00 00 18  00 0d 00 11  00 00 00 11  00 00 00 22  00 00 00 33  00 00 00 00", // odd request length
            "c0 00 00 0a  00 00 01 00  00 01",      // FORWARD TSN entries not whole
            "c0 00 00 08  00 00 00",                // truncated
        };
        for (String s : bad) {
            byte[] bytes = hex(s);
            assertThrows(MalformedSctpException.class, () -> Chunk.parse(bytes, 0, bytes.length), s);
        }
        byte[] fwdSupported = hex("c0 00 00 08  00 00 00 00");
        assertThrows(MalformedSctpException.class, () -> Parameter.parse(fwdSupported, 0, fwdSupported.length));
    }
}
