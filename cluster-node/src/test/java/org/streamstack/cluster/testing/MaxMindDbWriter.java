package org.streamstack.cluster.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/) for tests: an
 * IPv6 search tree with 24-bit records, IPv4 networks in the IPv4-compatible range ::a.b.c.d/96+n
 * where readers look for them, a data section and the metadata. Networks may not nest.
 *
 * <p>Values: String, Integer (uint32), Long and {@link Uint64} (uint64), {@link Uint16}, Double,
 * Boolean, Map with String keys (map) and List (array).
 */
public final class MaxMindDbWriter {

  public record Uint16(int value) {}

  public record Uint64(long value) {}

  /** Section "Data Section Separator": 16 zero bytes between the tree and the data. */
  private static final int SEPARATOR = 16;
  private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF,
      'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'};

  /** A tree node: each side is null (no data), a Node, or a Integer (index of a record). */
  private static final class Node {
    final Object[] sides = new Object[2];
  }

  private final String databaseType;
  private final Node root = new Node();
  private final List<Map<String, Object>> records = new ArrayList<>();

  public MaxMindDbWriter(String databaseType) {
    this.databaseType = databaseType;
  }

  /** A record laid out as GeoLite2-Country's are. */
  public static Map<String, Object> countryRecord(String country, String continent) {
    // Names long enough to need one and two extra size bytes come before the codes, so that a
    // wrong size would derail the reading of the codes.
    Map<String, Object> countryPart = new LinkedHashMap<>();
    countryPart.put("names", Map.of("en", "A country with a name of forty letters..", "de", "x".repeat(300)));
    countryPart.put("geoname_id", 2921044);
    countryPart.put("is_in_european_union", true);
    countryPart.put("iso_code", country);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("continent", Map.of("code", continent, "geoname_id", 6255148, "names", Map.of("en", "Somewhere")));
    record.put("country", countryPart);
    record.put("registered_country", Map.of("iso_code", country));
    return record;
  }

  /** Adds {@code network} (CIDR, IPv4 or IPv6) with its record. */
  public MaxMindDbWriter add(String network, Map<String, Object> record) {
    String[] parts = network.split("/");
    byte[] address;
    try {
      address = InetAddress.getByName(parts[0]).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(network, e);
    }
    int length = Integer.parseInt(parts[1]);
    byte[] bits = new byte[16];
    if (address.length == 4) {
      System.arraycopy(address, 0, bits, 12, 4);
      length += 96;
    } else {
      bits = address;
    }
    if (length < 1 || length > 128) throw new IllegalArgumentException("prefix length of " + network);
    records.add(record);
    int index = records.size() - 1;
    Node node = root;
    for (int depth = 0; depth < length; depth++) {
      int bit = (bits[depth / 8] >> (7 - depth % 8)) & 1;
      Object side = node.sides[bit];
      if (depth == length - 1) {
        if (side != null) throw new IllegalArgumentException(network + " overlaps a network added before");
        node.sides[bit] = index;
      } else {
        if (side instanceof Integer) throw new IllegalArgumentException(network + " lies in a network added before");
        if (side == null) node.sides[bit] = new Node();
        node = (Node) node.sides[bit];
      }
    }
    return this;
  }

  public void write(Path file) {
    try {
      Files.write(file, toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] toBytes() {
    // Section "Binary Search Tree Section": nodes numbered breadth first, the root is node 0.
    List<Node> nodes = new ArrayList<>();
    IdentityHashMap<Node, Integer> numbers = new IdentityHashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      numbers.put(node, nodes.size());
      nodes.add(node);
      for (Object side : node.sides) {
        if (side instanceof Node child) queue.add(child);
      }
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int[] offsets = new int[records.size()];
    for (int i = 0; i < records.size(); i++) {
      offsets[i] = data.size();
      encode(records.get(i), data);
    }
    int nodeCount = nodes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node node : nodes) {
      for (Object side : node.sides) {
        long record;
        if (side == null) record = nodeCount; // "no data": the record equals the node count
        else if (side instanceof Node child) record = numbers.get(child);
        else record = nodeCount + SEPARATOR + offsets[(Integer) side]; // a pointer into the data section
        if (record >= 1L << 24) throw new IllegalStateException("too big for 24-bit records");
        out.write((int) (record >> 16) & 0xFF);
        out.write((int) (record >> 8) & 0xFF);
        out.write((int) record & 0xFF);
      }
    }
    out.writeBytes(new byte[SEPARATOR]);
    out.writeBytes(data.toByteArray());
    out.writeBytes(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", nodeCount);
    metadata.put("record_size", new Uint16(24));
    metadata.put("ip_version", new Uint16(6));
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new Uint16(2));
    metadata.put("binary_format_minor_version", new Uint16(0));
    metadata.put("build_epoch", new Uint64(1_700_000_000L));
    metadata.put("description", Map.of("en", "test database of " + records.size() + " networks"));
    encode(metadata, out);
    return out.toByteArray();
  }

  // Section "Output Data Section": a control byte with the type (3 bits) and size (5 bits).

  private static void encode(Object value, ByteArrayOutputStream out) {
    if (value instanceof String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      control(2, utf8.length, out);
      out.writeBytes(utf8);
    } else if (value instanceof Double number) {
      control(3, 8, out);
      long bits = Double.doubleToLongBits(number);
      for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (bits >> shift) & 0xFF);
    } else if (value instanceof Uint16 number) {
      unsigned(5, number.value(), out);
    } else if (value instanceof Integer number) {
      unsigned(6, Integer.toUnsignedLong(number), out);
    } else if (value instanceof Long number) {
      unsigned(9, number, out);
    } else if (value instanceof Uint64 number) {
      unsigned(9, number.value(), out);
    } else if (value instanceof Boolean flag) {
      control(14, flag ? 1 : 0, out);
    } else if (value instanceof Map<?, ?> map) {
      control(7, map.size(), out);
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        encode((String) entry.getKey(), out);
        encode(entry.getValue(), out);
      }
    } else if (value instanceof List<?> list) {
      control(11, list.size(), out);
      for (Object element : list) encode(element, out);
    } else {
      throw new IllegalArgumentException("no MaxMind DB type for " + value);
    }
  }

  /** An unsigned integer in as few big-endian bytes as it needs (the size is the byte count). */
  private static void unsigned(int type, long value, ByteArrayOutputStream out) {
    int bytes = 0;
    while (bytes < 8 && (value >>> (bytes * 8)) != 0) bytes++;
    control(type, bytes, out);
    for (int i = bytes - 1; i >= 0; i--) out.write((int) (value >>> (i * 8)) & 0xFF);
  }

  /**
   * Types above 7 are "extended": type bits 0 and the next byte holding type - 7. Sizes of 29 and
   * more continue in 1, 2 or 3 bytes after that.
   */
  private static void control(int type, int size, ByteArrayOutputStream out) {
    int sizeBits;
    byte[] sizeBytes;
    if (size < 29) {
      sizeBits = size;
      sizeBytes = new byte[0];
    } else if (size < 285) {
      sizeBits = 29;
      sizeBytes = new byte[] {(byte) (size - 29)};
    } else if (size < 65_821) {
      sizeBits = 30;
      int rest = size - 285;
      sizeBytes = new byte[] {(byte) (rest >> 8), (byte) rest};
    } else {
      sizeBits = 31;
      int rest = size - 65_821;
      sizeBytes = new byte[] {(byte) (rest >> 16), (byte) (rest >> 8), (byte) rest};
    }
    if (type <= 7) {
      out.write((type << 5) | sizeBits);
    } else {
      out.write(sizeBits);
      out.write(type - 7);
    }
    out.writeBytes(sizeBytes);
  }
}
