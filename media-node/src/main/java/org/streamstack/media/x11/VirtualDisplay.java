package org.streamstack.media.x11;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.media.process.ChildProcesses;

/**
 * One Xvfb X server of its own for one instance: {@code Xvfb -displayfd 1 -screen 0 WxHx24
 * -nolisten tcp -auth <file>}. Xvfb picks the first free display number itself and takes it with
 * its lock file ({@code /tmp/.X<n>-lock}), so two instances, or an instance and any other X server
 * on the machine, never share a display; it writes the number on {@code -displayfd} once it
 * accepts connections, which is when this class returns.
 *
 * <p>Its screen can be resized while programs run on it ({@link #resize}, through RandR, as a
 * session joined with a new screen asks): Xvfb's RandR resizes within the framebuffer it started
 * with, so it starts with a framebuffer of at least {@link #LARGEST_SCREEN_WIDTH} x {@link
 * #LARGEST_SCREEN_HEIGHT} (the largest size an instance grows to, unless it started larger) and
 * sets its screen to the asked size at once.
 *
 * <p>Only clients with the display's fresh MIT-MAGIC-COOKIE-1 may connect: the program of the
 * instance (given {@link #xauthorityFile()}), and this node through an {@link X11Connection} that
 * then lets the node's own user in without a cookie ({@code si:localuser}), because FFmpeg's X11
 * grabber finds cookies only through the process-wide {@code XAUTHORITY}. Other local users stay
 * out.
 */
