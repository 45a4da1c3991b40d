package org.streamstack.media.x11;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a local X server over its unix socket ({@code /tmp/.X11-unix/X<n>}), speaking
 * the few requests of {@link X11Codec}: injecting input through XTEST, reading the pointer back,
 * and opening the display to the node's own user. Blocking and thread-safe (one request at a
 * time); the X server answers a local client within microseconds.
 *
 * <p>We select no events, so what arrives is replies and errors. XTestFakeInput has no reply: an
 * error it causes arrives later and is logged and counted when the next reply is read. So that
 * errors never pile up unread, a round trip follows every {@link #ROUND_TRIP_EVERY} requests
 * without a reply.
 */
public final class X11Connection implements AutoCloseable {

  /** Largest reply body accepted (QueryExtension, QueryPointer and the setup replies are far smaller). */
  private static final long MAX_REPLY_EXTRA_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(X11Connection.class);

  /** Where X servers put their local sockets. */
  public static final Path SOCKET_DIRECTORY = Path.of("/tmp/.X11-unix");

  private final SocketChannel channel;
  private final int display;
  private final X11Codec.SetupAccepted setup;
  private final int xtestOpcode;
  private int sequence;
  private int sinceLastReply;
  private long errors;

  /** Requests without a reply after which we read what the server has sent. */
  static final int ROUND_TRIP_EVERY = 512;

  private X11Connection(SocketChannel channel, int display, X11Codec.SetupAccepted setup) throws IOException {
    this.channel = channel;
    this.display = display;
    this.setup = setup;
    X11Codec.ExtensionReply xtest = X11Codec.parseQueryExtensionReply(request(X11Codec.queryExtension("XTEST")));
    if (!xtest.present()) throw new IOException("display :" + display + " has no XTEST extension");
    this.xtestOpcode = xtest.majorOpcode();
  }

  /** Connects to display {@code :display} with its MIT-MAGIC-COOKIE-1 (an empty cookie: no authorization). */
  public static X11Connection open(int display, byte[] cookie) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(SOCKET_DIRECTORY.resolve("X" + display)));
    try {
      String authName = cookie.length == 0 ? "" : X11Codec.MIT_MAGIC_COOKIE;
      write(channel, X11Codec.setupRequest(authName, cookie));
      ByteBuffer head = read(channel, X11Codec.SETUP_HEAD);
      ByteBuffer whole = ByteBuffer.allocate(X11Codec.setupReplyLength(head));
      whole.put(head.flip());
      whole.put(read(channel, whole.remaining()).flip());
      X11Codec.SetupReply reply = X11Codec.parseSetupReply(whole.flip());
      if (reply instanceof X11Codec.SetupRefused refused) {
        throw new IOException("display :" + display + " refused the connection: " + refused.reason().trim());
      }
      return new X11Connection(channel, display, (X11Codec.SetupAccepted) reply);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public int display() {
    return display;
  }

  public X11Codec.SetupAccepted setup() {
    return setup;
  }

  /** Moves the pointer to {@code x, y} on the root window (XTestFakeInput MotionNotify, absolute). */
  public synchronized void movePointer(int x, int y) throws IOException {
    send(X11Codec.fakeInput(xtestOpcode, X11Codec.MOTION_NOTIFY, 0, setup.rootWindow(), x, y));
  }

  /**
   * Moves the pointer by {@code dx, dy} from where it is (XTestFakeInput MotionNotify with detail
   * True: relative, XTEST 2.2 "XTestFakeInput"); the server keeps it on the screen. The offsets
   * travel as INT16.
   */
  public synchronized void movePointerBy(int dx, int dy) throws IOException {
    send(X11Codec.fakeInput(xtestOpcode, X11Codec.MOTION_NOTIFY, X11Codec.RELATIVE_MOTION, 0, dx, dy));
  }

  /** Presses or releases pointer button {@code button} (1 left, 2 middle, 3 right, 4-7 wheel). */
  public synchronized void button(int button, boolean pressed) throws IOException {
    send(X11Codec.fakeInput(xtestOpcode, pressed ? X11Codec.BUTTON_PRESS : X11Codec.BUTTON_RELEASE, button, 0, 0, 0));
  }

  /** Presses or releases the key of X keycode {@code keycode}. */
  public synchronized void key(int keycode, boolean pressed) throws IOException {
    send(X11Codec.fakeInput(xtestOpcode, pressed ? X11Codec.KEY_PRESS : X11Codec.KEY_RELEASE, keycode, 0, 0, 0));
  }

  /** Where the pointer is now; a round trip, so every input sent before has been applied. */
  public synchronized X11Codec.PointerReply queryPointer() throws IOException {
    return X11Codec.parseQueryPointerReply(request(X11Codec.queryPointer(setup.rootWindow())));
  }

  /** The screen's size now (its root window's geometry). */
  public synchronized X11Codec.Size screenSize() throws IOException {
    return X11Codec.parseGetGeometryReply(request(X11Codec.getGeometry(setup.rootWindow())));
  }

  /** Lets every process of local user {@code user} connect without the cookie. */
  public synchronized void allowLocalUser(String user) throws IOException {
    send(X11Codec.allowLocalUser(user));
    queryPointer(); // a round trip: an error (BadAccess) would show up in the log before we go on
  }

  /** Errors the server reported on requests that have no reply (fake input, host changes). */
  public synchronized long errors() {
    return errors;
  }

  private void send(byte[] request) throws IOException {
    write(channel, request);
    sequence = (sequence + 1) & 0xFFFF;
    if (++sinceLastReply >= ROUND_TRIP_EVERY) queryPointer();
  }

  /** Sends a request that has a reply and returns the whole reply; errors on earlier requests are logged. */
  private ByteBuffer request(byte[] request) throws IOException {
    write(channel, request);
    sequence = (sequence + 1) & 0xFFFF;
    sinceLastReply = 0;
    int expected = sequence;
    while (true) {
      ByteBuffer head = read(channel, X11Codec.HEADER).flip();
      switch (X11Codec.kind(head)) {
        case ERROR -> {
          X11Codec.X11Error error = X11Codec.parseError(head);
          if (error.sequence() == expected) throw new IOException("display :" + display + ": " + error);
          errors++;
          LOG.warn("Display :{} reports an error on an earlier request: {}", display, error);
        }
        case EVENT -> LOG.debug("Display :{} sent an event of type {} we did not ask for", display, head.get(0));
        case REPLY -> {
          long announced = X11Codec.replyExtraBytes(head);
          // The replies we ask for carry a few bytes at most; a huge length is a broken stream.
          if (announced > MAX_REPLY_EXTRA_BYTES) {
            throw new IOException("display :" + display + " announced a reply of " + announced + " bytes");
          }
          int extra = (int) announced;
          ByteBuffer reply = ByteBuffer.allocate(X11Codec.HEADER + extra).order(ByteOrder.LITTLE_ENDIAN);
          reply.put(head);
          if (extra > 0) reply.put(read(channel, extra).flip());
          reply.flip();
          if (X11Codec.sequence(reply) == expected) return reply;
          LOG.warn("Display :{} sent a reply to request {}, expected {}: skipped", display, X11Codec.sequence(reply),
              expected);
        }
      }
    }
  }

  private static void write(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) channel.write(buffer);
  }

  private static ByteBuffer read(SocketChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) throw new IOException("the X server closed the connection");
    }
    return buffer;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing the connection to display :{}: {}", display, e.getMessage());
    }
  }
}
