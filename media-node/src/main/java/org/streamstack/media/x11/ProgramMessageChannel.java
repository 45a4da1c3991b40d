package org.streamstack.media.x11;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessages;
import org.streamstack.protocol.control.MalformedControlMessageException;

/**
 * The message channel between a node and an X11 instance's program: a Unix domain socket in a
 * directory of the instance's own (mode 0700, removed with the channel), whose path the program
 * gets in {@value #ENVIRONMENT_VARIABLE}. The program connects as a client, one connection at a
 * time: a new connection replaces the one before.
 *
 * <p>Both ways, one JSON object per line (UTF-8, each line ended by {@code \n}), in the shape of
 * the control channel (PROTOCOL.md 6): {@code {"type":"<type>","data":<any JSON>}}. Node to
 * program: the client's out-of-band messages, their data as the client sent it, and its gamepad
 * events in their control-channel form ({@link #send}). Program to node: out-of-band messages for
 * the clients ({@link Listener#fromProgram}); a line longer than {@value #MAX_LINE_BYTES} bytes, a
 * line that is not such an object (not UTF-8, not JSON, no string type) and a line whose type
 * PROTOCOL.md 6 defines (those are the client's input, not the application's) are dropped and
 * counted, and the connection goes on.
 *
 * <p>Lines for the program wait in a queue of {@value #QUEUE_LENGTH} while no program is
 * connected or while it does not read; when it is full the oldest goes (counted). A line being
 * written when its connection breaks is lost (counted). Socket I/O runs on threads of the channel's
 * own, never the caller's: {@link #send} does not block.
 */
public final class ProgramMessageChannel implements AutoCloseable {

  /** The variable that tells the program where the socket is. */
  public static final String ENVIRONMENT_VARIABLE = "STREAMSTACK_MESSAGES_SOCKET";
  /** The longest line either way, its newline excluded. */
  public static final int MAX_LINE_BYTES = 64 * 1024;
  /** Lines for the program kept while it is not connected or not reading. */
  public static final int QUEUE_LENGTH = 256;

  /** Why lines were dropped, as counted. */
  public static final String MALFORMED = "malformed";
  public static final String TOO_LONG = "too-long";
  public static final String NOT_OUT_OF_BAND = "not-out-of-band";
  public static final String QUEUE_FULL = "queue-full";
  public static final String NOT_DELIVERED = "not-delivered";

  private static final Logger LOG = LoggerFactory.getLogger(ProgramMessageChannel.class);

  /** What the channel tells its instance, on the channel's threads. */
  public interface Listener {
    /** The program sent the clients this message. */
    void fromProgram(ControlMessage.OutOfBand message);

    /** A line was dropped, for {@code reason} (one of the constants above). */
    void dropped(String reason);

    /** A listener for a channel whose program's messages go nowhere: they are dropped. */
    Listener NONE = new Listener() {
      @Override
      public void fromProgram(ControlMessage.OutOfBand message) {}

      @Override
      public void dropped(String reason) {}
    };
  }

  private final String instanceId;
  private final Path directory;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Listener listener;
  /** Lines for the program, each UTF-8 with its newline, within the bound. */
  private final LinkedBlockingDeque<byte[]> toProgram = new LinkedBlockingDeque<>(QUEUE_LENGTH);
  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  private final Object connectionLock = new Object();
  private final AtomicLong connections = new AtomicLong();
  /** The program's connection; null while none. Guarded by {@link #connectionLock}. */
  private SocketChannel connection;
  private volatile boolean closed;
  private final Thread acceptor;
  private final Thread writer;

  private ProgramMessageChannel(String instanceId, Path directory, Path socket, ServerSocketChannel server,
      Listener listener) {
    this.instanceId = instanceId;
    this.directory = directory;
    this.socket = socket;
    this.server = server;
    this.listener = listener;
    this.acceptor = new Thread(this::acceptConnections, "x11-messages-accept-" + instanceId);
    this.writer = new Thread(this::writeLines, "x11-messages-write-" + instanceId);
    acceptor.setDaemon(true);
    writer.setDaemon(true);
  }

