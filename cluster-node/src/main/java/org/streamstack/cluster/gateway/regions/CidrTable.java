package org.streamstack.cluster.gateway.regions;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.streamstack.protocol.nats.Subjects;

/**
 * The operator's table of client networks and the region each belongs to (setting
 * {@code streamstack.gateway.routing.cidr-regions}). The longest matching prefix wins, as in IP
 * routing (RFC 4632 5.1), so a /24 carved out of a /8 goes to its own region. IPv4 and IPv6
 * networks are separate tables: an IPv4 client never matches an IPv6 network.
 */
public final class CidrTable {

  /** A network of the table and its region. */
  public record Entry(Cidr network, String region) {}

  public static final CidrTable EMPTY = new CidrTable(List.of());

  /** Prefix length → network address (host bits cleared) → entry; longest prefix first. */
  private final TreeMap<Integer, Map<ByteBuffer, Entry>> byLength = new TreeMap<>(java.util.Comparator.reverseOrder());

  private CidrTable(List<Entry> entries) {
    for (Entry entry : entries) {
      Map<ByteBuffer, Entry> networks = byLength.computeIfAbsent(entry.network().prefixLength(), length -> new HashMap<>());
      ByteBuffer key = ByteBuffer.wrap(entry.network().network().getAddress());
      Entry before = networks.putIfAbsent(key, entry);
      if (before != null && !before.region().equals(entry.region())) {
        throw new IllegalArgumentException("network " + entry.network() + " is given twice, to region " + before.region()
            + " and to region " + entry.region());
      }
    }
  }

  /**
   * Parses entries {@code NETWORK=REGION} separated by commas or white space, such as
   * {@code "10.0.0.0/8=eu, 10.1.0.0/16=us, 2001:db8::/32=eu"}. A malformed entry is an error naming it.
   */
  public static CidrTable parse(String text) {
    List<Entry> entries = new ArrayList<>();
    for (String item : text.split("[,\\s]+")) {
      if (item.isEmpty()) continue;
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new IllegalArgumentException("'" + item + "' is not NETWORK=REGION (such as 10.0.0.0/8=eu)");
      }
      String region = item.substring(eq + 1);
      if (!Subjects.isToken(region)) {
        throw new IllegalArgumentException("'" + item + "': region '" + region + "' must be letters, digits, - and _");
      }
      Cidr network;
      try {
        network = Cidr.parse(item.substring(0, eq));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + item + "': " + e.getMessage());
      }
      entries.add(new Entry(network, region));
    }
    return new CidrTable(entries);
  }

  /** The entry with the longest prefix that holds {@code address}, if any. */
  public Optional<Entry> lookup(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Map.Entry<Integer, Map<ByteBuffer, Entry>> level : byLength.entrySet()) {
      if (level.getKey() > bytes.length * 8) continue;
      Entry entry = level.getValue().get(ByteBuffer.wrap(Cidr.masked(bytes, level.getKey())));
      // Same bytes, other family is impossible: IPv4 keys are 4 bytes, IPv6 keys 16.
      if (entry != null) return Optional.of(entry);
    }
    return Optional.empty();
  }

  public boolean isEmpty() {
    return byLength.isEmpty();
  }
}
