package org.streamstack.media.x11;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A program for X11 instances in tests, run as its own process with the test classpath: it
 * connects to the socket named by {@code STREAMSTACK_MESSAGES_SOCKET} (and writes its path to the
 * file named by its first argument plus {@code .socket}), appends each line it gets to
 * the file named by its first argument, and answers each with {@code {"type":"echo::<type>",
 * "data":<data>}}. A message of type {@code test::misbehave} makes it first send what the node must
 * drop: a line that is not JSON, one over 64 KiB, one of an input type and one not UTF-8.
 */
public final class EchoingMessageProgram {

  public static void main(String[] args) throws IOException {
    Path record = Path.of(args[0]);
    Files.writeString(record, "", StandardCharsets.UTF_8);
    ObjectMapper mapper = new ObjectMapper();
    Path socket = Path.of(System.getenv(ProgramMessageChannel.ENVIRONMENT_VARIABLE));
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      Files.writeString(Path.of(args[0] + ".socket"), socket.toString(), StandardCharsets.UTF_8);
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
          StandardCharsets.UTF_8));
      OutputStream out = Channels.newOutputStream(channel);
      String line;
      while ((line = in.readLine()) != null) {
        Files.writeString(record, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        JsonNode message = mapper.readTree(line);
        String type = message.path("type").asText();
        if (type.equals("test::misbehave")) {
          out.write("this is not JSON\n".getBytes(StandardCharsets.UTF_8));
          out.write(("{\"type\":\"test::huge\",\"data\":\"" + "x".repeat(70 * 1024) + "\"}\n")
              .getBytes(StandardCharsets.UTF_8));
          out.write("{\"type\":\"input::key\",\"data\":{\"code\":30,\"pressed\":true}}\n".getBytes(StandardCharsets.UTF_8));
          out.write(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xff, '"', '}', '\n'});
        }
        String echo = "{\"type\":" + mapper.writeValueAsString("echo::" + type) + ",\"data\":"
            + mapper.writeValueAsString(message.get("data")) + "}\n";
        out.write(echo.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }
}
