package org.streamstack.media.dcep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.streamstack.media.sctp.CloseReason;
import org.streamstack.media.sctp.SctpSettings;
import org.streamstack.media.sctp.VirtualNetwork;

/**
 * Two DataChannels back to back: a client playing the browser (it connects and opens channels, as
 * Chromium does) and the instance side (it listens and accepts them).
 */
class DataChannelsTest {
    private static final SctpSettings SETTINGS = SctpSettings.webrtc();

    /** One side of the test and everything it was told. */
    static final class Side implements DataChannels.Listener, VirtualNetwork.Endpoint {
        final DataChannels channels;
        final List<DataChannel> opened = new ArrayList<>();
        final List<DataChannel> closed = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        final List<Object> received = new ArrayList<>();
        CloseReason associationClosed;
        private final Consumer<byte[]> wire;

        Side(long seed, Consumer<byte[]> wire) {
            this.wire = wire;
            this.channels = new DataChannels(SETTINGS, new Random(seed), this);
        }

        @Override
        public void onPacket(byte[] packet) {
            wire.accept(packet);
        }

        @Override
        public void onChannelOpened(DataChannel channel) {
            opened.add(channel);
            log.add("open " + channel.id() + " " + channel.label() + " " + channel.protocol());
        }

        @Override
        public void onTextMessage(DataChannel channel, String text) {
            received.add(text);
            log.add("text " + channel.label() + " " + text);
        }

        @Override
        public void onBinaryMessage(DataChannel channel, byte[] data) {
            received.add(data);
            log.add("binary " + channel.label() + " " + data.length);
        }

        @Override
        public void onChannelClosed(DataChannel channel) {
            closed.add(channel);
            log.add("closed " + channel.id());
        }

        @Override
        public void onAssociationClosed(CloseReason reason, String detail) {
            associationClosed = reason;
        }

        @Override
        public void receive(byte[] packet, long now) {
            channels.receive(packet, now);
        }

        @Override
        public void handleTimeout(long now) {
            channels.handleTimeout(now);
        }

        @Override
        public long nextTimeout() {
            return channels.nextTimeout();
        }
    }

    private final VirtualNetwork net = new VirtualNetwork(10, 31);
    private final Side browser = new Side(1, net.fromA());
    private final Side instance = new Side(2, net.fromB());

    {
        net.attach(browser, instance);
    }

    private void connect() {
        browser.channels.association().connect(net.now());
        assertTrue(net.runUntil(() -> instance.channels.association().isEstablished()
                && browser.channels.association().isEstablished(), 10_000));
    }

    @Test
    void acceptsChannelsTheBrowserOpensAndDataSentRightAfterTheOpen() {
        // Chromium creates its channels before SCTP is up and sends at once, without waiting for our ACK.
        browser.channels.association().connect(net.now());
        DataChannel control = browser.channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        DataChannel files = browser.channels.open(2, "files", "bin/v1", ChannelType.RELIABLE, 256, 0, net.now());
        assertTrue(browser.channels.send(control, "{\"type\":\"input::key\"}", net.now()));
        assertTrue(browser.channels.send(files, new byte[] {1, 2, 3}, net.now()));
        assertTrue(net.runUntil(() -> instance.received.size() == 2, 10_000));
        assertEquals(List.of("open 0 control ", "open 2 files bin/v1", "text control {\"type\":\"input::key\"}",
                "binary files 3"), instance.log);
        assertEquals(List.of(0, 2), instance.opened.stream().map(DataChannel::id).toList());

        DataChannel accepted = instance.channels.channel(0).orElseThrow();
        assertTrue(instance.channels.send(accepted, "hello browser", net.now()));
        assertTrue(net.runUntil(() -> browser.received.size() == 1, 10_000));
        assertEquals("hello browser", browser.received.get(0));
        assertEquals(new DataChannels.Counters(0, 0, 0), instance.channels.counters());
    }

