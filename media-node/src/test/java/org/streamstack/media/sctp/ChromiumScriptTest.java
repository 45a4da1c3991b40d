package org.streamstack.media.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The association under test against a peer scripted chunk by chunk the way WEBRTC.md saw Chromium
 * behave: it sends INIT first, fragments at varying sizes, closes channels with RE-CONFIG, aborts
 * on pc.close().
 */
class ChromiumScriptTest {
    private static final SctpSettings SETTINGS = SctpSettings.webrtc();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- setup ---------------------------------------------------------------------------------

    @Test
    void answersInitStatelesslyAndAdvertisesReconfigAndForwardTsn() {
        ScriptedPeer peer = new ScriptedPeer(SETTINGS);
        InitChunk init = new InitChunk(ScriptedPeer.TAG, 5 << 20, 65535, 65535, ScriptedPeer.INITIAL_TSN,
                List.of(new ForwardTsnSupportedParameter(),
                        new SupportedExtensionsParameter(List.of(ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN))));
        peer.receive(0, init);
        SctpPacket first = peer.takeOnly();
        assertEquals(ScriptedPeer.TAG, first.verificationTag());
        assertEquals(1, first.chunks().size(), "INIT ACK travels alone");
        InitAckChunk ack = (InitAckChunk) first.chunks().get(0);
        assertTrue(ack.parameter(StateCookieParameter.class).isPresent());
        assertEquals(List.of(ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN),
                ack.parameter(SupportedExtensionsParameter.class).orElseThrow().chunkTypes());
        assertTrue(ack.parameter(ForwardTsnSupportedParameter.class).isPresent());
        assertEquals(SctpAssociation.State.CLOSED, peer.association.state(), "no state kept before COOKIE ECHO");
        assertEquals(SctpAssociation.NO_TIMEOUT, peer.association.nextTimeout());

        peer.receive(0, init); // a retransmitted INIT: a fresh, independent answer
        InitAckChunk second = (InitAckChunk) peer.takeOnly().chunks().get(0);
        assertNotEquals(ack.initiateTag(), second.initiateTag());

        // The first answer's cookie is as good as the second's.
        peer.receive(ack.initiateTag(), new CookieEchoChunk(ack.parameter(StateCookieParameter.class).orElseThrow().cookie()));
        assertTrue(peer.takeOnly().chunks().get(0) instanceof CookieAckChunk);
        assertTrue(peer.association.isEstablished());
    }

    @Test
    void forgedAndStaleCookiesAreRefused() {
        ScriptedPeer peer = new ScriptedPeer(SETTINGS);
        peer.receive(0, new InitChunk(ScriptedPeer.TAG, 1 << 20, 10, 10, 1, List.of()));
        InitAckChunk ack = (InitAckChunk) peer.takeOnly().chunks().get(0);
        byte[] cookie = ack.parameter(StateCookieParameter.class).orElseThrow().cookie();

        byte[] forged = cookie.clone();
        forged[5] ^= 1;
        peer.receive(ack.initiateTag(), new CookieEchoChunk(forged));
        assertTrue(peer.takeAll().isEmpty());
        assertEquals(1, peer.association.counters().packetsDropped());

        peer.receive(ack.initiateTag() + 1, new CookieEchoChunk(cookie)); // wrong verification tag
        assertTrue(peer.takeAll().isEmpty());
        assertEquals(2, peer.association.counters().packetsDropped());

        peer.now += SETTINGS.cookieLifetimeMillis() + 1;
        peer.receive(ack.initiateTag(), new CookieEchoChunk(cookie));
        ErrorChunk error = (ErrorChunk) peer.takeOnly().chunks().get(0);
        assertEquals(ErrorCause.STALE_COOKIE, error.causes().get(0).code());
        assertFalse(peer.association.isEstablished());
    }

    @Test
    void aRepeatedCookieEchoGetsAnotherCookieAckAndNoSecondEstablishment() {
        ScriptedPeer peer = new ScriptedPeer(SETTINGS);
        peer.receive(0, new InitChunk(ScriptedPeer.TAG, 1 << 20, 10, 10, 1, List.of()));
        InitAckChunk ack = (InitAckChunk) peer.takeOnly().chunks().get(0);
        CookieEchoChunk echo = new CookieEchoChunk(ack.parameter(StateCookieParameter.class).orElseThrow().cookie());
        peer.receive(ack.initiateTag(), echo);
        assertTrue(peer.takeOnly().chunks().get(0) instanceof CookieAckChunk);
        peer.association.send(1, 51, bytes("hello"), true, peer.now);
        peer.takeAll();
        peer.receive(ack.initiateTag(), echo); // our COOKIE ACK was lost; Chromium's T1-cookie fired
        SctpPacket again = peer.takeOnly();
        assertTrue(again.chunks().get(0) instanceof CookieAckChunk);
        assertTrue(peer.association.isEstablished());
        assertEquals(1, peer.established);
    }

