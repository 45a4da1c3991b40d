package org.streamstack.media.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Relays the lines a child process writes (an X11 program's output, a recorder's errors) to the
 * log, on a daemon thread of its own, within bounds: a program is the application's, not ours, and
 * a chatty or hostile one must not flood the node's log. A line longer than {@link
 * #MAX_LINE_CHARS} is cut; past {@link #LINES_PER_MINUTE} lines in a minute the rest are counted,
 * not logged, and their number is logged once the minute is over (or the output ends). Reading
 * goes on regardless, so that the process never blocks on a full pipe.
 */
public final class OutputRelay {

  public static final int MAX_LINE_CHARS = 1_000;
  public static final int LINES_PER_MINUTE = 120;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final long windowNanos;
  private final int linesPerWindow;
  private long windowStart;
  private boolean started;
  private int logged;
  private long withheld;

  OutputRelay(long windowNanos, int linesPerWindow) {
    this.windowNanos = windowNanos;
    this.linesPerWindow = linesPerWindow;
  }

  /**
   * Starts relaying {@code output} to {@code log}, one call per line to log, on a daemon thread
   * named {@code threadName}; the thread ends with the output.
   */
  public static void start(String threadName, InputStream output, Consumer<String> log) {
    OutputRelay relay = new OutputRelay(MINUTE_NANOS, LINES_PER_MINUTE);
    Thread thread = new Thread(() -> {
      try (Reader reader = new InputStreamReader(output, StandardCharsets.UTF_8)) {
        relay.relay(reader, log);
      } catch (IOException e) {
        // the process ended and its pipe closed
      }
      relay.end().forEach(log);
    }, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Reads lines to the end of {@code reader}, ended as {@link java.io.BufferedReader#readLine} ends
   * them ({@code \n}, {@code \r} or both). Of each line only its first {@link #MAX_LINE_CHARS}
   * characters are kept, the rest only counted: a program that writes without newlines must not
   * grow the node's heap.
   */
  void relay(Reader reader, Consumer<String> log) throws IOException {
    char[] buffer = new char[8192];
    StringBuilder kept = new StringBuilder();
    long length = 0;
    boolean inLine = false;
    boolean afterCarriageReturn = false;
    int read;
    while ((read = reader.read(buffer)) >= 0) {
      for (int i = 0; i < read; i++) {
        char c = buffer[i];
        if (c == '\n' && afterCarriageReturn) {
          afterCarriageReturn = false; // the second half of a \r\n
        } else if (c == '\n' || c == '\r') {
          offer(kept.toString(), length, System.nanoTime()).forEach(log);
          kept.setLength(0);
          length = 0;
          inLine = false;
          afterCarriageReturn = c == '\r';
        } else {
          if (kept.length() < MAX_LINE_CHARS) kept.append(c);
          length++;
          inLine = true;
          afterCarriageReturn = false;
        }
      }
    }
    if (inLine) offer(kept.toString(), length, System.nanoTime()).forEach(log);
  }

  /** What to log for one more line read at {@code nowNanos}: nothing, the line, or a count and the line. */
  List<String> offer(String line, long nowNanos) {
    return offer(line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS), line.length(), nowNanos);
  }

  /** As {@link #offer(String, long)}, for a line of {@code length} characters of which {@code kept} are its first. */
  private List<String> offer(String kept, long length, long nowNanos) {
    List<String> toLog = new ArrayList<>(2);
    if (!started || nowNanos - windowStart >= windowNanos) {
      summary().ifPresent(toLog::add);
      started = true;
      windowStart = nowNanos;
      logged = 0;
    }
    if (logged < linesPerWindow) {
      logged++;
      toLog.add(length <= MAX_LINE_CHARS ? kept
          : kept.substring(0, Math.min(kept.length(), MAX_LINE_CHARS)) + "... (" + length + " characters, cut)");
    } else {
      withheld++;
    }
    return toLog;
  }

  /** What to log once the output has ended: the count of lines not logged, if any. */
  List<String> end() {
    return summary().map(List::of).orElse(List.of());
  }

  private java.util.Optional<String> summary() {
    if (withheld == 0) return java.util.Optional.empty();
    String text = withheld + " more lines not logged (at most " + linesPerWindow + " a minute are)";
    withheld = 0;
    return java.util.Optional.of(text);
  }
}