  /**
   * Opens the socket, in a new directory only the node's user can enter.
   *
   * @throws IOException when the directory or the socket cannot be made; nothing is left behind
   */
  public static ProgramMessageChannel open(String instanceId, Listener listener) throws IOException {
    Path directory = Files.createTempDirectory("streamstack-messages-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path socket = directory.resolve("messages");
    ServerSocketChannel server = null;
    try {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
    } catch (IOException | RuntimeException e) {
      if (server != null) server.close();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(directory);
      throw new IOException("cannot open the program's message socket in " + directory + ": " + e.getMessage(), e);
    }
    ProgramMessageChannel channel = new ProgramMessageChannel(instanceId, directory, socket, server, listener);
    channel.acceptor.start();
    channel.writer.start();
    return channel;
  }

  /** The socket's path, which the program gets in {@value #ENVIRONMENT_VARIABLE}. */
  public Path socket() {
    return socket;
  }

  /** How many lines were dropped for {@code reason}. */
  public long dropped(String reason) {
    AtomicLong count = dropped.get(reason);
    return count == null ? 0 : count.get();
  }

  /** How many connections the program has made. */
  public long connections() {
    return connections.get();
  }

  /**
   * Queues one message for the program, as one line: its control-channel form (an out-of-band
   * message's data as the client sent it). When the queue is full the oldest line goes.
   */
  public void send(ControlMessage message) {
    if (closed) return;
    // An out-of-band message's data is the client's text verbatim, where CR and LF can stand as
    // JSON whitespace; sent as they are they would end the line early and let a client write lines
    // of its own choosing. Inside valid JSON they can only be whitespace, so a space means the same.
    String text = ControlMessages.write(message).replace('\n', ' ').replace('\r', ' ');
    byte[] line = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (line.length > MAX_LINE_BYTES + 1) {
      // Checked before queueing, so that a line the program will never get takes no place from one it would.
      drop(TOO_LONG);
      return;
    }
    synchronized (toProgram) {
      while (!toProgram.offerLast(line)) {
        if (toProgram.pollFirst() != null) drop(QUEUE_FULL);
      }
    }
  }

  private void drop(String reason) {
    dropped.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    try {
      listener.dropped(reason);
    } catch (RuntimeException e) {
      LOG.warn("Instance {}: the message channel's listener failed", instanceId, e);
    }
  }

  private void acceptConnections() {
    while (!closed) {
      SocketChannel accepted;
      try {
        accepted = server.accept();
      } catch (IOException e) {
        if (!closed) LOG.warn("Instance {}: the program's message socket stops: {}", instanceId, e.getMessage());
        return;
      }
      SocketChannel replaced;
      synchronized (connectionLock) {
        if (closed) {
          closeQuietly(accepted);
          return;
        }
        replaced = connection;
        connection = accepted;
        connectionLock.notifyAll();
      }
      long number = connections.incrementAndGet();
      if (replaced != null) {
        closeQuietly(replaced);
        LOG.info("Instance {}: the program's new message connection replaces its last one", instanceId);
      } else {
        LOG.info("Instance {}: the program connected to its message socket", instanceId);
      }
      Thread reader = new Thread(() -> readLines(accepted), "x11-messages-read-" + instanceId + "-" + number);
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** Splits what the program sends into lines, within the bound; each whole line is handled. */
  private void readLines(SocketChannel from) {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean overlong = false;
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b == '\n') {
            if (overlong) {
              overlong = false;
            } else {
              onLine(line.toByteArray());
            }
            line.reset();
          } else if (!overlong) {
            if (line.size() >= MAX_LINE_BYTES) {
              // Counted once, at once; the rest of it, up to its newline, is skipped unread.
              overlong = true;
              line.reset();
              drop(TOO_LONG);
            } else {
              line.write(b);
            }
          }
        }
        buffer.clear();
      }
    } catch (ClosedChannelException e) {
      return; // replaced by a new connection, or the channel closed
    } catch (IOException e) {
      if (!closed) LOG.info("Instance {}: the program's message connection broke: {}", instanceId, e.getMessage());
    } finally {
      disconnected(from);
    }
  }

  private void onLine(byte[] bytes) {
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') length--;
    if (length == 0) return; // an empty line says nothing
    String text;
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length));
      text = chars.toString();
    } catch (CharacterCodingException e) {
      drop(MALFORMED);
      return;
    }
    ControlMessage message;
    try {
      message = ControlMessages.parse(text);
    } catch (MalformedControlMessageException e) {
      LOG.debug("Instance {}: a malformed line from the program dropped: {}", instanceId, e.getMessage());
      drop(MALFORMED);
      return;
    }
    if (message instanceof ControlMessage.OutOfBand outOfBand) {
      if (outOfBand.type().isEmpty()) {
        drop(MALFORMED);
        return;
      }
      listener.fromProgram(outOfBand);
    } else {
      drop(NOT_OUT_OF_BAND);
    }
  }

  private void disconnected(SocketChannel from) {
    synchronized (connectionLock) {
      if (connection == from) {
        connection = null;
        if (!closed) LOG.info("Instance {}: the program closed its message connection", instanceId);
      }
    }
    closeQuietly(from);
  }

  /**
   * Waits for a connection, then writes the queued lines to it, oldest first; each line goes to the
   * connection current when it is taken from the queue (a replaced one gets no more).
   */
  private void writeLines() {
    try {
      while (!closed) {
        synchronized (connectionLock) {
          while (connection == null && !closed) connectionLock.wait();
        }
        byte[] line = toProgram.takeFirst();
        SocketChannel to;
        synchronized (connectionLock) {
          to = connection;
        }
        if (to == null) {
          // Gone while the line was awaited: it waits again, at the front, for the next program.
          synchronized (toProgram) {
            if (!closed && !toProgram.offerFirst(line)) drop(QUEUE_FULL);
          }
          continue;
        }
        try {
          ByteBuffer out = ByteBuffer.wrap(line);
          while (out.hasRemaining()) to.write(out);
        } catch (IOException e) {
          if (!closed) drop(NOT_DELIVERED);
          disconnected(to);
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Closes the socket and the program's connection, stops the threads and removes the directory. */
  @Override
  public void close() {
    closed = true;
    SocketChannel last;
    synchronized (connectionLock) {
      last = connection;
      connection = null;
      connectionLock.notifyAll();
    }
    closeQuietly(server);
    if (last != null) closeQuietly(last);
    writer.interrupt();
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      LOG.warn("Instance {}: cannot remove its message socket {}: {}", instanceId, socket, e.getMessage());
    }
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing: nothing more to do
    }
  }
}