    @Test
    void emptyTextAndEmptyBinaryTravelAsPpid56And57AndComeBackTheSameWay() {
        connect();
        DataChannel control = browser.channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        browser.channels.send(control, "", net.now());
        browser.channels.send(control, new byte[0], net.now());
        assertTrue(net.runUntil(() -> instance.received.size() == 2, 10_000));
        assertEquals("", instance.received.get(0));
        assertArrayEquals(new byte[0], (byte[]) instance.received.get(1));

        DataChannel echo = instance.channels.channel(0).orElseThrow();
        instance.channels.send(echo, "", net.now());
        instance.channels.send(echo, new byte[0], net.now());
        assertTrue(net.runUntil(() -> browser.received.size() == 2, 10_000));
        assertEquals("", browser.received.get(0));
        assertArrayEquals(new byte[0], (byte[]) browser.received.get(1));
    }

    @Test
    void closingFromEitherSideCompletesTheResetDanceOnBoth() {
        connect();
        DataChannel a = browser.channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        DataChannel b = browser.channels.open(2, "named", "", ChannelType.RELIABLE, 256, 0, net.now());
        assertTrue(net.runUntil(() -> instance.opened.size() == 2, 10_000));

        browser.channels.close(a, net.now()); // as Chromium's channel.close()
        assertFalse(browser.channels.send(a, "too late", net.now()));
        assertTrue(net.runUntil(() -> browser.closed.size() == 1 && instance.closed.size() == 1, 10_000));
        assertEquals(0, instance.closed.get(0).id());
        assertTrue(instance.channels.channel(0).isEmpty());

        DataChannel named = instance.channels.channel(2).orElseThrow();
        instance.channels.close(named, net.now());
        assertTrue(net.runUntil(() -> browser.closed.size() == 2 && instance.closed.size() == 2, 10_000));
        assertEquals(b, browser.closed.get(1));

        // The stream can carry a new channel.
        browser.channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        assertTrue(net.runUntil(() -> instance.opened.size() == 3, 10_000));
        assertTrue(instance.channels.association().isEstablished());
    }

    @Test
    void unorderedUnreliableChannelsAreHonouredUnderLoss() {
        connect();
        DataChannel input = browser.channels.open(0, "input", "", ChannelType.PARTIAL_RELIABLE_REXMIT_UNORDERED, 256, 0,
                net.now());
        DataChannel control = browser.channels.open(2, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        assertTrue(net.runUntil(() -> instance.opened.size() == 2, 10_000));
        net.advance(100); // the ACK is back: from now on the opener sends unordered
        instance.received.clear();
        net.setLoss(0.2, 0.2);
        for (int i = 0; i < 200; i++) {
            browser.channels.send(input, "move " + i, net.now());
            net.advance(16);
        }
        browser.channels.send(control, "done", net.now());
        assertTrue(net.runUntil(() -> instance.received.contains("done"), 60_000));
        net.runUntil(() -> browser.channels.association().bufferedAmount() == 0, 60_000);
        long moves = instance.received.stream().filter(m -> ((String) m).startsWith("move")).count();
        assertTrue(moves < 200 && moves > 100, moves + " of 200 unreliable messages arrived");
        assertTrue(browser.channels.association().counters().messagesAbandoned() > 0);
        assertEquals(0, browser.channels.association().bufferedAmount(), "FORWARD TSN moved the peer past the losses");
    }

    @Test
    void thePeersAbortClosesEveryChannel() {
        connect();
        browser.channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, net.now());
        browser.channels.open(2, "named", "", ChannelType.RELIABLE, 256, 0, net.now());
        assertTrue(net.runUntil(() -> instance.opened.size() == 2, 10_000));
        browser.channels.association().abort("Close called"); // pc.close()
        assertTrue(net.runUntil(() -> instance.associationClosed != null, 10_000));
        assertEquals(CloseReason.PEER_ABORT, instance.associationClosed);
        assertEquals(2, instance.closed.size());
        assertTrue(instance.channels.channels().isEmpty());
    }

    @Test
    void dataOnAStreamWithoutChannelAndMalformedDcepAreDroppedAndCounted() {
        connect();
        browser.channels.association().send(4, DataChannels.PPID_STRING, "orphan".getBytes(), true, net.now());
        browser.channels.association().send(6, DataChannels.PPID_DCEP, new byte[] {0x03, 0x00}, true, net.now());
        browser.channels.association().send(6, 52, new byte[] {1}, true, net.now());
        assertTrue(net.runUntil(() -> instance.channels.counters().withoutChannel() == 2
                && instance.channels.counters().malformedDcep() == 1, 10_000));
        assertTrue(instance.received.isEmpty());
        assertTrue(instance.channels.association().isEstablished());
    }
}
