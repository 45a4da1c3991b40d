package org.streamstack.cluster.gateway.regions;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GeoIP database an operator supplies: a MaxMind DB file (MaxMind's GeoLite2/GeoIP2 Country or
 * City, or another vendor's file with the same record layout), read through MaxMind's reader. It
 * answers the country and continent of an address; which region that means is the mapping's business.
 */
public final class GeoIpDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GeoIpDatabase.class);

  /** Where an address is, as far as the database knows: codes or null. */
  public record Location(String country, String continent) {}

  private final Reader reader;
  private final Path path;
  private final AtomicLong failedLookups = new AtomicLong();

  private GeoIpDatabase(Reader reader, Path path) {
    this.reader = reader;
    this.path = path;
  }

  /** Opens {@code path}; a file that is missing, unreadable or not a MaxMind DB is an error saying so. */
  public static GeoIpDatabase open(Path path) {
    if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no such file: " + path);
    if (!Files.isReadable(path)) throw new IllegalArgumentException("cannot read " + path + " (permissions)");
    Reader reader;
    try {
      reader = new Reader(new File(path.toString()), Reader.FileMode.MEMORY_MAPPED);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(path + " is not a MaxMind DB file: " + e.getMessage(), e);
    }
    Metadata metadata = reader.getMetadata();
    String type = metadata.getDatabaseType();
    log.info("GeoIP database {}: {} built {}, IPv{}", path, type, metadata.getBuildDate().toInstant(),
        metadata.getIpVersion());
    if (type == null || !(type.contains("Country") || type.contains("City"))) {
      log.warn("GeoIP database {} is of type {}: routing expects Country or City records (country.iso_code,"
          + " continent.code); addresses it has no such records for are routed by the other rules", path, type);
    }
    return new GeoIpDatabase(reader, path);
  }

  /** The country and continent of {@code address}, or empty when the database does not know it. */
  public Optional<Location> locate(InetAddress address) {
    Map<?, ?> record;
    try {
      record = reader.get(address, Map.class);
    } catch (IOException | RuntimeException e) {
      long failed = failedLookups.incrementAndGet();
      log.warn("GeoIP lookup of {} in {} failed ({} so far): {}", address.getHostAddress(), path, failed, e.toString());
      return Optional.empty();
    }
    if (record == null) return Optional.empty();
    String country = code(record, "country", "iso_code");
    // Anonymous proxies and satellite providers have no country of their own; the registration still says where.
    if (country == null) country = code(record, "registered_country", "iso_code");
    String continent = code(record, "continent", "code");
    if (country == null && continent == null) return Optional.empty();
    return Optional.of(new Location(country, continent));
  }

  private static String code(Map<?, ?> record, String section, String field) {
    Object part = record.get(section);
    if (!(part instanceof Map<?, ?> map)) return null;
    Object value = map.get(field);
    return value instanceof String code && !code.isEmpty() ? code : null;
  }

  /** Lookups that failed on a damaged record since the database was opened. */
  public long failedLookups() {
    return failedLookups.get();
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      log.debug("Closing {}: {}", path, e.toString());
    }
  }
}
