package org.streamstack.media.peer;

import org.streamstack.media.metrics.MediaMetrics;
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
import org.streamstack.media.audio.AudioEncoderActor;
import org.streamstack.media.audio.AudioSender;
import org.streamstack.media.audio.EncodedAudio;
import org.streamstack.media.dcep.DataChannel;
import org.streamstack.media.dcep.DataChannels;
import org.streamstack.media.encoder.VideoEncoderActor;
import org.streamstack.media.sctp.CloseReason;
import org.streamstack.media.sctp.SctpAssociation;
import org.streamstack.media.sctp.SctpSettings;
import org.streamstack.protocol.control.ControlMessage;
import org.streamstack.protocol.control.ControlMessages;
import org.streamstack.protocol.control.MalformedControlMessageException;
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
 * candidates, and once DTLS is up sends the instance's video and sound and carries its data
 * channels: input on {@code control} (PROTOCOL.md 6) and opaque data on named channels go to the
 * owner, the application's messages come back. RTCP from the browser drives the
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

  /** A message from the application to the client, on {@code control} (PROTOCOL.md 6). */
  public record SendControl(String json) implements Command {}

  /** Opaque data from the application to the client on a named channel. */
  public record SendOnChannel(String label, byte[] data, boolean text) implements Command {}

  private record ApplicationDataArrived(byte[] data) implements Command {}

  private record SctpTimer() implements Command {}

  private record TransportChanged(WebRtcTransport.State state, String reason) implements Command {}

  private record RtcpArrived(byte[] compound) implements Command {}

  private record FrameEncoded(EncodedFrame frame) implements Command {}

  private record AudioEncoded(EncodedAudio audio) implements Command {}

  private record SendReports() implements Command {}

  /** What the peer tells its owner. */
  public sealed interface Event {
    /** The peer that says it. */
    String peerId();
  }

  public record Connected(String peerId, VideoCodec codec) implements Event {}

  public record Ended(String peerId, String reason) implements Event {}

  /** A control message from the client: input, or an out-of-band message for the application. */
  public record ControlFromClient(String peerId, ControlMessage message) implements Event {}

  /** Opaque data from the client on a named channel. */
  public record ChannelMessage(String peerId, String label, byte[] data, boolean text) implements Event {}

  /** The client said it is leaving ({@code stream::disconnect}) or its data channels died. */
  public record ClientLeft(String peerId, String reason) implements Event {}

  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
  private static final String SCTP_TIMER = "sctp";
  private static final long KEYFRAME_REQUEST_SPACING_NANOS = VideoEncoderActor.KEYFRAME_SPACING.toNanos();

  private final String peerId;
  private final PeerResources resources;
  private final VideoSource video;
  private final AudioSource audio;
  private final boolean audioWanted;
  private final long audioSsrc;
  private AudioSender audioSender;
  private ActorRef<AudioEncoderActor.Command> audioEncoder;
  private ActorRef<EncodedAudio> audioAdapter;
  private DataChannels channels;
  private DataChannel control;
  private final java.util.Map<String, DataChannel> namedChannels = new java.util.HashMap<>();
  private long controlIn;
  private long controlOut;
  private long controlMalformed;
  private long channelIn;
  private long channelOut;
  private long dataRecordsDroppedBySimulatedLoss;
  private String clientLeftReason;
  private final Consumer<String> signaling;
  private final ActorRef<Event> owner;
  private final TimerScheduler<Command> timers;
  private final SplittableRandom random = new SplittableRandom();
  private final WebRtcTransport transport;
  private final Offer offer;
  private final long videoSsrc;

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
  private final MediaMetrics metrics;
  private boolean countedAsStream;
  /** What this peer has added to the node's metrics so far; they get the differences. */
  private long reportedFrames;
  private long reportedOctets;
  private long reportedRetransmitted;
  /** The receiver's count starts at 0 with the stream (RFC 3550 6.4.1). */
  private int lastCumulativeLost;

  public static Behavior<Command> create(String peerId, PeerResources resources, SignalingMessage.Settings settings,
      VideoSource video, AudioSource audio, Consumer<String> signaling, ActorRef<Event> owner) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Peer(context, timers, peerId, resources, settings, video, audio, signaling, owner)));
  }

  private Peer(ActorContext<Command> context, TimerScheduler<Command> timers, String peerId, PeerResources resources,
      SignalingMessage.Settings settings, VideoSource video, AudioSource audio, Consumer<String> signaling,
      ActorRef<Event> owner) throws IOException {
    super(context);
    this.timers = timers;
    this.peerId = peerId;
    this.resources = resources;
    this.video = video;
    this.audio = audio;
    this.audioWanted = settings.speakerEnabled();
    this.signaling = signaling;
    this.owner = owner;
    this.metrics = MediaMetrics.get(context.getSystem());
    ActorRef<Command> self = context.getSelf();
    this.transport = WebRtcTransport.offerer(resources.udpPort(), resources.iceSettingsFor(peerId), resources.certificate(),
        resources.dtlsSettings(), new WebRtcTransport.Listener() {
          @Override
          public void onStateChanged(WebRtcTransport.State state, String reason) {
            self.tell(new TransportChanged(state, reason));
          }

          @Override
          public void onRtcp(byte[] rtcp) {
            self.tell(new RtcpArrived(rtcp));
          }

          @Override
          public void onApplicationData(byte[] data) {
            self.tell(new ApplicationDataArrived(data));
          }
        });
    this.videoSsrc = 1L + random.nextLong(0xFFFF_FFFEL);
    this.audioSsrc = 1L + random.nextLong(0xFFFF_FFFEL);
    List<IceCandidate> candidates = transport.localCandidates();
    this.offer = new OfferBuilder().build(OfferParameters.builder()
        .ice(transport.localUfrag(), transport.localPassword())
        .fingerprint(resources.fingerprint())
        .preferredVideoCodecs(settings.preferredDecoderCodecs())
        .sendableVideoCodecs(video.codecs().stream().map(VideoCodec::sdpName).toList())
        // The audio section stays when the client wants no sound, inactive (PROTOCOL.md 5).
        .audioActive(audioWanted)
        .ssrcs(audioSsrc, videoSsrc)
        .cname(peerId)
        .includeDataChannel(true)
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
        .onMessage(AudioEncoded.class, this::onAudioEncoded)
        .onMessage(RtcpArrived.class, this::onRtcp)
        .onMessage(SendReports.class, this::onSendReports)
        .onMessage(ApplicationDataArrived.class, this::onApplicationData)
        .onMessage(SctpTimer.class, timer -> afterSctp(() -> channels.handleTimeout(nowMillis())))
        .onMessage(SendControl.class, this::onSendControl)
        .onMessage(SendOnChannel.class, this::onSendOnChannel)
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
    if (audioWanted && negotiated.audioAccepted()) {
      // The answer must keep the payload types of the offer (RFC 3264 6.1): Opus is ours.
      audioSender = new AudioSender(audioSsrc, OfferBuilder.OPUS_PAYLOAD_TYPE, negotiated.absSendTimeId().orElse(0),
          false, random, transport::sendRtp);
    }
    if (negotiated.dataChannelAccepted()) {
      // An SCTP packet larger than one DTLS record can carry would never get through.
      channels = new DataChannels(SctpSettings.webrtc().withRemotePort(negotiated.remoteSctpPort())
          .withMaxPacketSize(resources.dtlsSettings().applicationDataLimit()), new ChannelEvents());
    }
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
        BitrateLimits limits = limits();
        targetBitrate = limits.clamp(limits.minBitsPerSecond());
        // This peer's own target starts at the minimum, as a browser's estimate does; the encoder,
        // shared by the instance's peers, runs at the lowest of their targets. Without it, a first
        // REMB at or near the minimum (the usual start) would count as "no change" here.
        encoder.tell(new VideoEncoderActor.SetTargetBitrate(frameAdapter, targetBitrate));
        if (audioSender != null) {
          audioEncoder = audio.encoder();
          audioAdapter = getContext().messageAdapter(EncodedAudio.class, AudioEncoded::new);
          audioEncoder.tell(new AudioEncoderActor.Subscribe(audioAdapter));
        }
        timers.startTimerAtFixedRate(new SendReports(), REPORT_INTERVAL);
        if (!countedAsStream) {
          countedAsStream = true;
          metrics.streamStarted();
        }
        owner.tell(new Connected(peerId, sender.codec()));
        return this;
      }
      case FAILED, CLOSED -> {
        clientLeaves("transport " + change.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + change.reason());
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
    long frames = sender.framesSent();
    long octets = sender.stream().octetsSent();
    metrics.videoSent(frames - reportedFrames, octets - reportedOctets);
    reportedFrames = frames;
    reportedOctets = octets;
    return this;
  }

  // --- data channels (SCTP over DTLS, RFC 8261; DCEP, RFC 8832) --------------------------------

  private Behavior<Command> onApplicationData(ApplicationDataArrived arrived) {
    if (channels == null) return this;
    return afterSctp(() -> channels.receive(arrived.data(), nowMillis()));
  }

  private Behavior<Command> onSendControl(SendControl send) {
    if (channels == null || control == null) {
      getContext().getLog().debug("Peer {}: no control channel yet, a message to the client dropped", peerId);
      return this;
    }
    controlOut++;
    return afterSctp(() -> channels.send(control, send.json(), nowMillis()));
  }

  private Behavior<Command> onSendOnChannel(SendOnChannel send) {
    DataChannel channel = namedChannels.get(send.label());
    if (channels == null || channel == null) return this;
    channelOut++;
    return afterSctp(() -> {
      if (send.text()) {
        channels.send(channel, new String(send.data(), java.nio.charset.StandardCharsets.UTF_8), nowMillis());
      } else {
        channels.send(channel, send.data(), nowMillis());
      }
    });
  }

  /** Runs one SCTP step and arms the timer for its next deadline (the association is sans-IO). */
  private Behavior<Command> afterSctp(Runnable step) {
    if (channels == null) return this;
    step.run();
    long next = channels.nextTimeout();
    if (next == SctpAssociation.NO_TIMEOUT) {
      timers.cancel(SCTP_TIMER);
    } else {
      timers.startSingleTimer(SCTP_TIMER, new SctpTimer(), Duration.ofMillis(Math.max(0, next - nowMillis())));
    }
    return this;
  }

  /** Called inside DataChannels calls, on this actor's thread. */
  private final class ChannelEvents implements DataChannels.Listener {
    @Override
    public void onPacket(byte[] packet) {
      double loss = resources.simulatedOutgoingLoss();
      if (loss > 0 && random.nextDouble() < loss) {
        dataRecordsDroppedBySimulatedLoss++;
        return;
      }
      transport.sendApplicationData(packet);
    }

    @Override
    public void onChannelOpened(DataChannel channel) {
      getContext().getLog().info("Peer {}: data channel '{}' open (stream {})", peerId, channel.label(), channel.id());
      if (channel.label().equals("control")) {
        control = channel;
      } else {
        namedChannels.put(channel.label(), channel);
      }
    }

    @Override
    public void onTextMessage(DataChannel channel, String text) {
      if (channel.equals(control)) {
        onControlMessage(text);
      } else {
        channelIn++;
        owner.tell(new ChannelMessage(peerId, channel.label(), text.getBytes(java.nio.charset.StandardCharsets.UTF_8), true));
      }
    }

    @Override
    public void onBinaryMessage(DataChannel channel, byte[] data) {
      if (channel.equals(control)) {
        controlMalformed++;
        return;
      }
      channelIn++;
      owner.tell(new ChannelMessage(peerId, channel.label(), data, false));
    }

    @Override
    public void onChannelClosed(DataChannel channel) {
      getContext().getLog().info("Peer {}: data channel '{}' closed", peerId, channel.label());
      if (channel.equals(control)) control = null;
      namedChannels.remove(channel.label());
    }

    @Override
    public void onAssociationClosed(CloseReason reason, String detail) {
      getContext().getLog().info("Peer {}: SCTP association closed ({}: {})", peerId, reason, detail);
      clientLeaves("data channels closed: " + reason + (detail == null ? "" : " " + detail));
    }
  }

  private void onControlMessage(String text) {
    ControlMessage message;
    try {
      message = ControlMessages.parse(text);
    } catch (MalformedControlMessageException e) {
      controlMalformed++;
      getContext().getLog().debug("Peer {}: dropped a malformed control message: {}", peerId, e.getMessage());
      return;
    }
    controlIn++;
    if (message instanceof ControlMessage.StreamDisconnect) {
      clientLeaves("the client sent stream::disconnect");
    } else {
      owner.tell(new ControlFromClient(peerId, message));
    }
  }

  private void clientLeaves(String reason) {
    if (clientLeftReason != null) return;
    clientLeftReason = reason;
    owner.tell(new ClientLeft(peerId, reason));
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  private Behavior<Command> onAudioEncoded(AudioEncoded encoded) {
    if (audioSender != null && state == WebRtcTransport.State.CONNECTED) {
      audioSender.send(encoded.audio(), System.nanoTime());
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
        sender.retransmit(nack.lostSequenceNumbers());
        metrics.packetsRetransmitted(sender.retransmitted() - reportedRetransmitted);
        reportedRetransmitted = sender.retransmitted();
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

  /** The stream's limits now: its source may be resized while the peer runs (a join with a new screen). */
  private BitrateLimits limits() {
    return BitrateLimits.forVideo(video.width(), video.height(), video.fps());
  }

  private void onRemb(Remb remb) {
    lastRembBps = remb.bitrateBps();
    int target = limits().clamp(remb.bitrateBps());
    // Small changes are not worth an encoder reconfiguration.
    if (encoder != null && Math.abs(target - targetBitrate) > targetBitrate / 20) {
      targetBitrate = target;
      encoder.tell(new VideoEncoderActor.SetTargetBitrate(frameAdapter, target));
    }
  }

  private void onReportBlocks(List<ReportBlock> blocks) {
    long arrivalNtp = NtpTime.fromEpochNanos(epochNanos());
    for (ReportBlock block : blocks) {
      if (block.ssrc() == audioSsrc && audioEncoder != null) {
        // Opus adds in-band FEC in proportion to the loss the receiver reports (RFC 6716 2.1.7).
        audioEncoder.tell(new AudioEncoderActor.SetExpectedPacketLoss(block.fractionLost() * 100 / 256));
      }
      if (block.ssrc() != videoSsrc) continue;
      lastFractionLost = block.fractionLost();
      // Cumulative: only what was lost since the last report counts; it may go down (duplicates).
      metrics.packetsLost(block.cumulativeLost() - lastCumulativeLost);
      lastCumulativeLost = block.cumulativeLost();
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
    long now = epochNanos();
    SenderReports.create(sender.stream(), now).ifPresent(report -> sendReport(report, videoSsrc));
    if (audioSender != null) {
      SenderReports.create(audioSender.stream(), now).ifPresent(report -> sendReport(report, audioSsrc));
    }
    return this;
  }

  private void sendReport(SenderReport report, long ssrc) {
    List<RtcpPacket> compound = new ArrayList<>(2);
    compound.add(report);
    compound.add(SourceDescription.ofCname(ssrc, peerId));
    transport.sendRtcp(RtcpCompound.write(compound));
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
        targetBitrate, lastFractionLost, lastRoundTripMillis, rtcpMalformed,
        audioSender == null ? 0 : audioSender.packetsSent(), controlIn, controlOut, controlMalformed, channelIn,
        channelOut, clientLeftReason, dataRecordsDroppedBySimulatedLoss, channels == null ? null : channels.association().counters(),
        transport.counters());
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
    if (countedAsStream) metrics.streamEnded();
    if (encoder != null && frameAdapter != null) {
      encoder.tell(new VideoEncoderActor.Unsubscribe(frameAdapter));
      video.release(sender.codec());
    }
    if (audioEncoder != null && audioAdapter != null) {
      audioEncoder.tell(new AudioEncoderActor.Unsubscribe(audioAdapter));
      audio.release();
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
