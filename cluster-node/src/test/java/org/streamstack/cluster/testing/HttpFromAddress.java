package org.streamstack.cluster.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * A minimal HTTP/1.1 client whose socket is bound to a chosen local address (Java's HttpClient
 * cannot bind one), so that a test on loopback can be a client from 127.0.1.2 as well as from
 * 127.0.0.2: Linux routes all of 127.0.0.0/8 to the loopback interface. One request per connection.
 */
public final class HttpFromAddress {

  public record Reply(int status, String body) {
    public JsonNode json() {
      try {
        return ApiJson.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText();
    }
  }

  private final String localAddress;

  public HttpFromAddress(String localAddress) {
    this.localAddress = localAddress;
  }

  /** POSTs {@code body} as JSON to 127.0.0.1:{@code port}{@code path} with a bearer token and extra headers. */
  public Reply post(int port, String path, Object body, String token, Map<String, String> headers) {
    byte[] json;
    try {
      json = ApiJson.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Host", "127.0.0.1:" + port);
    all.put("Authorization", "Bearer " + token);
    all.put("Content-Type", "application/json");
    all.put("Content-Length", Integer.toString(json.length));
    all.put("Connection", "close");
    all.putAll(headers);
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
    all.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(json);
      out.flush();
      return read(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path + " from " + localAddress + " failed", e);
    }
  }

  private static Reply read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("no complete response: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].toLowerCase(Locale.ROOT);
      chunked |= line.startsWith("transfer-encoding:") && line.contains("chunked");
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (chunked) body = unchunk(body);
    return new Reply(status, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = indexOfCrLf(chunked, at);
      int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
      if (size == 0) return body.toByteArray();
      body.write(chunked, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static int indexOfCrLf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') return i;
    }
    throw new IllegalStateException("malformed chunked body");
  }
}
