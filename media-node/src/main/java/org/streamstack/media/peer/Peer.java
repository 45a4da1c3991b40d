package org.streamstack.media.peer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.rtcp.FullIntraRequest;
import org.streamstack.media.rtcp.GenericNack;
import org.streamstack.media.rtcp.MalformedRtcpException;
import org.streamstack.media.rtcp.NtpTime;
import org.streamstack.media.rtcp.PictureLossIndication;
import org.streamstack.media.rtcp.ReceiverReport;
import org.streamstack.media.rtcp.Remb;
import org.streamstack.media.rtcp.ReportBlock;
import org.streamstack.media.rtcp.RtcpCompound;
import org.streamstack.media.rtcp.RtcpPacket;
import org.streamstack.media.rtcp.RtcpParser;
import org.streamstack.media.rtcp.SenderReport;
import org.streamstack.media.rtcp.SenderReports;
import org.streamstack.media.rtcp.SourceDescription;
import org.streamstack.media.sdp.AnswerReader;
import org.streamstack.media.sdp.IceCandidate;
import org.streamstack.media.sdp.NegotiatedSession;
import org.streamstack.media.sdp.Offer;
import org.streamstack.media.sdp.OfferBuilder;
import org.streamstack.media.sdp.OfferParameters;
import org.streamstack.media.sdp.SdpException;
import org.streamstack.media.sdp.SdpParser;
import org.streamstack.media.transport.RemoteDescription;
import org.streamstack.media.transport.WebRtcTransport;
import org.streamstack.media.video.BitrateLimits;
import org.streamstack.media.video.EncodedFrame;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.signaling.SignalingMessage;

/**
 * One browser connected to an instance: offers (PROTOCOL.md 5), applies the answer and trickled
 * candidates, and once DTLS is up sends the instance's video. RTCP from the browser drives the
 * sender: PLI and FIR ask the encoder for a keyframe (RFC 4585 6.3.1, RFC 5104 4.3.1), NACK is
 * answered from the packet history (RFC 4585 6.2.1), REMB sets the encoder's target bitrate within
 * the stream's limits; sender reports pair NTP and RTP time at their own send time (RFC 3550 6.4.1).
 */
public final class Peer extends AbstractBehavior<Peer.Command> {

  public sealed interface Command {}

  public record ApplyAnswer(String sdp) implements Command {}

  /** A trickled candidate: the {@code candidate:...} value. */
  public record AddRemoteCandidate(String candidate) implements Command {}

  public record GetStats(ActorRef<PeerStats> replyTo) implements Command {}

  public record Stop(String reason) implements Command {}

  private record TransportChanged(WebRtcTransport.State state, String reason) implements Command {}

  private record RtcpArrived(byte[] compound) implements Command {}

  private record FrameEncoded(EncodedFrame frame) implements Command {}

  private record SendReports() implements Command {}

  /** What the peer tells its owner. */
  public sealed interface Event {}

  public record Connected(String peerId, VideoCodec codec) implements Event {}

  public record Ended(String peerId, String reason) implements Event {}

  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
  private static final long KEYFRAME_REQUEST_SPACING_NANOS = Duration.ofMillis(250).toNanos();

  private final String peerId;
  private final PeerResources resources;
  private final VideoSource video;
  private final Consumer<String> signaling;
  private final ActorRef<Event> owner;
  private final TimerScheduler<Command> timers;
  private final SplittableRandom random = new SplittableRandom();
  private final WebRtcTransport transport;
  private final Offer offer;
  private final long videoSsrc;
  private final BitrateLimits limits;

