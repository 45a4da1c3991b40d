package org.streamstack.media.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE agent of a controlled peer reduced to a socket that speaks STUN by hand (RFC 8489, RFC 8445 7.2
 * and 7.3), so that a test decides when each of its checks leaves: it answers every Binding request of the
 * node's and sends checks of its own only when told, as a browser with slow consent checks would.
 */
final class RawStunPeer implements AutoCloseable {

    /** A response to one of our checks: its STUN message type and, for an error, the ERROR-CODE. */
    record Answer(int type, int errorCode) {
        boolean success() {
            return type == BINDING_SUCCESS;
        }
    }

    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int USERNAME = 0x0006;
    private static final int MESSAGE_INTEGRITY = 0x0008;
    private static final int ERROR_CODE = 0x0009;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int PRIORITY = 0x0024;
    private static final int FINGERPRINT = 0x8028;
    private static final int ICE_CONTROLLED = 0x8029;
    private static final SecureRandom RANDOM = new SecureRandom();

    final String ufrag = "rawpeer" + Integer.toHexString(RANDOM.nextInt());
    final String password = "rawpeerpassword" + Long.toHexString(RANDOM.nextLong());
    private final DatagramSocket socket;
    private final InetSocketAddress node;
    private final String nodeUfrag;
    private final String nodePassword;
    private final BlockingQueue<byte[]> responses = new LinkedBlockingQueue<>();
    private final Thread reader;

    RawStunPeer(InetSocketAddress node, String nodeUfrag, String nodePassword) throws SocketException {
        this.socket = new DatagramSocket(0, node.getAddress());
        this.node = node;
        this.nodeUfrag = nodeUfrag;
        this.nodePassword = nodePassword;
        this.reader = new Thread(this::read, "raw-stun-peer");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends one check (a Binding request, without USE-CANDIDATE) and waits for its answer. */
    Answer check(long timeoutMillis) throws IOException, InterruptedException {
        byte[] transaction = new byte[12];
        RANDOM.nextBytes(transaction);
        ByteBuffer attributes = ByteBuffer.allocate(256);
        attribute(attributes, USERNAME, (nodeUfrag + ":" + ufrag).getBytes(StandardCharsets.UTF_8));
        attribute(attributes, PRIORITY, ByteBuffer.allocate(4).putInt(1862270975).array());
        attribute(attributes, ICE_CONTROLLED, ByteBuffer.allocate(8).putLong(RANDOM.nextLong()).array());
        send(message(BINDING_REQUEST, transaction, attributes, nodePassword));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            byte[] response = responses.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (response != null && Arrays.equals(transaction, Arrays.copyOfRange(response, 8, 20))) {
                return new Answer(u16(response, 0), errorCode(response));
            }
        }
        throw new IOException("no answer to our check within " + timeoutMillis + " ms");
    }

    private void read() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            byte[] message = Arrays.copyOf(packet.getData(), packet.getLength());
            if (message.length < 20 || ByteBuffer.wrap(message).getInt(4) != MAGIC_COOKIE) {
                continue;
            }
            if (u16(message, 0) == BINDING_REQUEST) {
                answer(message, (InetSocketAddress) packet.getSocketAddress());
            } else {
                responses.add(message);
            }
        }
    }

    /** RFC 8445 7.3: a success response with the source address as XOR-MAPPED-ADDRESS, signed with our password. */
    private void answer(byte[] request, InetSocketAddress from) {
        byte[] transaction = Arrays.copyOfRange(request, 8, 20);
        byte[] address = from.getAddress().getAddress();
        ByteBuffer mapped = ByteBuffer.allocate(8).put((byte) 0).put((byte) 1)
                .putShort((short) (from.getPort() ^ (MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < 4; i++) {
            mapped.put((byte) (address[i] ^ (MAGIC_COOKIE >>> (24 - 8 * i))));
        }
        ByteBuffer attributes = ByteBuffer.allocate(64);
        attribute(attributes, XOR_MAPPED_ADDRESS, mapped.array());
        try {
            send(message(BINDING_SUCCESS, transaction, attributes, password));
        } catch (IOException e) {
            // closed: the test is over
        }
    }

    private void send(byte[] message) throws IOException {
        socket.send(new DatagramPacket(message, message.length, node));
    }

    /** Header and attributes, then MESSAGE-INTEGRITY and FINGERPRINT (RFC 8489 14.5, 14.7). */
    private static byte[] message(int type, byte[] transaction, ByteBuffer attributes, String key) {
        int length = attributes.position();
        ByteBuffer out = ByteBuffer.allocate(20 + length + 24 + 8);
        out.putShort((short) type).putShort((short) (length + 24)).putInt(MAGIC_COOKIE).put(transaction);
        out.put(attributes.array(), 0, length);
        byte[] integrity = hmacSha1(key, Arrays.copyOf(out.array(), out.position()));
        out.putShort((short) MESSAGE_INTEGRITY).putShort((short) 20).put(integrity);
        out.putShort(2, (short) (length + 24 + 8));
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putShort((short) FINGERPRINT).putShort((short) 4).putInt((int) (crc.getValue() ^ 0x5354554EL));
        return out.array();
    }

    private static void attribute(ByteBuffer out, int type, byte[] value) {
        out.putShort((short) type).putShort((short) value.length).put(value);
        while (out.position() % 4 != 0) {
            out.put((byte) 0);
        }
    }

    private static int errorCode(byte[] message) {
        int at = 20;
        while (at + 4 <= message.length) {
            int type = u16(message, at);
            int length = u16(message, at + 2);
            if (type == ERROR_CODE && length >= 4) {
                return (message[at + 6] & 0x07) * 100 + (message[at + 7] & 0xFF);
            }
            at += 4 + ((length + 3) & ~3);
        }
        return 0;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static byte[] hmacSha1(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
