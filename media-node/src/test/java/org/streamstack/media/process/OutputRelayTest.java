package org.streamstack.media.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;

class OutputRelayTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void linesPastTheBudgetOfAWindowAreCountedAndTheCountIsLoggedWhenTheNextWindowStarts() {
    OutputRelay relay = new OutputRelay(60 * SECOND, 3);
    assertEquals(List.of("a"), relay.offer("a", 0));
    assertEquals(List.of("b"), relay.offer("b", SECOND));
    assertEquals(List.of("c"), relay.offer("c", 2 * SECOND));
    assertEquals(List.of(), relay.offer("d", 3 * SECOND));
    assertEquals(List.of(), relay.offer("e", 59 * SECOND));
    assertEquals(List.of("2 more lines not logged (at most 3 a minute are)", "f"), relay.offer("f", 60 * SECOND));
    assertEquals(List.of(), relay.end(), "nothing withheld since");
  }

  @Test
  void longLinesAreCutAndWhatWasWithheldAtTheEndIsSaid() {
    OutputRelay relay = new OutputRelay(60 * SECOND, 1);
    String line = "x".repeat(OutputRelay.MAX_LINE_CHARS + 500);
    String logged = relay.offer(line, 0).get(0);
    assertTrue(logged.startsWith("x".repeat(OutputRelay.MAX_LINE_CHARS) + "... (1500 characters, cut)"), logged);
    relay.offer("withheld", SECOND);
    assertEquals(List.of("1 more lines not logged (at most 1 a minute are)"), relay.end());
  }

  @Test
  void aFloodOfOutputIsReadToItsEndButOnlyTheBudgetIsLogged() {
    StringBuilder flood = new StringBuilder();
    for (int i = 0; i < 10_000; i++) flood.append("line ").append(i).append('\n');
    List<String> logged = new CopyOnWriteArrayList<>();
    OutputRelay.start("test-output", new ByteArrayInputStream(flood.toString().getBytes(StandardCharsets.UTF_8)),
        logged::add);
    Await.until("the flood read to its end", Duration.ofSeconds(10),
        () -> logged.size() == OutputRelay.LINES_PER_MINUTE + 1);
    assertEquals("line 0", logged.get(0));
    assertEquals((10_000 - OutputRelay.LINES_PER_MINUTE) + " more lines not logged (at most "
        + OutputRelay.LINES_PER_MINUTE + " a minute are)", logged.get(logged.size() - 1));
  }

  @Test
  void outputWithoutNewlinesIsCutAsItIsReadAndTheLineAfterItIsLogged() {
    long flood = 10_000_000;
    // Made as it is read, so that the test itself holds no 10 MB; "ok" follows the flood's newline.
    InputStream endless = new InputStream() {
      private long position;

      @Override
      public int read() {
        if (position < flood) {
          position++;
          return 'x';
        }
        byte[] tail = "\nok\n".getBytes(StandardCharsets.US_ASCII);
        int index = (int) (position++ - flood);
        return index < tail.length ? tail[index] : -1;
      }

      @Override
      public int read(byte[] into, int offset, int length) {
        int count = 0;
        while (count < length) {
          int b = read();
          if (b < 0) return count == 0 ? -1 : count;
          into[offset + count++] = (byte) b;
        }
        return count;
      }
    };
    List<String> logged = new CopyOnWriteArrayList<>();
    OutputRelay.start("test-output", endless, logged::add);
    Await.until("the flood and the line after it", Duration.ofSeconds(30), () -> logged.size() == 2);
    assertEquals("x".repeat(OutputRelay.MAX_LINE_CHARS) + "... (" + flood + " characters, cut)", logged.get(0));
    assertEquals("ok", logged.get(1));
  }

  @Test
  void linesEndAsReadLineEndsThem() {
    List<String> logged = new CopyOnWriteArrayList<>();
    OutputRelay.start("test-output",
        new ByteArrayInputStream("a\r\nb\rc\n\nd".getBytes(StandardCharsets.UTF_8)), logged::add);
    Await.until("every line", Duration.ofSeconds(10), () -> logged.size() == 5);
    assertEquals(List.of("a", "b", "c", "", "d"), logged);
  }
}