    // ---- SACK policy (6.2) ------------------------------------------------------------------------

    @Test
    void acksEverySecondPacketAtOnceOnGapsAndDuplicatesAndOtherwiseAfter200Ms() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        DataChunk first = peer.data(0, 0, 51, false, true, true, bytes("a"));
        peer.send(first);
        assertTrue(peer.takeAll().isEmpty(), "a lone packet waits for the delayed-ack timer");
        assertEquals(peer.now + 200, peer.association.nextTimeout());
        peer.advance(200);
        SackChunk delayed = (SackChunk) peer.takeOnly().chunks().get(0);
        assertEquals(first.tsn(), delayed.cumulativeTsnAck());

        peer.send(peer.data(0, 1, 51, false, true, true, bytes("b")));
        assertTrue(peer.takeAll().isEmpty());
        DataChunk third = peer.data(0, 2, 51, false, true, true, bytes("c"));
        peer.send(third);
        assertEquals(third.tsn(), ((SackChunk) peer.takeOnly().chunks().get(0)).cumulativeTsnAck(), "second packet: at once");

        peer.nextTsn++; // a gap
        DataChunk afterGap = peer.data(0, 4, 51, false, true, true, bytes("e"));
        peer.send(afterGap);
        SackChunk gap = (SackChunk) peer.takeOnly().chunks().get(0);
        assertEquals(third.tsn(), gap.cumulativeTsnAck());
        assertEquals(List.of(new SackChunk.GapAckBlock(2, 2)), gap.gapAckBlocks());

        peer.send(afterGap); // a duplicate
        SackChunk dup = (SackChunk) peer.takeOnly().chunks().get(0);
        assertEquals(List.of(afterGap.tsn()), dup.duplicateTsns());
        assertEquals(1, peer.association.counters().duplicateTsns());

