package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.app.SyntheticApplication;

/**
 * The data channels of PROTOCOL.md 5 and 6 with real headless Chromium: the page opens
 * {@code control} and a named channel in-band; input on {@code control} changes the pictures it
 * decodes; the synthetic application echoes out-of-band messages and channel data, which gives
 * the round trip page → application → page. Figures are printed, not asserted.
 */
class ChromiumDataChannelTest extends BrowserTest {

  private void startAndWaitForControl() {
    fixture.startSession("VP8", Map.of("channels", "blob"));
    Await.until("the control channel to open", Duration.ofSeconds(15),
        () -> fixture.browser.number("streamStats.controlOpenAt") > 0);
  }

  @Test
  void controlOpensWithinASecondOfIceConnecting() {
    startAndWaitForControl();
    long ice = fixture.browser.number("streamStats.iceConnectedAt");
    long control = fixture.browser.number("streamStats.controlOpenAt");
    System.out.printf("control open %d ms after ICE connected%n", control - ice);
    assertTrue(ice > 0 && control - ice <= 1000, "control opened " + (control - ice) + " ms after ICE connected");
  }

  @Test
  void thousandMessagesEachWayArriveCompleteAndInOrderAndTheRoundTripIsMeasured() throws Exception {
    startAndWaitForControl();
    @SuppressWarnings("unchecked")
    List<Number> roundTrips = (List<Number>) fixture.browser.asyncScript("""
        const done = arguments[arguments.length - 1];
        const times = [];
        let next = 0;
        const sent = new Map();
        const received = [];
        const control = window.__control || null;
        const start = streamStats.control.length;
        function check() {
          const fresh = streamStats.control.slice(start);
          if (fresh.length >= 1000) {
            const order = fresh.slice(0, 1000).map(m => JSON.parse(m).data.n);
            done({times, order});
            return;
          }
          setTimeout(check, 10);
        }
        // One at a time for the round trip; then a burst of 1000 for order and completeness.
        async function pingPong() {
          for (let i = 0; i < 1000; i++) {
            const echoed = nextControl();
            const t0 = performance.now();
            sendControl({type: 'app::echo', data: {n: -1, i}});
            await echoed;
            times.push(performance.now() - t0);
          }
          streamStats.control.length = 0;
        }
        pingPong().then(() => {
          for (let n = 0; n < 1000; n++) sendControl({type: 'app::echo', data: {n}});
          const begin = 0;
          (function wait() {
            if (streamStats.control.length >= 1000) {
              done(streamStats.control.slice(0, 1000).map(m => JSON.parse(m).data.n).concat(times));
            } else setTimeout(wait, 10);
          })();
        });
        """);
    List<Number> order = roundTrips.subList(0, 1000);
    for (int n = 0; n < 1000; n++) assertEquals(n, order.get(n).intValue(), "message " + n + " in order");
    double[] times = roundTrips.subList(1000, roundTrips.size()).stream().mapToDouble(Number::doubleValue).sorted().toArray();
    System.out.printf("control round trip page -> application -> page over %d messages: p50 %.2f ms, p99 %.2f ms%n",
        times.length, times[times.length / 2], times[(int) Math.ceil(times.length * 0.99) - 1]);
    var stats = fixture.peerStats();
    assertTrue(stats.controlMessagesIn() >= 1200 && stats.controlMessagesOut() >= 1200, stats.toString());
  }

  @Test
  void a256KibMessageOnANamedChannelArrivesIntactAndThroughputIsMeasured() {
    startAndWaitForControl();
    Await.until("the named channel to open", Duration.ofSeconds(5),
        () -> Boolean.TRUE.equals(fixture.browser.script("return streamStats.channels.blob.open;")));
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) fixture.browser.asyncScript("""
        const done = arguments[arguments.length - 1];
        const size = 256 * 1024;
        const message = new Uint8Array(size);
        for (let i = 0; i < size; i++) message[i] = (i * 31 + 7) & 0xff;
        const received = streamStats.channels.blob.received;
        const t0 = performance.now();
        sendOnChannel('blob', message.buffer);
        (function wait() {
          if (received.length >= 1) {
            const echo = new Uint8Array(received[0]);
            let same = echo.length === size;
            for (let i = 0; same && i < size; i++) same = echo[i] === message[i];
            const oneMs = performance.now() - t0;
            // Throughput: 16 more messages of 256 KiB there and back.
            const t1 = performance.now();
            for (let k = 0; k < 16; k++) sendOnChannel('blob', message.buffer);
            (function more() {
              if (received.length >= 17) {
                const ms = performance.now() - t1;
                done({intact: same, length: echo.length, roundTripMs: oneMs, bytes: 2 * 16 * size, ms});
              } else setTimeout(more, 5);
            })();
          } else setTimeout(wait, 5);
        })();
        """);
    System.out.println("256 KiB result " + result + "; " + fixture.peerStats());
    assertEquals(Boolean.TRUE, result.get("intact"), "the 256 KiB message came back byte for byte: " + result);
    double megabytesPerSecond = ((Number) result.get("bytes")).doubleValue() / 1e6 / (((Number) result.get("ms")).doubleValue() / 1000);
    System.out.printf("256 KiB round trip %.1f ms; data channel throughput %.1f MB/s (both directions counted)%n",
        ((Number) result.get("roundTripMs")).doubleValue(), megabytesPerSecond);
  }

  @Test
  void inputOnControlChangesTheDecodedPicture() {
    startAndWaitForControl();
    Await.until("frames", Duration.ofSeconds(10), () -> fixture.decodedFrames() > 10);
    SyntheticApplication.Region swatch = new SyntheticApplication(1280, 720).inputSwatch();
    @SuppressWarnings("unchecked")
    List<Long> before = (List<Long>) fixture.browser.script(
        "return pixelAt(" + swatch.centreX() + "," + swatch.centreY() + ");");
    fixture.browser.script("sendControl({type:'input::key', data:{code:30, pressed:true}});"
        + "sendControl({type:'input::key', data:{code:30, pressed:false}});");
    Await.until("the swatch to change colour", Duration.ofSeconds(3), () -> !before.equals(
        fixture.browser.script("return pixelAt(" + swatch.centreX() + "," + swatch.centreY() + ");")));

    fixture.browser.script("sendControl({type:'input::mouse-move', data:{x:600, y:400, rx:0, ry:0}});");
    Await.until("the cursor to be drawn where the mouse moved", Duration.ofSeconds(3), () -> {
      @SuppressWarnings("unchecked")
      List<Long> pixel = (List<Long>) fixture.browser.script("return pixelAt(600, 400);");
      return pixel.stream().allMatch(channel -> channel > 200);
    });
    @SuppressWarnings("unchecked")
    List<Long> after = (List<Long>) fixture.browser.script(
        "return pixelAt(" + swatch.centreX() + "," + swatch.centreY() + ");");
    assertNotEquals(before, after);
  }

  @Test
  void streamDisconnectIsReportedAsTheClientLeaving() throws Exception {
    startAndWaitForControl();
    fixture.browser.script("sendControl({type:'stream::disconnect', data:{}});");
    Await.until("the peer to report the client leaving", Duration.ofSeconds(5),
        () -> "the client sent stream::disconnect".equals(fixture.peerStats().clientLeftReason()));
  }
}