  private NegotiatedSession negotiated;
  private VideoSender sender;
  private ActorRef<VideoEncoderActor.Command> encoder;
  private ActorRef<EncodedFrame> frameAdapter;
  private WebRtcTransport.State state = WebRtcTransport.State.NEW;
  private long lastKeyframeRequestNanos = Long.MIN_VALUE / 2;
  private long droppedBySimulatedLoss;
  private long nacksReceived;
  private long packetsNacked;
  private long plisReceived;
  private long firsReceived;
  private long keyframesRequested;
  private long lastRembBps;
  private int targetBitrate;
  private int lastFractionLost;
  private long lastRoundTripMillis = -1;
  private long rtcpMalformed;

  public static Behavior<Command> create(String peerId, PeerResources resources, SignalingMessage.Settings settings,
      VideoSource video, Consumer<String> signaling, ActorRef<Event> owner) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Peer(context, timers, peerId, resources, settings, video, signaling, owner)));
  }

  private Peer(ActorContext<Command> context, TimerScheduler<Command> timers, String peerId, PeerResources resources,
      SignalingMessage.Settings settings, VideoSource video, Consumer<String> signaling, ActorRef<Event> owner)
      throws IOException {
    super(context);
    this.timers = timers;
    this.peerId = peerId;
    this.resources = resources;
    this.video = video;
    this.signaling = signaling;
    this.owner = owner;
    ActorRef<Command> self = context.getSelf();
    this.transport = WebRtcTransport.offerer(resources.udpPort(), resources.iceSettings(), resources.certificate(),
        resources.dtlsSettings(), new WebRtcTransport.Listener() {
          @Override
          public void onStateChanged(WebRtcTransport.State state, String reason) {
            self.tell(new TransportChanged(state, reason));
          }

          @Override
          public void onRtcp(byte[] rtcp) {
            self.tell(new RtcpArrived(rtcp));
          }
        });
    this.videoSsrc = 1L + random.nextLong(0xFFFF_FFFEL);
    this.limits = BitrateLimits.forVideo(video.width(), video.height(), video.fps());
    List<IceCandidate> candidates = transport.localCandidates();
    this.offer = new OfferBuilder().build(OfferParameters.builder()
        .ice(transport.localUfrag(), transport.localPassword())
        .fingerprint(resources.fingerprint())
        .preferredVideoCodecs(settings.preferredDecoderCodecs())
        // No audio track until the audio pipeline exists: the section stays, inactive.
        .audioActive(false)
        .ssrcs(1L + random.nextLong(0xFFFF_FFFEL), videoSsrc)
        .cname(peerId)
        .includeDataChannel(false)
        .build());
    signaling.accept(SignalingMessage.offer(offer.description().toString()));
    for (IceCandidate candidate : candidates) {
      signaling.accept(SignalingMessage.candidate(candidate.toString(), OfferBuilder.CANDIDATE_MID,
          OfferBuilder.CANDIDATE_M_LINE_INDEX));
    }
    context.getLog().info("Peer {}: offered {} with {} local candidates", peerId,
        offer.videoCodecs().stream().map(c -> c.name()).toList(), candidates.size());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ApplyAnswer.class, this::onApplyAnswer)
        .onMessage(AddRemoteCandidate.class, this::onAddRemoteCandidate)
        .onMessage(TransportChanged.class, this::onTransportChanged)
        .onMessage(FrameEncoded.class, this::onFrameEncoded)
        .onMessage(RtcpArrived.class, this::onRtcp)
        .onMessage(SendReports.class, this::onSendReports)
        .onMessage(GetStats.class, this::onGetStats)
        .onMessage(Stop.class, this::onStop)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onApplyAnswer(ApplyAnswer command) {
    if (negotiated != null) {
      getContext().getLog().warn("Peer {}: a second answer ignored", peerId);
      return this;
    }
    try {
      negotiated = AnswerReader.read(offer, SdpParser.parse(command.sdp()));
    } catch (SdpException e) {
      signaling.accept(SignalingMessage.error("cannot use the answer: " + e.getMessage()));
      return end("the answer could not be used: " + e.getMessage());
    }
    VideoCodec codec = VideoCodec.parse(negotiated.videoCodec().name());
    sender = new VideoSender(codec, videoSsrc, negotiated.videoCodec().payloadType(),
        negotiated.absSendTimeId().orElse(0), resources.packetHistorySize(), random, this::sendRtp);
    transport.applyRemoteDescription(new RemoteDescription(negotiated.remoteIceUfrag(), negotiated.remoteIcePwd(),
        negotiated.remoteFingerprint().toString(), negotiated.dtlsRole(), negotiated.remoteCandidates()));
    getContext().getLog().info("Peer {}: answer applied; sending {} as payload type {}, DTLS {}", peerId, codec,
        negotiated.videoCodec().payloadType(), negotiated.dtlsRole());
    return this;
  }

  private Behavior<Command> onAddRemoteCandidate(AddRemoteCandidate command) {
    if (IceCandidate.isEndOfCandidates(command.candidate())) return this;
    try {
      IceCandidate candidate = IceCandidate.parse(command.candidate());
      // Chromium's mDNS host names are never resolved (PROTOCOL.md 5): its checks reach us anyway
      // and become peer-reflexive candidates.
      if (!candidate.isMdns()) transport.addRemoteCandidate(candidate);
    } catch (SdpException e) {
      getContext().getLog().info("Peer {}: dropped a malformed remote candidate: {}", peerId, e.getMessage());
    }
    return this;
  }

  private Behavior<Command> onTransportChanged(TransportChanged change) {
    state = change.state();
    getContext().getLog().info("Peer {}: transport {} ({})", peerId, change.state(), change.reason());
    switch (change.state()) {
      case CONNECTED -> {
        encoder = video.encoderFor(sender.codec());
        frameAdapter = getContext().messageAdapter(EncodedFrame.class, FrameEncoded::new);
        encoder.tell(new VideoEncoderActor.Subscribe(frameAdapter));
        requestKeyframe(System.nanoTime());
        targetBitrate = limits.clamp(limits.minBitsPerSecond());
        // The encoder outlives its peers (a new client replaces the connected one): it may still run
        // at the last peer's REMB target. Without this, a first REMB at or near the minimum (the
        // usual start) counts as "no change" and the stale, higher target stays.
        encoder.tell(new VideoEncoderActor.SetTargetBitrate(targetBitrate));
        timers.startTimerAtFixedRate(new SendReports(), REPORT_INTERVAL);
        owner.tell(new Connected(peerId, sender.codec()));
        return this;
      }
      case FAILED, CLOSED -> {
        return end("transport " + change.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + change.reason());
      }
      default -> {
        return this;
      }
    }
  }

  private Behavior<Command> onFrameEncoded(FrameEncoded encoded) {
    if (sender == null || state != WebRtcTransport.State.CONNECTED || encoded.frame().codec() != sender.codec()) {
      return this;
    }
    if (!sender.send(encoded.frame(), System.nanoTime()) && sender.framesSkippedBeforeKeyframe() % 30 == 1) {
      requestKeyframe(System.nanoTime());
    }
    return this;
  }

  private boolean sendRtp(byte[] packet) {
    double loss = resources.simulatedOutgoingLoss();
    if (loss > 0 && random.nextDouble() < loss) {
      droppedBySimulatedLoss++;
      return true;
    }
    return transport.sendRtp(packet);
  }

  private Behavior<Command> onRtcp(RtcpArrived arrived) {
    List<RtcpPacket> packets;
    try {
      packets = RtcpParser.parseCompound(arrived.compound(), 0, arrived.compound().length);
    } catch (MalformedRtcpException e) {
      rtcpMalformed++;
      packets = e.parsed();
    }
    long now = System.nanoTime();
    for (RtcpPacket packet : packets) {
      if (packet instanceof GenericNack nack && nack.mediaSsrc() == videoSsrc && sender != null) {
        nacksReceived++;
        packetsNacked += nack.lostSequenceNumbers().size();
        sender.retransmit(nack.lostSequenceNumbers(), now);
      } else if (packet instanceof PictureLossIndication pli && pli.mediaSsrc() == videoSsrc) {
        plisReceived++;
        requestKeyframe(now);
      } else if (packet instanceof FullIntraRequest fir && fir.entries().stream().anyMatch(e -> e.ssrc() == videoSsrc)) {
        firsReceived++;
        requestKeyframe(now);
      } else if (packet instanceof Remb remb) {
        onRemb(remb);
      } else if (packet instanceof ReceiverReport report) {
        onReportBlocks(report.reportBlocks());
      } else if (packet instanceof SenderReport report) {
        onReportBlocks(report.reportBlocks());
      }
    }
    return this;
  }

  private void onRemb(Remb remb) {
    lastRembBps = remb.bitrateBps();
    int target = limits.clamp(remb.bitrateBps());
    // Small changes are not worth an encoder reconfiguration.
    if (encoder != null && Math.abs(target - targetBitrate) > targetBitrate / 20) {
      targetBitrate = target;
      encoder.tell(new VideoEncoderActor.SetTargetBitrate(target));
    }
  }

  private void onReportBlocks(List<ReportBlock> blocks) {
    long arrivalNtp = NtpTime.fromEpochNanos(epochNanos());
    for (ReportBlock block : blocks) {
      if (block.ssrc() != videoSsrc) continue;
      lastFractionLost = block.fractionLost();
      OptionalLong rtt = block.roundTripNanos(arrivalNtp);
      if (rtt.isPresent()) lastRoundTripMillis = rtt.getAsLong() / 1_000_000L;
    }
  }

  private void requestKeyframe(long nowNanos) {
    if (encoder == null || nowNanos - lastKeyframeRequestNanos < KEYFRAME_REQUEST_SPACING_NANOS) return;
    lastKeyframeRequestNanos = nowNanos;
    keyframesRequested++;
    encoder.tell(new VideoEncoderActor.RequestKeyframe());
  }

  private Behavior<Command> onSendReports(SendReports tick) {
    if (sender == null) return this;
    SenderReports.create(sender.stream(), epochNanos()).ifPresent(report -> {
      List<RtcpPacket> compound = new ArrayList<>(2);
      compound.add(report);
      compound.add(SourceDescription.ofCname(videoSsrc, peerId));
      transport.sendRtcp(RtcpCompound.write(compound));
    });
    return this;
  }

  private Behavior<Command> onGetStats(GetStats query) {
    query.replyTo().tell(stats());
    return this;
  }

  private PeerStats stats() {
    return new PeerStats(peerId, state.name(), sender == null ? null : sender.codec().name(),
        sender == null ? 0 : sender.framesSent(), sender == null ? 0 : sender.keyframesSent(),
        sender == null ? 0 : sender.framesSkippedBeforeKeyframe(),
        sender == null ? 0 : sender.stream().packetsSent(), sender == null ? 0 : sender.stream().octetsSent(),
        droppedBySimulatedLoss, nacksReceived, packetsNacked, sender == null ? 0 : sender.retransmitted(),
        sender == null ? 0 : sender.retransmitMisses(), plisReceived, firsReceived, keyframesRequested, lastRembBps,
        targetBitrate, lastFractionLost, lastRoundTripMillis, rtcpMalformed, transport.counters());
  }

  private Behavior<Command> onStop(Stop stop) {
    return end(stop.reason());
  }

  private Behavior<Command> end(String reason) {
    getContext().getLog().info("Peer {} ends: {}", peerId, reason);
    owner.tell(new Ended(peerId, reason));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (encoder != null && frameAdapter != null) {
      encoder.tell(new VideoEncoderActor.Unsubscribe(frameAdapter));
      video.release(sender.codec());
    }
    transport.close();
    return this;
  }

  /** Wall-clock time in epoch nanoseconds: the clock capture times and sender reports share. */
  private static long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
