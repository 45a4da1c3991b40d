package org.streamstack.media.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The Prometheus metrics of one media node, aggregated over its streams (one registry per actor
 * system: tests run several nodes in one JVM). Peers and encoders report what they did; a tick
 * every second turns the frame and byte counts into the fps and bitrate gauges, averaged per
 * stream over the last {@link #WINDOW_SECONDS} seconds.
 */
public final class MediaMetrics implements Extension {

  public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;
  static final int WINDOW_SECONDS = 5;

  private static final class Id extends ExtensionId<MediaMetrics> {
    @Override
    public MediaMetrics createExtension(ActorSystem<?> system) {
      MediaMetrics metrics = new MediaMetrics();
      system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1), metrics::tick,
          system.executionContext());
      return metrics;
    }
  }

  private static final Id ID = new Id();

  public static MediaMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final CollectorRegistry registry = new CollectorRegistry();
  private final Gauge streams;
  private final Gauge fps;
  private final Gauge bitrate;
  private final Counter framesSent;
  private final Counter bytesSent;
  private final Histogram encodeSeconds;
  private final Counter packetsLost;
  private final Counter packetsRetransmitted;
  private final Counter viewPeerMessagesDropped;
  private final Counter sharePeersRefused;
  private final Counter shareFramesDropped;
  private final Counter programMessagesDropped;
  /** Frames and bytes sent at each of the last ticks, oldest first, and when. */
  private final double[] framesAt = new double[WINDOW_SECONDS + 1];
  private final double[] bytesAt = new double[WINDOW_SECONDS + 1];
  private final long[] nanosAt = new long[WINDOW_SECONDS + 1];
  private int ticks;

  private MediaMetrics() {
    streams = Gauge.build().name("streamstack_streams")
        .help("Streams (connected WebRTC peers) this node sends video to").register(registry);
    fps = Gauge.build().name("streamstack_stream_fps")
        .help("Video frames sent per second per stream, averaged over the node's streams for the last 5 s")
        .register(registry);
    bitrate = Gauge.build().name("streamstack_stream_bitrate_bps")
        .help("Video payload bits sent per second per stream, averaged over the node's streams for the last 5 s")
        .register(registry);
    framesSent = Counter.build().name("streamstack_video_frames_sent_total")
        .help("Video frames sent to all streams").register(registry);
    bytesSent = Counter.build().name("streamstack_video_payload_bytes_sent_total")
        .help("Video RTP payload bytes sent to all streams (retransmissions excluded)").register(registry);
    encodeSeconds = Histogram.build().name("streamstack_encode_seconds")
        .help("Time to encode one video frame")
        .buckets(0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.1, 0.25)
        .register(registry);
    packetsLost = Counter.build().name("streamstack_rtp_packets_lost_total")
        .help("Video RTP packets the receivers reported lost (RTCP cumulative lost, RFC 3550 6.4.1)")
        .register(registry);
    packetsRetransmitted = Counter.build().name("streamstack_rtp_packets_retransmitted_total")
        .help("Video RTP packets sent again because a receiver NACKed them (RFC 4585)").register(registry);
    viewPeerMessagesDropped = Counter.build().name("streamstack_view_peer_messages_dropped_total")
        .help("Messages from the peers of view shares that the application never got: input, out-of-band"
            + " messages on control, named-channel data")
        .labelNames("kind").register(registry);
    sharePeersRefused = Counter.build().name("streamstack_share_peers_refused_total")
        .help("Share peers refused because their instance had as many as it takes").register(registry);
    shareFramesDropped = Counter.build().name("streamstack_share_frames_dropped_total")
        .help("Signalling frames for a share peer the instance does not have (never joined, left, or forgotten among too many)")
        .register(registry);
    programMessagesDropped = Counter.build().name("streamstack_program_messages_dropped_total")
        .help("Lines on X11 programs' message sockets dropped: from the program malformed, too-long or"
            + " not-out-of-band, or with no-client to receive them; for it queue-full or not-delivered")
        .labelNames("reason").register(registry);
  }

  public void streamStarted() {
    streams.inc();
  }

  public void streamEnded() {
    streams.dec();
  }

  public void videoSent(long frames, long payloadBytes) {
    if (frames > 0) framesSent.inc(frames);
    if (payloadBytes > 0) bytesSent.inc(payloadBytes);
  }

  public void frameEncoded(long nanos) {
    encodeSeconds.observe(nanos / 1e9);
  }

  public void packetsLost(long packets) {
    if (packets > 0) packetsLost.inc(packets);
  }

  public void packetsRetransmitted(long packets) {
    if (packets > 0) packetsRetransmitted.inc(packets);
  }

  /** {@code kind}: input, out-of-band or channel. */
  public void viewPeerMessageDropped(String kind) {
    viewPeerMessagesDropped.labels(kind).inc();
  }

  public void sharePeerRefused() {
    sharePeersRefused.inc();
  }

  public void shareFrameDropped() {
    shareFramesDropped.inc();
  }

  /** {@code reason}: one of ProgramMessageChannel's, or no-client. */
  public void programMessageDropped(String reason) {
    programMessagesDropped.labels(reason).inc();
  }

  /** Once a second: moves the window on and sets fps and bitrate from it. */
  synchronized void tick() {
    System.arraycopy(framesAt, 1, framesAt, 0, WINDOW_SECONDS);
    System.arraycopy(bytesAt, 1, bytesAt, 0, WINDOW_SECONDS);
    System.arraycopy(nanosAt, 1, nanosAt, 0, WINDOW_SECONDS);
    framesAt[WINDOW_SECONDS] = framesSent.get();
    bytesAt[WINDOW_SECONDS] = bytesSent.get();
    nanosAt[WINDOW_SECONDS] = System.nanoTime();
    ticks++;
    int oldest = Math.max(0, WINDOW_SECONDS - Math.min(ticks - 1, WINDOW_SECONDS));
    double seconds = (nanosAt[WINDOW_SECONDS] - nanosAt[oldest]) / 1e9;
    double streaming = streams.get();
    if (seconds <= 0 || streaming <= 0) {
      fps.set(0);
      bitrate.set(0);
      return;
    }
    fps.set((framesAt[WINDOW_SECONDS] - framesAt[oldest]) / seconds / streaming);
    bitrate.set((bytesAt[WINDOW_SECONDS] - bytesAt[oldest]) * 8 / seconds / streaming);
  }

  /** Every metric in the Prometheus text format. */
  public String scrape() {
    StringWriter out = new StringWriter(4096);
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