public final class VirtualDisplay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VirtualDisplay.class);
  private static final long START_TIMEOUT_SECONDS = 10;

  /** The framebuffer every display starts with at least: 1080p, 8 MB. */
  public static final int LARGEST_SCREEN_WIDTH = 1920;
  public static final int LARGEST_SCREEN_HEIGHT = 1080;
  /** RandR's command line client (Debian package x11-xserver-utils). */
  public static final String XRANDR = "xrandr";
  /** Xvfb's only RandR output. */
  private static final String OUTPUT = "screen";

  private final Process server;
  private final int number;
  private final Path authorityFile;
  private final byte[] cookie;
  private final X11Connection connection;
  private final int framebufferWidth;
  private final int framebufferHeight;
  private volatile int width;
  private volatile int height;

  private VirtualDisplay(Process server, int number, Path authorityFile, byte[] cookie, X11Connection connection,
      int framebufferWidth, int framebufferHeight) {
    this.server = server;
    this.number = number;
    this.authorityFile = authorityFile;
    this.cookie = cookie;
    this.connection = connection;
    this.framebufferWidth = framebufferWidth;
    this.framebufferHeight = framebufferHeight;
    this.width = framebufferWidth;
    this.height = framebufferHeight;
  }

  /**
   * Starts an X server of {@code width x height} pixels, 24-bit colour, and connects to it.
   *
   * @throws IOException when Xvfb is missing, does not start in time, or refuses us
   */
  public static VirtualDisplay start(String xvfb, int width, int height) throws IOException {
    byte[] cookie = XAuthority.newCookie();
    Path authority = Files.createTempFile("streamstack-xauth-", "",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    // Xvfb loads every cookie of the file whatever its display number; the right number is written
    // once Xvfb says which display it took, for the program's libXau.
    Files.write(authority, XAuthority.entry(0, cookie));
    // Without xrandr the screen can never be resized: no larger framebuffer than asked for.
    boolean resizable = xrandrPresent();
    int framebufferWidth = resizable ? Math.max(width, LARGEST_SCREEN_WIDTH) : width;
    int framebufferHeight = resizable ? Math.max(height, LARGEST_SCREEN_HEIGHT) : height;
    List<String> command = new ArrayList<>(List.of(xvfb, "-displayfd", "1", "-screen", "0",
        framebufferWidth + "x" + framebufferHeight + "x24", "-nolisten", "tcp", "-auth", authority.toString()));
    Process server;
    try {
      server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      Files.deleteIfExists(authority);
      throw new IOException("cannot run " + xvfb + " (Debian package xvfb): " + e.getMessage(), e);
    }
    try {
      int number = readDisplayNumber(server);
      Files.write(authority, XAuthority.entry(number, cookie));
      X11Connection connection = X11Connection.open(number, cookie);
      VirtualDisplay display;
      try {
        connection.allowLocalUser(System.getProperty("user.name"));
        // Our connection stays open from here on: Xvfb resets itself (forgetting RandR modes)
        // whenever its last client leaves, and xrandr is a client that leaves.
        display = new VirtualDisplay(server, number, authority, cookie, connection, framebufferWidth,
            framebufferHeight);
        if (width != framebufferWidth || height != framebufferHeight) display.resize(width, height);
      } catch (IOException | RuntimeException e) {
        connection.close();
        throw e;
      }
      LOG.info("Display :{} started: Xvfb {}x{} (resizable up to {}x{}, pid {}), cookie in {}", number, width,
          height, framebufferWidth, framebufferHeight, server.pid(), authority);
      return display;
    } catch (IOException | RuntimeException e) {
      ChildProcesses.stop(server);
      Files.deleteIfExists(authority);
      throw e;
    }
  }

  private static int readDisplayNumber(Process server) throws IOException {
    // The pipe stays open after the line: Xvfb writes nothing more to it, and a closed pipe would
    // kill it with SIGPIPE if it ever did.
    BufferedReader reader = new BufferedReader(
        new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return reader.readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String text;
    try {
      text = line.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException("Xvfb did not report a display within " + START_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while Xvfb started");
    } catch (ExecutionException e) {
      throw new IOException("reading Xvfb's display number: " + e.getCause().getMessage());
    }
    if (text == null || !text.trim().matches("\\d{1,5}")) {
      String exit = server.isAlive() ? "" : " (it exited with status " + server.exitValue() + ")";
      throw new IOException("Xvfb did not start" + exit + "; it wrote '" + text + "' for its display number");
    }
    return Integer.parseInt(text.trim());
  }

  private static volatile Boolean xrandrFound;

  /** Whether xrandr is on the PATH; said once in the log when it is not. */
  static boolean xrandrPresent() {
    Boolean found = xrandrFound;
    if (found != null) return found;
    String path = System.getenv().getOrDefault("PATH", "");
    found = false;
    for (String directory : path.split(java.io.File.pathSeparator)) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, XRANDR))) {
        found = true;
        break;
      }
    }
    if (!found) {
      LOG.warn("{} not found (Debian package x11-xserver-utils): X11 displays keep their size, a join with a new"
          + " screen cannot resize them", XRANDR);
    }
    xrandrFound = found;
    return found;
  }

  /** The display number {@code n} of {@code :n}. */
  public int number() {
    return number;
  }

  /** The value of {@code DISPLAY} for programs on it. */
  public String name() {
    return ":" + number;
  }

  /** The authority file holding the display's cookie: the program's {@code XAUTHORITY}. */
  public Path xauthorityFile() {
    return authorityFile;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /**
   * Resizes the screen to {@code width x height} through RandR, as a monitor changing mode: a
   * mode of that size is made and added to Xvfb's output (both fail harmlessly when it exists),
   * then the screen and the output take it. Programs get RandR's and the root window's notices.
   *
   * @throws IOException when the size is past the framebuffer, or xrandr is missing or refuses;
   *     the screen keeps its size then
   */
  public synchronized void resize(int width, int height) throws IOException {
    if (width < 1 || height < 1 || width > framebufferWidth || height > framebufferHeight) {
      throw new IOException("display :" + number + " resizes up to " + framebufferWidth + "x" + framebufferHeight
          + ", not to " + width + "x" + height);
    }
    String mode = width + "x" + height;
    String w = Integer.toString(width);
    String h = Integer.toString(height);
    xrandr(false, "--newmode", mode, "0", w, w, w, w, h, h, h, h);
    xrandr(false, "--addmode", OUTPUT, mode);
    xrandr(true, "--fb", mode, "--output", OUTPUT, "--mode", mode);
    X11Codec.Size now = connection.screenSize();
    if (now.width() != width || now.height() != height) {
      throw new IOException("display :" + number + " is " + now.width() + "x" + now.height() + " after xrandr, not "
          + mode);
    }
    this.width = width;
    this.height = height;
    LOG.info("Display :{} resized to {}", number, mode);
  }

  private void xrandr(boolean mustSucceed, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of(XRANDR));
    command.addAll(List.of(arguments));
    // Its output goes to a file, not a pipe read here: reading a pipe to its end would wait as long
    // as xrandr hangs, and the timeout below would never be reached.
    Path outputFile = Files.createTempFile("streamstack-xrandr-", ".txt");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(outputFile.toFile());
      builder.environment().put("DISPLAY", name());
      builder.environment().put("XAUTHORITY", authorityFile.toString());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IOException("cannot run " + XRANDR + " (Debian package x11-xserver-utils): " + e.getMessage(), e);
      }
      try {
        if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          ChildProcesses.stop(process);
          throw new IOException(XRANDR + " " + String.join(" ", arguments) + " did not finish within "
              + START_TIMEOUT_SECONDS + " s on display :" + number + "; stopped");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while resizing display :" + number);
      }
      if (mustSucceed && process.exitValue() != 0) {
        String output = new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8).trim();
        throw new IOException(XRANDR + " " + String.join(" ", arguments) + " failed on display :" + number
            + " (status " + process.exitValue() + "): " + output);
      }
    } finally {
      Files.deleteIfExists(outputFile);
    }
  }

  /** The node's connection to the display: input goes through it. */
  public X11Connection connection() {
    return connection;
  }

  /** Whether the X server still runs. */
  public boolean alive() {
    return server.isAlive();
  }

  /** Stops the X server (its clients lose their connection) and deletes the cookie. */
  @Override
  public void close() {
    connection.close();
    ChildProcesses.stop(server);
    try {
      Files.deleteIfExists(authorityFile);
    } catch (IOException e) {
      LOG.warn("Display :{}: could not delete its authority file {}: {}", number, authorityFile, e.getMessage());
    }
    LOG.info("Display :{} stopped", number);
  }

  byte[] cookie() {
    return cookie.clone();
  }
}
