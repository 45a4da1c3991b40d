package org.streamstack.media.x11;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessages;

/** The program's message socket, with the test as the program: lines both ways, bounds, replacement, cleanup. */
class ProgramMessageChannelTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final LinkedBlockingQueue<ControlMessage.OutOfBand> fromProgram = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> drops = new LinkedBlockingQueue<>();
  private ProgramMessageChannel channel;

  @BeforeEach
  void open() throws IOException {
    channel = ProgramMessageChannel.open("channel-test", new ProgramMessageChannel.Listener() {
      @Override
      public void fromProgram(ControlMessage.OutOfBand message) {
        fromProgram.add(message);
      }

      @Override
      public void dropped(String reason) {
        drops.add(reason);
      }
    });
  }

  @AfterEach
  void close() {
    channel.close();
  }

  private SocketChannel connect() throws IOException {
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    socket.connect(UnixDomainSocketAddress.of(channel.socket()));
    return socket;
  }

  private static BufferedReader reader(SocketChannel socket) {
    return new BufferedReader(new InputStreamReader(Channels.newInputStream(socket), StandardCharsets.UTF_8));
  }

  private static void write(SocketChannel socket, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) socket.write(buffer);
  }

  private static void write(SocketChannel socket, String text) throws IOException {
    write(socket, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theSocketIsInAPrivateDirectoryThatGoesWithTheChannel() throws Exception {
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(channel.socket().getParent())));
    assertTrue(Files.exists(channel.socket()));
    try (SocketChannel program = connect()) {
      Await.until("the connection", WAIT, () -> channel.connections() == 1);
      channel.close();
      assertFalse(Files.exists(channel.socket().getParent()));
      assertEquals(-1, program.read(ByteBuffer.allocate(16)), "closing the channel closes the program's connection");
    }
  }

  @Test
  void messagesWaitForTheProgramAndReachItAsLinesInTheirControlChannelForm() throws Exception {
    channel.send(new ControlMessage.OutOfBand("app::hello", "{\"n\": 1, \"s\":\"é\"}"));
    channel.send(new ControlMessage.GamepadButton(0, 3, true));
    channel.send(new ControlMessage.GamepadAxes(1, 0, -0.5));
    try (SocketChannel program = connect()) {
      BufferedReader lines = reader(program);
      assertEquals("{\"type\":\"app::hello\",\"data\":{\"n\": 1, \"s\":\"é\"}}", lines.readLine());
      assertEquals("{\"type\":\"input::gamepad-button\",\"data\":{\"id\":0,\"index\":3,\"pressed\":true}}",
          lines.readLine());
      assertEquals("{\"type\":\"input::gamepad-axes\",\"data\":{\"id\":1,\"index\":0,\"value\":-0.5}}",
          lines.readLine());
    }
  }

  @Test
  void withoutAProgramTheQueueKeepsTheNewestAndCountsWhatItDrops() throws Exception {
    int extra = 10;
    for (int i = 0; i < ProgramMessageChannel.QUEUE_LENGTH + extra; i++) {
      channel.send(new ControlMessage.OutOfBand("app::n", Integer.toString(i)));
    }
    assertEquals(extra, channel.dropped(ProgramMessageChannel.QUEUE_FULL));
    try (SocketChannel program = connect()) {
      BufferedReader lines = reader(program);
      for (int i = extra; i < ProgramMessageChannel.QUEUE_LENGTH + extra; i++) {
        assertEquals("{\"type\":\"app::n\",\"data\":" + i + "}", lines.readLine());
      }
    }
  }

  @Test
  void theProgramsLinesBecomeOutOfBandMessagesAndBadOnesAreDroppedAndCounted() throws Exception {
    try (SocketChannel program = connect()) {
      write(program, "{\"type\":\"app::ready\",\"data\":{\"level\":3}}\n");
      assertEquals(new ControlMessage.OutOfBand("app::ready", "{\"level\":3}"), fromProgram.poll(10, TimeUnit.SECONDS));
      write(program, "not json\n");
      write(program, "[1,2]\n");
      write(program, "{\"data\":{}}\n");
      write(program, "{\"type\":\"app::a\",\"type\":\"app::b\"}\n");
      write(program, new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xc3, '"', '}', '\n'});
      write(program, "{\"type\":\"input::key\",\"data\":{\"code\":30,\"pressed\":true}}\n");
      // Over the bound, sent in pieces: dropped once, and the line after it is read as ever.
      String huge = "{\"type\":\"app::huge\",\"data\":\"" + "y".repeat(ProgramMessageChannel.MAX_LINE_BYTES) + "\"}\n";
      write(program, huge.substring(0, 10_000));
      write(program, huge.substring(10_000));
      write(program, "\n{\"type\":\"app::after\"}\r\n");
      assertEquals(new ControlMessage.OutOfBand("app::after", "null"), fromProgram.poll(10, TimeUnit.SECONDS));
      assertEquals(5, channel.dropped(ProgramMessageChannel.MALFORMED));
      assertEquals(1, channel.dropped(ProgramMessageChannel.NOT_OUT_OF_BAND));
      assertEquals(1, channel.dropped(ProgramMessageChannel.TOO_LONG));
      assertEquals(7, drops.size(), drops.toString());
      assertNull(fromProgram.poll());
      // A line just at the bound still passes.
      String prefix = "{\"type\":\"app::big\",\"data\":\"";
      String atBound = prefix + "z".repeat(ProgramMessageChannel.MAX_LINE_BYTES - prefix.length() - 2) + "\"}";
      assertEquals(ProgramMessageChannel.MAX_LINE_BYTES, atBound.length());
      write(program, atBound + "\n");
      ControlMessage.OutOfBand big = fromProgram.poll(10, TimeUnit.SECONDS);
      assertEquals("app::big", big.type());
    }
  }

  @Test
  void aClientsLineBreaksInsideItsDataCannotSplitItsMessageIntoLinesOfItsChoosing() throws Exception {
    // Valid JSON whose whitespace is CR and LF, laid out so that its middle line would be a message of its own.
    String data = "{\"a\":\r\n{\"type\":\"app::forged\",\"data\":1}\n}";
    channel.send(new ControlMessage.OutOfBand("app::note", data));
    channel.send(new ControlMessage.OutOfBand("app::next", "2"));
    try (SocketChannel program = connect()) {
      BufferedReader lines = reader(program);
      String line = lines.readLine();
      ControlMessage.OutOfBand received = (ControlMessage.OutOfBand) ControlMessages.parse(line);
      assertEquals("app::note", received.type());
      assertEquals("{\"a\":  {\"type\":\"app::forged\",\"data\":1} }", received.data());
      assertEquals("{\"type\":\"app::next\",\"data\":2}", lines.readLine(), "the next line is the next message");
    }
  }

  @Test
  void aLineOverTheBoundIsDroppedWhenSentAndPushesNoWaitingLineOut() throws Exception {
    for (int i = 0; i < ProgramMessageChannel.QUEUE_LENGTH; i++) {
      channel.send(new ControlMessage.OutOfBand("app::n", Integer.toString(i)));
    }
    channel.send(new ControlMessage.OutOfBand("app::huge",
        "\"" + "y".repeat(ProgramMessageChannel.MAX_LINE_BYTES) + "\""));
    assertEquals(1, channel.dropped(ProgramMessageChannel.TOO_LONG));
    assertEquals(0, channel.dropped(ProgramMessageChannel.QUEUE_FULL));
    try (SocketChannel program = connect()) {
      BufferedReader lines = reader(program);
      for (int i = 0; i < ProgramMessageChannel.QUEUE_LENGTH; i++) {
        assertEquals("{\"type\":\"app::n\",\"data\":" + i + "}", lines.readLine());
      }
    }
  }

  @Test
  void aNewConnectionReplacesTheOldOne() throws Exception {
    try (SocketChannel first = connect()) {
      Await.until("the first connection", WAIT, () -> channel.connections() == 1);
      try (SocketChannel second = connect()) {
        Await.until("the second connection", WAIT, () -> channel.connections() == 2);
        assertEquals(-1, first.read(ByteBuffer.allocate(16)), "the first connection is closed");
        channel.send(new ControlMessage.OutOfBand("app::to-second", "{}"));
        assertEquals("{\"type\":\"app::to-second\",\"data\":{}}", reader(second).readLine());
        write(second, "{\"type\":\"app::from-second\",\"data\":[]}\n");
        assertEquals(List.of(new ControlMessage.OutOfBand("app::from-second", "[]")),
            List.of(fromProgram.poll(10, TimeUnit.SECONDS)));
      }
    }
  }
}