        DataChunk filler = new DataChunk(third.tsn() + 1, 0, 3, 51, false, true, true, false, bytes("d"));
        peer.send(filler); // fills the gap: at once, and both messages go up in order
        assertEquals(afterGap.tsn(), ((SackChunk) peer.takeOnly().chunks().get(0)).cumulativeTsnAck());
        assertEquals(List.of("a", "b", "c", "d", "e"), texts(peer.messages));
    }

    @Test
    void theIBitAsksForAnImmediateSack() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.send(peer.data(0, 0, 51, false, true, true, bytes("x")).withImmediate(true));
        assertEquals(1, peer.chunks(SackChunk.class).size());
    }

    // ---- reassembly and delivery (6.5, 6.6, 6.9) ------------------------------------------------

    @Test
    void reassemblesByTsnRunWhateverTheFragmentSizesAndAcrossTheTsnWrap() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        Random random = new Random(9);
        byte[] message = new byte[12 + 1160 + 37 + 500 + 3];
        random.nextBytes(message);
        int[] sizes = {12, 1160, 37, 500, 3};
        List<DataChunk> fragments = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            fragments.add(peer.data(4, 0, 53, false, i == 0, i == sizes.length - 1,
                    Arrays.copyOfRange(message, offset, offset + sizes[i])));
            offset += sizes[i];
        }
        // TSNs run from 0xFFFFFFF8 across zero; send out of order, one unordered message in between.
        for (int i : new int[] {3, 0, 4}) {
            peer.send(fragments.get(i));
        }
        DataChunk unordered = peer.data(6, 0, 51, true, true, true, bytes("now"));
        peer.send(unordered);
        assertEquals(List.of("now"), texts(peer.messages), "unordered leaves at once");
        peer.send(fragments.get(2));
        peer.send(fragments.get(1));
        assertEquals(2, peer.messages.size());
        assertArrayEquals(message, peer.messages.get(1).data());
        assertEquals(4, peer.messages.get(1).streamId());
        assertTrue(Integer.compareUnsigned(fragments.get(4).tsn(), 8) < 0, "the TSNs wrapped");
    }

    @Test
    void ordersPerStreamOnlyBlockingTheStreamWithTheMissingMessage() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        DataChunk s1ssn0 = peer.data(1, 0, 51, false, true, true, bytes("1.0"));
        DataChunk s1ssn1 = peer.data(1, 1, 51, false, true, true, bytes("1.1"));
        DataChunk s2ssn0 = peer.data(2, 0, 51, false, true, true, bytes("2.0"));
        peer.send(s1ssn1, s2ssn0);
        assertEquals(List.of("2.0"), texts(peer.messages));
        peer.send(s1ssn0);
        assertEquals(List.of("2.0", "1.0", "1.1"), texts(peer.messages));
    }

    @Test
    void forwardTsnWithoutStreamEntriesAdvancesTheCumulativeTsnAndIsAcked() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        DataChunk first = peer.data(8, 0, 51, true, true, true, bytes("kept"));
        peer.send(first);
        int abandoned = peer.nextTsn;
        peer.nextTsn += 3; // three TSNs Chromium abandoned on an unordered, zero-retransmit channel
        DataChunk later = peer.data(8, 0, 51, true, true, true, bytes("later"));
        peer.send(later);
        peer.takeAll();
        peer.send(new ForwardTsnChunk(abandoned + 2, List.of()));
        SackChunk sack = (SackChunk) peer.takeOnly().chunks().get(0);
        assertEquals(later.tsn(), sack.cumulativeTsnAck());
        assertTrue(sack.gapAckBlocks().isEmpty());
        assertEquals(List.of("kept", "later"), texts(peer.messages));

        peer.send(new ForwardTsnChunk(abandoned, List.of())); // old news: acked again at once
        assertEquals(later.tsn(), ((SackChunk) peer.takeOnly().chunks().get(0)).cumulativeTsnAck());
    }

    @Test
    void forwardTsnWithStreamEntriesSkipsTheAbandonedSsn() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.send(peer.data(3, 0, 51, false, true, true, bytes("ssn 0")));
        peer.nextTsn++; // SSN 1 abandoned by the sender
        DataChunk ssn2 = peer.data(3, 2, 51, false, true, true, bytes("ssn 2"));
        peer.send(ssn2);
        assertEquals(List.of("ssn 0"), texts(peer.messages));
        peer.send(new ForwardTsnChunk(ssn2.tsn() - 1, List.of(new ForwardTsnChunk.StreamEntry(3, 1))));
        assertEquals(List.of("ssn 0", "ssn 2"), texts(peer.messages));
    }

    // ---- control chunks ---------------------------------------------------------------------------

    @Test
    void echoesHeartbeatInfoUnchanged() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        byte[] info = {1, 2, 3, 4, 5, 6, 7};
        peer.send(new HeartbeatChunk(new HeartbeatInfoParameter(info)));
        HeartbeatAckChunk ack = (HeartbeatAckChunk) peer.takeOnly().chunks().get(0);
        assertArrayEquals(info, ack.info().info());
        assertEquals(1, peer.association.counters().heartbeatsReceived());
    }

    @Test
    void unknownChunksFollowTheUpperTwoBitsOfTheirType() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        // 00: stop, discard silently: the DATA behind it is not processed.
        peer.send(new UnknownChunk(0x3F, 0, new byte[3]), peer.data(0, 0, 51, false, true, true, bytes("a")));
        assertTrue(peer.takeAll().isEmpty());
        assertTrue(peer.messages.isEmpty());
        peer.nextTsn--;
        // 01: stop, report.
        peer.send(new UnknownChunk(0x7F, 0, new byte[3]), peer.data(0, 0, 51, false, true, true, bytes("a")));
        ErrorChunk report = peer.chunks(ErrorChunk.class).get(0);
        assertEquals(ErrorCause.UNRECOGNIZED_CHUNK_TYPE, report.causes().get(0).code());
        assertEquals(0x7F, report.causes().get(0).info()[0] & 0xFF);
        assertTrue(peer.messages.isEmpty());
        peer.takeAll();
        peer.nextTsn--;
        // 10: skip, go on, no report.
        peer.send(new UnknownChunk(0xBF, 0, new byte[3]), peer.data(0, 0, 51, false, true, true, bytes("a")));
        assertTrue(peer.chunks(ErrorChunk.class).isEmpty());
        assertEquals(List.of("a"), texts(peer.messages));
        // 11: skip, go on, report.
        peer.send(new UnknownChunk(0xFF, 0, new byte[3]), peer.data(0, 1, 51, false, true, true, bytes("b")));
        assertEquals(1, peer.chunks(ErrorChunk.class).size());
        assertEquals(List.of("a", "b"), texts(peer.messages));
        assertEquals(4, peer.association.counters().unknownChunks());
    }

    @Test
    void dropsAndCountsWrongVerificationTagsAndBundledInit() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.receive(peer.associationTag ^ 1, peer.data(0, 0, 51, false, true, true, bytes("x")));
        peer.receive(0, new InitChunk(7, 1000, 1, 1, 1, List.of()), new CookieAckChunk());
        assertTrue(peer.messages.isEmpty());
        assertEquals(2, peer.association.counters().packetsDropped());
        assertTrue(peer.association.isEstablished());
    }

    // ---- stream reset (RFC 6525, RFC 8831 6.7) ------------------------------------------------------

    @Test
    void answersChromiumsResetAndResetsItsOwnSideUntilAnswered() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.send(peer.data(2, 0, 51, false, true, true, bytes("bye")));
        peer.association.send(2, 51, bytes("ok"), true, peer.now);
        peer.ackAll(1 << 20);
        peer.takeAll();
        // Chromium puts its own request number in the response-sequence field (not RFC 6525 4.1).
        int request = ScriptedPeer.INITIAL_TSN;
        peer.send(new ReconfigChunk(List.of(new OutgoingSsnResetRequestParameter(request, request, peer.nextTsn - 1,
                List.of(2)))));
        List<ReconfigChunk> reconfigs = peer.chunks(ReconfigChunk.class);
        assertEquals(2, reconfigs.size(), "a response, then our own request");
        ReconfigResponseParameter response = (ReconfigResponseParameter) reconfigs.get(0).parameters().get(0);
        assertEquals(request, response.responseSequenceNumber());
        assertEquals(ReconfigResponseParameter.SUCCESS_PERFORMED, response.result());
        OutgoingSsnResetRequestParameter ours = (OutgoingSsnResetRequestParameter) reconfigs.get(1).parameters().get(0);
        assertEquals(peer.associationInitialTsn, ours.requestSequenceNumber(), "RFC 6525: the first request number is our initial TSN");
        assertEquals(List.of(2), ours.streamIds());
        assertEquals(peer.associationInitialTsn, ours.senderLastAssignedTsn(), "one DATA chunk sent before");
        assertFalse(peer.association.send(2, 51, bytes("too late"), true, peer.now), "no sends while resetting");
        peer.takeAll();

        // Unanswered, the request is sent again with the same number by its own timer.
        peer.advance(peer.association.retransmissionTimeout());
        OutgoingSsnResetRequestParameter again = (OutgoingSsnResetRequestParameter)
                peer.chunks(ReconfigChunk.class).get(0).parameters().get(0);
        assertEquals(ours.requestSequenceNumber(), again.requestSequenceNumber());
        peer.takeAll();
        assertTrue(peer.streamResets.isEmpty());

        peer.send(new ReconfigChunk(List.of(new ReconfigResponseParameter(ours.requestSequenceNumber(),
                ReconfigResponseParameter.SUCCESS_PERFORMED))));
        assertEquals(List.of(2), peer.streamResets);

        // The stream is fresh: SSN 0 both ways.
        peer.association.send(2, 51, bytes("again"), true, peer.now);
        assertEquals(0, peer.chunks(DataChunk.class).get(0).ssn());
        peer.send(peer.data(2, 0, 51, false, true, true, bytes("new channel")));
        assertEquals("new channel", texts(peer.messages).get(1));
    }

    @Test
    void aResetBeyondTheCumulativeTsnIsDeferredUntilTheDataArrives() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        DataChunk lost = peer.data(4, 0, 51, false, true, true, bytes("last words"));
        int request = ScriptedPeer.INITIAL_TSN;
        peer.send(new ReconfigChunk(List.of(new OutgoingSsnResetRequestParameter(request, request, lost.tsn(), List.of(4)))));
        ReconfigResponseParameter inProgress = (ReconfigResponseParameter) peer.chunks(ReconfigChunk.class).get(0).parameters().get(0);
        assertEquals(ReconfigResponseParameter.IN_PROGRESS, inProgress.result());
        peer.takeAll();
        // The new channel's first message (SSN 0, after the reset point) arrives before the old one's last.
        peer.send(peer.data(4, 0, 51, false, true, true, bytes("new first")));
        assertTrue(peer.messages.isEmpty());
        peer.takeAll();
        peer.send(lost);
        assertEquals(List.of("last words", "new first"), texts(peer.messages));
        List<ReconfigChunk> reconfigs = peer.chunks(ReconfigChunk.class);
        ReconfigResponseParameter performed = (ReconfigResponseParameter) reconfigs.get(0).parameters().get(0);
        assertEquals(request, performed.responseSequenceNumber());
        assertEquals(ReconfigResponseParameter.SUCCESS_PERFORMED, performed.result());
        assertTrue(reconfigs.get(1).parameters().get(0) instanceof OutgoingSsnResetRequestParameter);
    }

    // ---- close ---------------------------------------------------------------------------------------

    @Test
    void chromiumsAbortOnPcCloseClosesAtOnce() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 51, bytes("pending"), true, peer.now);
        peer.send(new AbortChunk(false, List.of(ErrorCause.userInitiatedAbort("Close called"))));
        assertEquals(CloseReason.PEER_ABORT, peer.closeReason);
        assertTrue(peer.closeDetail.contains("Close called"), peer.closeDetail);
        assertEquals(SctpAssociation.NO_TIMEOUT, peer.association.nextTimeout());
        assertFalse(peer.association.send(1, 51, bytes("x"), true, peer.now));
    }

    @Test
    void shutdownStartedByThePeer() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 51, bytes("last"), true, peer.now);
        DataChunk sent = peer.chunks(DataChunk.class).get(0);
        peer.takeAll();
        peer.send(new ShutdownChunk(sent.tsn()));
        assertTrue(peer.chunks(ShutdownAckChunk.class).size() == 1);
        assertEquals(SctpAssociation.State.SHUTDOWN_ACK_SENT, peer.association.state());
        peer.takeAll();
        peer.send(new ShutdownCompleteChunk(false));
        assertEquals(CloseReason.SHUTDOWN, peer.closeReason);
    }

    // ---- sending --------------------------------------------------------------------------------------

    @Test
    void respectsThePeersReceiveWindow() {
        ScriptedPeer peer = new ScriptedPeer(SETTINGS);
        peer.handshake(3000);
        peer.association.send(1, 53, new byte[20_000], true, peer.now);
        int bytes = peer.chunks(DataChunk.class).stream().mapToInt(d -> d.payload().length).sum();
        assertTrue(bytes <= 3000 + SETTINGS.maxFragmentSize(), bytes + " bytes in flight against a 3000-byte window");
    }

    @Test
    void advertisesWhatIsLeftOfItsReceiveWindow() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.nextTsn++; // hole: what follows waits in the reassembly queue
        peer.send(peer.data(0, 1, 53, false, true, true, new byte[1000]));
        SackChunk sack = (SackChunk) peer.takeOnly().chunks().get(0);
        assertEquals(SETTINGS.receiveWindow() - 1000, Integer.toUnsignedLong(sack.advertisedReceiverWindowCredit()));
    }

    @Test
    void fragmentsInMultiplesOfFourWithinThePacketLimitAndCapsBurstsAtFour() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        // Grow cwnd: send and acknowledge a few hundred kilobytes.
        for (int round = 0; round < 60; round++) {
            peer.association.send(1, 53, new byte[20_000], true, peer.now);
            peer.now += 5;
            peer.ackAll(1 << 22);
        }
        peer.takeAll();
        peer.association.send(1, 53, new byte[100_000], true, peer.now);
        List<SctpPacket> burst = peer.takeAll();
        assertEquals(SETTINGS.maxBurst(), burst.size(), "Max.Burst packets in one go");
        for (SctpPacket p : burst) {
            assertTrue(p.length() <= SETTINGS.maxPacketSize());
            for (Chunk c : p.chunks()) {
                if (c instanceof DataChunk d && !d.ending()) {
                    assertEquals(1160, d.payload().length);
                }
            }
        }
    }

    @Test
    void theLastChunkBeforeTheQueueRunsDryCarriesTheIBit() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 53, new byte[3000], true, peer.now);
        List<DataChunk> chunks = peer.chunks(DataChunk.class);
        assertEquals(3, chunks.size());
        assertFalse(chunks.get(0).immediate());
        assertFalse(chunks.get(1).immediate());
        assertTrue(chunks.get(2).immediate());
    }

    @Test
    void probesALoneLostTailBeforeT3() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 51, bytes("measured"), true, peer.now);
        peer.now += 10;
        peer.ackAll(1 << 20); // one RTT sample: 10 ms
        peer.association.send(1, 51, bytes("lost"), true, peer.now);
        DataChunk lost = peer.chunks(DataChunk.class).get(0);
        peer.takeAll();
        long sentAt = peer.now;
        peer.now = peer.association.nextTimeout();
        assertEquals(sentAt + SctpAssociation.MIN_PROBE_TIMEOUT_MILLIS, peer.now, "2 x SRTT, at least 20 ms");
        peer.association.handleTimeout(peer.now);
        DataChunk probe = peer.chunks(DataChunk.class).get(0);
        assertEquals(lost.tsn(), probe.tsn());
        assertTrue(probe.immediate());
        assertEquals(1, peer.association.counters().tailLossProbes());
        assertEquals(0, peer.association.counters().t3Expiries());
    }

    @Test
    void t3BacksOffTo3SecondsAndDeclaresThePeerUnreachable() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS.withTailLossProbe(false));
        peer.association.send(1, 51, bytes("into the void"), true, peer.now);
        long sentAt = peer.now;
        List<Long> expiries = new ArrayList<>();
        while (peer.closeReason == null) {
            peer.now = peer.association.nextTimeout();
            peer.association.handleTimeout(peer.now);
            if (!peer.chunks(DataChunk.class).isEmpty()) {
                expiries.add(peer.now - sentAt);
            }
            peer.takeAll();
        }
        assertEquals(List.of(500L, 1500L, 3500L, 6500L, 9500L, 12500L, 15500L, 18500L, 21500L, 24500L), expiries);
        assertEquals(CloseReason.FAILURE, peer.closeReason);
        assertEquals(11, peer.association.counters().t3Expiries());
    }

    @Test
    void abandonsAZeroRetransmitMessageAndMovesThePeerOnWithForwardTsn() {
        ScriptedPeer peer = ScriptedPeer.established(SETTINGS);
        peer.association.send(1, 51, bytes("ordered, reliable"), true, peer.now);
        peer.association.send(3, 53, bytes("unordered, 0 rtx"), false, Reliability.maxRetransmissions(0), peer.now);
        peer.association.send(5, 53, bytes("ordered, 0 rtx"), true, Reliability.maxRetransmissions(0), peer.now);
        List<DataChunk> sent = peer.chunks(DataChunk.class);
        peer.takeAll();
        // Only the first arrives.
        peer.send(new SackChunk(sent.get(0).tsn(), 1 << 20, List.of(), List.of()));
        peer.takeAll();
        peer.now = peer.association.nextTimeout();
        peer.association.handleTimeout(peer.now);
        ForwardTsnChunk forward = peer.chunks(ForwardTsnChunk.class).get(0);
        assertEquals(sent.get(2).tsn(), forward.newCumulativeTsn());
        assertEquals(List.of(new ForwardTsnChunk.StreamEntry(5, 0)), forward.streams());
        assertTrue(peer.chunks(DataChunk.class).isEmpty(), "nothing retransmitted");
        assertEquals(2, peer.association.counters().messagesAbandoned());
    }

    @Test
    void anyMonotonicClockWillDoEvenANegativeOne() {
        ScriptedPeer peer = new ScriptedPeer(SETTINGS);
        peer.now = -7_000_000_000L; // System.nanoTime() / 1_000_000 may well be negative
        peer.handshake(1 << 20);
        peer.association.send(1, 51, bytes("tick"), true, peer.now);
        DataChunk sent = peer.chunks(DataChunk.class).get(0);
        peer.takeAll();
        peer.advance(SETTINGS.rtoInitialMillis()); // no ack: T3 (the probe needs an RTT sample first)
        assertEquals(sent.tsn(), peer.chunks(DataChunk.class).get(0).tsn());
        peer.ackAll(1 << 20);
        peer.send(peer.data(0, 0, 51, false, true, true, bytes("tock")));
        peer.advance(SETTINGS.delayedAckMillis());
        assertEquals(1, peer.chunks(SackChunk.class).size());
        assertEquals(List.of("tock"), texts(peer.messages));
        assertTrue(peer.association.isEstablished());
    }

    static List<String> texts(List<Peer.Message> messages) {
        List<String> texts = new ArrayList<>();
        for (Peer.Message m : messages) {
            texts.add(new String(m.data(), StandardCharsets.UTF_8));
        }
        return texts;
    }
}
