package org.streamstack.cluster.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15 (Debian package {@code postgresql}, {@code /usr/lib/postgresql/15/bin}) in
 * a temporary directory on a free loopback port, for one test class (or one benchmark), with one
 * database {@value #DATABASE} owned by the superuser {@value #USER}, trusted without a password.
 * PostgreSQL refuses to run as root: a root JVM runs it as the system user {@code postgres},
 * which then owns the directory. {@link #close} stops it and deletes the directory.
 *
 * <p>For tests fsync is off: the data is thrown away after the test, and a test machine's disk
 * should not set the pace. {@link #startDurable} keeps PostgreSQL's defaults (fsync on), for
 * benchmarks. Either way the server is small (64 MB shared buffers, 200 connections).
 */
public final class Postgres implements AutoCloseable {

  public static final String USER = "streamstack";
  public static final String DATABASE = "journal";
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final String SYSTEM_USER = "postgres";

  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private final boolean fsync;
  private final boolean asSystemUser;
  private Process server;

  private Postgres(Path dir, int port, boolean fsync) {
    this.fsync = fsync;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    this.port = port;
    this.asSystemUser = "root".equals(System.getProperty("user.name"));
  }

  /** Whether PostgreSQL 15 is installed here ({@code apt-get install postgresql}). */
  public static boolean installed() {
    return Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("initdb"));
  }

  /** Creates, starts and opens a fresh server; throws with its log when it does not come up within 30 s. */
  public static Postgres start() {
    return start(false);
  }

  /** A fresh server that writes through to the disk as PostgreSQL does by default (fsync on). */
  public static Postgres startDurable() {
    return start(true);
  }

  private static Postgres start(boolean fsync) {
    if (!installed()) {
      throw new IllegalStateException("PostgreSQL 15 is not installed in " + BIN + " (apt-get install postgresql)");
    }
    Postgres postgres;
    try {
      postgres = new Postgres(Files.createTempDirectory("streamstack-postgres-"), FreePorts.next(), fsync);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      postgres.initialise();
      postgres.launch();
      postgres.createDatabase();
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
    // A test JVM that ends without closing (a crash, an abort) does not leave a server behind.
    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "postgres-stop"));
    return postgres;
  }

  public int port() {
    return port;
  }

  /** The journal location ({@code --journal}) of the database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  /** HOCON a cluster member takes to use the database as its journal, beside {@code --journal jdbcUrl()}. */
  public String journalSettings() {
    return "streamstack.journal.user = \"" + USER + "\"\nstreamstack.journal.password = \"\"\n";
  }

  /** An open connection to the database, as its owner. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, "");
  }

  public Path log() {
    return log;
  }

  /**
   * CPU time the server has used so far, in nanoseconds (Linux /proc): the postmaster, its
   * running backends and the backends that have ended. -1 where it cannot be read.
   */
  public long cpuNanos() {
    if (server == null) return -1;
    long postmaster = server.pid();
    long ticks = 0;
    try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path process : (Iterable<Path>) processes::iterator) {
        String name = process.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        long[] stat = stat(process.resolve("stat"));
        if (stat == null) continue;
        if (Long.parseLong(name) == postmaster) {
          ticks += stat[1] + stat[2] + stat[3] + stat[4];
        } else if (stat[0] == postmaster) {
          ticks += stat[1] + stat[2];
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
    // USER_HZ is 100 on Linux.
    return ticks * 10_000_000L;
  }

  /** ppid, utime, stime, cutime, cstime of /proc/PID/stat (fields 4, 14-17); null if gone. */
  private static long[] stat(Path file) {
    try {
      String text = Files.readString(file);
      // The command name (field 2) is in parentheses and may hold spaces.
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
          Long.parseLong(fields[13]), Long.parseLong(fields[14])};
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  private void initialise() {
    try {
      if (asSystemUser) giveToSystemUser(dir);
      run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
          "-E", "UTF8", "--locale=C", "--no-sync"), Duration.ofSeconds(60));
    } catch (IOException e) {
      throw new UncheckedIOException("initdb in " + data + " failed", e);
    }
  }

  private void launch() {
    List<String> command = asUser(List.of(BIN.resolve("postgres").toString(), "-D", data.toString(),
        "-c", "listen_addresses=127.0.0.1", "-c", "port=" + port,
        // The socket beside the data, not in /var/run/postgresql (which may not exist or be shared).
        "-c", "unix_socket_directories=" + dir,
        "-c", "fsync=" + (fsync ? "on" : "off"), "-c", "max_connections=200", "-c", "shared_buffers=64MB"));
    try {
      server = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) throw new IllegalStateException("postgres exited at start: " + logText());
      try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "")) {
        return;
      } catch (SQLException notYet) {
        last = notYet;
        sleep(100);
      }
    }
    throw new IllegalStateException("postgres did not accept connections on port " + port + " within 30 s ("
        + last + "): " + logText());
  }

  private void createDatabase() {
    createDatabase(DATABASE);
  }

  /** Creates another, empty database on this server, owned by {@value #USER}; returns its JDBC URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("not a plain database name: " + name);
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "");
        Statement statement = db.createStatement()) {
      statement.execute("CREATE DATABASE " + name + " OWNER " + USER);
    } catch (SQLException e) {
      throw new IllegalStateException("CREATE DATABASE " + name + " failed: " + e.getMessage(), e);
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** Stops the server (fast shutdown: open connections are ended) and deletes its directory. */
  @Override
  public synchronized void close() {
    if (server != null && server.isAlive()) {
      try {
        run(List.of(BIN.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast", "-w", "-t", "20"),
            Duration.ofSeconds(30));
      } catch (IOException | RuntimeException e) {
        // It did not stop by itself: it is ended below.
      }
      try {
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    server = null;
    deleteRecursively(dir);
  }

  private List<String> asUser(List<String> command) {
    if (!asSystemUser) return command;
    List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER,
        "--init-groups", "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private void run(List<String> command, Duration timeout) throws IOException {
    // Into a file, not a pipe read to its end: reading would wait for the process however long it hangs.
    Path output = Files.createTempFile("postgres-command-", ".log");
    try {
      Process process = new ProcessBuilder(asUser(command)).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IOException(String.join(" ", command) + " did not finish within " + timeout + ": "
              + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
            + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static void giveToSystemUser(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName(SYSTEM_USER));
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory left behind is not worth failing a test for
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
