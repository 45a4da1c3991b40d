package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.peer.PeerStats;

/** SCTP retransmission against real Chromium: 10 % of the media node's outgoing DTLS records lost. */
class ChromiumDataLossTest extends BrowserTest {

  @Override
  protected String mediaSettings() {
    return "streamstack.media.peer.simulated-outgoing-loss = 0.10";
  }

  @Test
  void everyMessageArrivesInOrderWhenTenPercentOfOutgoingRecordsAreLost() {
    fixture.startSession("VP8", Map.of());
    Await.until("the control channel to open", Duration.ofSeconds(20),
        () -> fixture.browser.number("streamStats.controlOpenAt") > 0);
    @SuppressWarnings("unchecked")
    List<Number> order = (List<Number>) fixture.browser.asyncScript("""
        const done = arguments[arguments.length - 1];
        streamStats.control.length = 0;
        for (let n = 0; n < 1000; n++) sendControl({type: 'app::echo', data: {n}});
        (function wait() {
          if (streamStats.control.length >= 1000) done(streamStats.control.map(m => JSON.parse(m).data.n));
          else setTimeout(wait, 20);
        })();
        """);
    assertEquals(1000, order.size());
    for (int n = 0; n < 1000; n++) assertEquals(n, order.get(n).intValue(), "echo " + n + " in order");
    PeerStats stats = fixture.peerStats();
    System.out.printf("10%% record loss: %d records dropped, %s%n", stats.dataRecordsDroppedBySimulatedLoss(),
        stats.sctp());
    assertTrue(stats.dataRecordsDroppedBySimulatedLoss() > 10, "records were lost on purpose: " + stats);
    assertTrue(stats.sctp().retransmissions() > 0, "and sent again: " + stats.sctp());
  }
}
