package org.streamstack.media.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.streamstack.media.dcep.ChannelType;
import org.streamstack.media.dcep.DataChannel;
import org.streamstack.media.dcep.DataChannels;
import org.streamstack.media.sctp.CloseReason;
import org.streamstack.media.sctp.SctpAssociation;
import org.streamstack.media.sctp.SctpSettings;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.streamstack.media.dtls.DtlsCertificate;
import org.streamstack.media.dtls.DtlsRole;
import org.streamstack.media.dtls.DtlsSettings;
import org.streamstack.media.ice.IceSettings;
import org.streamstack.media.ice.IceTransport;
import org.streamstack.media.mux.PacketKind;
import org.streamstack.media.peer.Peer;
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
import org.streamstack.media.rtp.AbsSendTime;
import org.streamstack.media.rtp.H264Depacketizer;
import org.streamstack.media.rtp.MalformedPacketException;
import org.streamstack.media.rtp.RtpPacket;
import org.streamstack.media.rtp.Vp8Depacketizer;
import org.streamstack.media.rtp.Vp8Frame;
import org.streamstack.media.sdp.Attribute;
import org.streamstack.media.sdp.Direction;
import org.streamstack.media.sdp.ExtMap;
import org.streamstack.media.sdp.IceCandidate;
import org.streamstack.media.sdp.MediaDescription;
import org.streamstack.media.sdp.RtpMap;
import org.streamstack.media.sdp.SdpException;
import org.streamstack.media.sdp.SdpLine;
import org.streamstack.media.sdp.SdpParser;
import org.streamstack.media.sdp.SessionDescription;
import org.streamstack.media.srtp.SrtpProfile;
import org.streamstack.media.transport.RemoteDescription;
import org.streamstack.media.transport.WebRtcTransport;
import org.streamstack.media.video.VideoCodec;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * A Java stand-in for the browser end of one peer connection, for the loopback tests and the setup
 * benchmark; not a production component. It plays headless Chromium's part on our own
 * {@link WebRtcTransport}:
 *
 * <ul>
 *   <li>Signalling: it reads the {@link Peer}'s frames (PROTOCOL.md 4: the offer and trickled
 *       candidates, base64) and answers with a real Chromium 156 answer whose ICE credentials and
 *       fingerprint are its own, cut to the offer's sections (RFC 3264 6).</li>
 *   <li>ICE: controlled, on a dedicated socket on 127.0.0.1 (a single-port agent cannot start
 *       checks, so two of them never connect). Like Chromium, it starts its checks when it applies
 *       the offer and starts DTLS once ICE has connected: a ClientHello sent before there is a pair
 *       would be lost and cost a 500 ms retransmission.</li>
 *   <li>DTLS client, as {@code a=setup:active} makes it.</li>
 *   <li>Media: plain RTP is put back in sequence order, depacketized (RFC 6184, RFC 7741) and
 *       recorded frame by frame (boundaries, sizes, keyframes, sequence numbers, abs-send-time);
 *       nothing is decoded. Every SRTP datagram is also recorded as it came off the wire, because
 *       the receive side's replay check (RFC 3711 3.3.2) drops a second copy of a packet, as
 *       Chromium's does: that is where retransmissions of packets already received show.</li>
 *   <li>RTCP: sender reports are recorded; PLI, FIR, NACK, REMB and receiver reports are sent on
 *       request from SSRC 1, as a receive-only Chromium does; optionally a minimal NACK generator
 *       (RFC 4585 6.2.1): a gap is NACKed at once and again after {@link #RENACK_AFTER} if still
 *       missing, and given up {@link #GIVE_UP_AFTER} after it opened.</li>
 * </ul>
 *
 * <p>Threading: media and RTCP arrive on the transport's reader thread; the NACK timer runs on a
 * thread of its own; every query may be called from any thread.
 */
public final class TestBrowser implements AutoCloseable {

  /** A receive-only Chromium sends its RTCP from SSRC 1 (WEBRTC.md). */
  public static final long RTCP_SSRC = 1;
  /** A NACKed packet still missing this long after its NACK is NACKed once more. */
  public static final Duration RENACK_AFTER = Duration.ofMillis(100);
  /** With the NACK generator on, a gap not repaired in this time is given up and its frame lost. */
  public static final Duration GIVE_UP_AFTER = Duration.ofMillis(500);

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long TICK_MILLIS = 10;
  private static final int MAX_WIRE_PACKETS = 50_000;

  /** Moments of the connection's life, System.nanoTime(). */
  public enum Milestone {
    /** The peer's offer was read. */
    OFFER,
    /** The answer and our candidates were handed to the peer. */
    ANSWER_SENT,
    /** Our ICE agent connected (the peer nominated a pair). */
    ICE_CONNECTED,
    /** Our DTLS handshake completed: SRTP keys exist. */
    DTLS_CONNECTED,
    /** The first RTP packet arrived. */
    FIRST_RTP,
    /** The first complete keyframe came out of the depacketizer. */
    FIRST_KEYFRAME
  }

  /**
   * One RTP packet as it came out of SRTP, the first time its sequence number arrived.
   *
   * @param payload a copy of the RTP payload
   * @param absSendTime the abs-send-time value (6.18 seconds), or -1 if absent
   * @param repaired whether its sequence number had been seen missing (a retransmission filled it)
   */
  public record ReceivedPacket(int sequenceNumber, long timestamp, boolean marker, int payloadType, long ssrc,
      byte[] payload, int absSendTime, boolean repaired, long arrivalNanos) {}

  /**
   * One SRTP datagram as it came off the socket, before decryption; the RTP header is in clear.
   *
   * @param encryptedPayload the bytes between the header and the authentication tag: for one key,
   *     SSRC and packet index, equal ciphertext means equal plaintext (RFC 3711 4.1.1, RFC 7714 8.1)
   * @param datagram the whole datagram: a retransmission must repeat it exactly, since SRTP reuses
   *     the nonce of the packet index
   */
  public record WirePacket(int sequenceNumber, long timestamp, boolean marker, int payloadType, long ssrc,
      byte[] encryptedPayload, long arrivalNanos, byte[] datagram) {}

  /**
   * A frame the depacketizer completed.
   *
   * @param size bytes of the VP8 frame or the Annex-B access unit
   * @param absSendTime abs-send-time of its last packet
   * @param arrivalEpochNanos wall-clock time of its completion, for comparison with capture times
   */
  public record ReceivedFrame(long rtpTimestamp, int size, boolean keyframe, int firstSequence, int lastSequence,
      int packets, int absSendTime, long arrivalNanos, long arrivalEpochNanos) {}

  /**
   * A sender report and what had been received before it.
   *
   * @param packetsBefore distinct RTP packets received before it
   * @param payloadOctetsBefore their payload octets
   */
  public record ReceivedSenderReport(SenderReport report, long arrivalNanos, long arrivalEpochNanos,
      long packetsBefore, long payloadOctetsBefore) {}

  private final VideoCodec codec;
  private final String answerTemplate;
  private final DtlsSettings dtlsSettings;
  private final AtomicReference<IceTransport> ice = new AtomicReference<>();
  private final WebRtcTransport transport;
  private final ScheduledExecutorService timer;
  private final Map<Milestone, CompletableFuture<Long>> milestones = new EnumMap<>(Milestone.class);
  private final Object lock = new Object();

  // Signalling, guarded by lock.
  private SessionDescription offer;
  private final List<IceCandidate> offerCandidates = new ArrayList<>();
  private boolean offerApplied;
  private String remoteUfrag;
  private String remotePassword;
  private String remoteFingerprint;
  private final List<String> signalingErrors = new ArrayList<>();

  // Media state, guarded by lock.
  private long videoSsrc = -1;
  private int videoPayloadType = -1;
  private int absSendTimeId;
  private long firstRtpSentNanos = -1;
  private final H264Depacketizer h264 = new H264Depacketizer();
  private final Vp8Depacketizer vp8 = new Vp8Depacketizer();
  private final List<ReceivedPacket> packets = new ArrayList<>();
  private final List<WirePacket> wire = new ArrayList<>();
  private final List<ReceivedFrame> frames = new ArrayList<>();
  private final List<ReceivedSenderReport> senderReports = new ArrayList<>();
  private final Set<Long> received = new HashSet<>();
  private final TreeMap<Long, RtpPacket> pending = new TreeMap<>();
  private final Map<Long, Gap> missing = new LinkedHashMap<>();
  private long highest = -1;
  private long firstSequence;
  private long nextToDeliver = -1;
  private long payloadOctets;
  private long duplicates;
  private long malformed;
  private long foreign;
  private long packetsGivenUp;
  private long packetsRepaired;
  private long nacksSent;
  private long frameTimestamp = -1;
  private int frameFirstSequence;
  private int framePackets;
  private long lastSrMiddle = 0;
  private long lastSrArrivalNanos;
  private long expectedAtLastReport;
  private long receivedAtLastReport;
  private boolean nackGenerator;
  private static final long KEYFRAME_PATIENCE_NANOS = 300_000_000L;
  private long firstPacketNanos;
  private long lastPliNanos;
  private final AtomicInteger firSequence = new AtomicInteger();

  // The control data channel, guarded by channelLock (opened by openControlChannel).
  private final Object channelLock = new Object();
  private DataChannels channels;
  private DataChannel control;
  private final List<String> controlReceived = new ArrayList<>();

  /** A sequence number seen missing: when, and how many NACKs asked for it. */
  private static final class Gap {
    final long sinceNanos;
    long lastNackNanos;
    int nacks;

    Gap(long sinceNanos) {
      this.sinceNanos = sinceNanos;
    }
  }

  /**
   * @param codec the codec the answer accepts
   * @param answerTemplate a Chromium answer for that codec (fixtures/chromium-156-answer-*.sdp)
   */
  public TestBrowser(VideoCodec codec, String answerTemplate, DtlsSettings dtlsSettings) throws IOException {
    this.codec = codec;
    this.answerTemplate = answerTemplate;
    this.dtlsSettings = dtlsSettings;
    for (Milestone m : Milestone.values()) milestones.put(m, new CompletableFuture<>());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "test-browser-timer");
      t.setDaemon(true);
      return t;
    });
    this.transport = new WebRtcTransport(listener -> {
      IceTransport dedicated = IceTransport.dedicated(LOOPBACK, IceTransport.Role.CONTROLLED, IceSettings.defaults(),
          new IceTransport.Listener() {
            @Override
            public void onDatagram(byte[] buf, int off, int len) {
              onWire(buf, off, len);
              listener.onDatagram(buf, off, len);
            }

            @Override
            public void onStateChanged(IceTransport.State state, String reason) {
              listener.onStateChanged(state, reason);
              if (state == IceTransport.State.CONNECTED) onIceConnected();
            }
          });
      ice.set(dedicated);
      return dedicated;
    }, DtlsCertificate.generate(), dtlsSettings, new TransportEvents());
    timer.scheduleWithFixedDelay(this::onTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A Chromium 156 answer for {@code codec}, as captured (shared/fixtures, CRLF kept). */
  public static String chromiumAnswer(VideoCodec codec) {
    String name = "chromium-156-answer-" + codec.name().toLowerCase() + ".sdp";
    try (InputStream in = TestBrowser.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("no resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- signalling -----------------------------------------------------------------------------

  /** The peer's signalling output: give this to {@link Peer#create} as its {@code Consumer<String>}. */
  public void onSignaling(String frame) {
    long now = System.nanoTime();
    try {
      JsonNode json = ApiJson.MAPPER.readTree(frame);
      String type = json.path("type").asText();
      switch (type) {
        case "offer" -> onOffer(SdpParser.parse(base64(json.path("sdp").asText())), now);
        case "candidate" -> onCandidate(base64(json.path("candidate").asText()));
        case "error" -> {
          synchronized (lock) {
            signalingErrors.add(json.path("message").asText());
          }
        }
        default -> { }
      }
    } catch (IOException | SdpException | IllegalArgumentException e) {
      synchronized (lock) {
        signalingErrors.add("unreadable frame " + frame + ": " + e.getMessage());
      }
    }
  }

  private void onOffer(SessionDescription description, long now) throws SdpException {
    MediaDescription tag = description.mediaWithMid(description.bundleMids().get(0)).orElseThrow();
    MediaDescription video = description.firstMedia("video").orElseThrow();
    synchronized (lock) {
      offer = description;
      remoteUfrag = tag.attributeValue("ice-ufrag").orElseThrow();
      remotePassword = tag.attributeValue("ice-pwd").orElseThrow();
      remoteFingerprint = tag.attributeValue("fingerprint").orElseThrow();
      offerCandidates.addAll(tag.candidates());
      for (RtpMap map : video.rtpMaps()) {
        if (map.encodingName().equalsIgnoreCase(codec.name())) videoPayloadType = map.payloadType();
      }
      // RFC 5576 4.1: the sender's SSRC, "a=ssrc:<ssrc> cname:...".
      videoSsrc = Long.parseLong(video.attributeValues("ssrc").get(0).split(" ")[0]);
      for (ExtMap e : video.extMaps()) {
        if (e.uri().equals(ExtMap.ABS_SEND_TIME)) absSendTimeId = e.id();
      }
    }
    milestones.get(Milestone.OFFER).complete(now);
  }

  private void onCandidate(String text) throws SdpException {
    if (IceCandidate.isEndOfCandidates(text)) return;
    IceCandidate candidate = IceCandidate.parse(text);
    synchronized (lock) {
      if (!offerApplied) {
        offerCandidates.add(candidate);
        return;
      }
    }
    transport.addRemoteCandidate(candidate);
  }

  /**
   * Answers the offer read so far, as Chromium does: applies it (ICE checks start; DTLS waits for
   * ICE), then hands the peer the answer and our candidates.
   *
   * @return the answer SDP
   */
  public String answer(ActorRef<Peer.Command> peer) {
    String answer = applyOfferAndAnswer();
    peer.tell(new Peer.ApplyAnswer(answer));
    for (IceCandidate candidate : transport.localCandidates()) {
      peer.tell(new Peer.AddRemoteCandidate(candidate.toString()));
    }
    return answer;
  }

  /**
   * As {@link #answer(ActorRef)}, for an instance on the other side of the gateway: the answer and
   * our candidates leave as the client's signalling frames (PROTOCOL.md 4, base64 SDP and candidates).
   */
  public String answer(java.util.function.Consumer<String> signaling) {
    String answer = applyOfferAndAnswer();
    java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
    signaling.accept("{\"type\":\"answer\",\"sdp\":\"" + base64.encodeToString(answer.getBytes(StandardCharsets.UTF_8)) + "\"}");
    for (IceCandidate candidate : transport.localCandidates()) {
      signaling.accept("{\"type\":\"candidate\",\"candidate\":\""
          + base64.encodeToString(candidate.toString().getBytes(StandardCharsets.UTF_8))
          + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}");
    }
    return answer;
  }

  private String applyOfferAndAnswer() {
    SessionDescription offered;
    List<IceCandidate> candidates;
    synchronized (lock) {
      if (offer == null) throw new IllegalStateException("no offer yet");
      if (offerApplied) throw new IllegalStateException("answered already");
      offered = offer;
      candidates = List.copyOf(offerCandidates);
      offerApplied = true;
    }
    String answer = answerSdp(offered);
    IceTransport agent = ice.get();
    candidates.forEach(agent::addRemoteCandidate);
    agent.start(remoteUfrag, remotePassword);
    milestones.get(Milestone.ANSWER_SENT).complete(System.nanoTime());
    return answer;
  }

  /**
   * The Chromium answer template fitted to {@code offered}: only the offered sections, in the
   * offer's BUNDLE group; our ICE credentials and fingerprint; offered extensions only, with the
   * offered ids (RFC 8285 5); inactive where the offer is inactive (RFC 3264 6.1).
   */
  String answerSdp(SessionDescription offered) {
    try {
      SessionDescription template = SdpParser.parse(answerTemplate);
      List<String> mids = new ArrayList<>();
      List<MediaDescription> media = new ArrayList<>();
      for (MediaDescription o : offered.media()) {
        String mid = o.mid().orElseThrow(() -> new SdpException("offer section without a=mid"));
        MediaDescription t = template.mediaWithMid(mid)
            .orElseThrow(() -> new SdpException("the answer template has no section " + mid));
        mids.add(mid);
        media.add(new MediaDescription(t.media(), t.port(), t.portCount(), t.protocol(), t.formats(), fitted(o, t)));
      }
      List<SdpLine> session = new ArrayList<>();
      for (SdpLine line : template.lines()) {
        boolean bundle = line.isAttribute() && line.value().startsWith("group:BUNDLE");
        session.add(bundle ? SdpLine.attribute("group", "BUNDLE " + String.join(" ", mids)) : line);
      }
      return new SessionDescription(template.origin(), template.sessionName(), session, media).toString();
    } catch (SdpException e) {
      throw new IllegalStateException("cannot answer the offer: " + e.getMessage(), e);
    }
  }

  private List<SdpLine> fitted(MediaDescription offered, MediaDescription template) throws SdpException {
    boolean inactive = offered.direction().orElse(Direction.SENDRECV) == Direction.INACTIVE;
    Map<String, Integer> offeredIds = new HashMap<>();
    for (ExtMap e : offered.extMaps()) offeredIds.put(e.uri(), e.id());
    List<SdpLine> lines = new ArrayList<>();
    for (SdpLine line : template.lines()) {
      if (!line.isAttribute()) {
        lines.add(line);
        continue;
      }
      Attribute a = Attribute.parse(line.value());
      switch (a.name()) {
        case "ice-ufrag" -> lines.add(SdpLine.attribute("ice-ufrag", transport.localUfrag()));
        case "ice-pwd" -> lines.add(SdpLine.attribute("ice-pwd", transport.localPassword()));
        case "fingerprint" -> lines.add(SdpLine.attribute("fingerprint", "sha-256 " + transport.localFingerprint()));
        case "extmap" -> {
          ExtMap e = ExtMap.parse(a.value());
          Integer id = offeredIds.get(e.uri());
          if (id != null) lines.add(new ExtMap(id, e.direction(), e.uri(), e.attributes()).toLine());
        }
        case "sendrecv", "sendonly", "recvonly", "inactive" -> lines.add(inactive ? Direction.INACTIVE.toLine() : line);
        default -> lines.add(line);
      }
    }
    return lines;
  }

  private void onIceConnected() {
    milestones.get(Milestone.ICE_CONNECTED).complete(System.nanoTime());
    String ufrag;
    String password;
    String fingerprint;
    synchronized (lock) {
      ufrag = remoteUfrag;
      password = remotePassword;
      fingerprint = remoteFingerprint;
    }
    // Off ice4j's thread: the candidates are in the agent already, so the description brings none.
    timer.execute(() -> transport.applyRemoteDescription(
        new RemoteDescription(ufrag, password, fingerprint, DtlsRole.CLIENT, List.of())));
  }

  private final class TransportEvents implements WebRtcTransport.Listener {
    @Override
    public void onStateChanged(WebRtcTransport.State state, String reason) {
      if (state == WebRtcTransport.State.CONNECTED) {
        milestones.get(Milestone.DTLS_CONNECTED).complete(System.nanoTime());
      }
    }

    @Override
    public void onApplicationData(byte[] data) {
      synchronized (channelLock) {
        if (channels != null) channels.receive(data, nowMillis());
      }
    }

    @Override
    public void onRtp(byte[] rtp) {
      TestBrowser.this.onRtp(rtp);
    }

    @Override
    public void onRtcp(byte[] rtcp) {
      TestBrowser.this.onRtcp(rtcp);
    }
  }

  // --- media ----------------------------------------------------------------------------------

  /** On the reader thread, before SRTP: records SRTP datagrams as they are on the wire. */
  private void onWire(byte[] buf, int off, int len) {
    if (PacketKind.classify(buf, off, len) != PacketKind.RTP) return;
    SrtpProfile profile = transport.srtpProfile();
    if (profile == null) return;
    long now = System.nanoTime();
    try {
      RtpPacket header = RtpPacket.parse(buf, off, len - profile.tagLength());
      byte[] encrypted = new byte[header.payloadLength()];
      System.arraycopy(buf, header.payloadOffset(), encrypted, 0, encrypted.length);
      synchronized (lock) {
        if (wire.size() < MAX_WIRE_PACKETS) {
          wire.add(new WirePacket(header.sequenceNumber(), header.timestamp(), header.marker(), header.payloadType(),
              header.ssrc(), encrypted, now,
              java.util.Arrays.copyOfRange(buf, off, off + len)));
        }
      }
    } catch (MalformedPacketException | IndexOutOfBoundsException e) {
      // Not for us to judge: SRTP counts it.
    }
  }

  private void onRtp(byte[] plain) {
    long now = System.nanoTime();
    RtpPacket packet;
    try {
      packet = RtpPacket.parse(plain, 0, plain.length);
    } catch (MalformedPacketException e) {
      synchronized (lock) {
        malformed++;
      }
      return;
    }
    List<Integer> nack = List.of();
    synchronized (lock) {
      if (packet.ssrc() != videoSsrc || packet.payloadType() != videoPayloadType) {
        foreign++;
        return;
      }
      int absSendTime = absSendTime(packet);
      if (milestones.get(Milestone.FIRST_RTP).complete(now) && absSendTime >= 0) {
        // In one process the peer stamps abs-send-time from the same System.nanoTime(): the
        // value names the send moment within its 64 s window.
        int elapsed = (AbsSendTime.fromNanos(now) - absSendTime) & 0xFF_FFFF;
        firstRtpSentNanos = now - AbsSendTime.toNanos(elapsed);
      }
      long extended = highest < 0 ? packet.sequenceNumber()
          : highest + (short) (packet.sequenceNumber() - (int) (highest & 0xFFFF));
      if (!received.add(extended)) {
        duplicates++;
        return;
      }
      boolean repaired = missing.remove(extended) != null;
      if (repaired) packetsRepaired++;
      packets.add(new ReceivedPacket(packet.sequenceNumber(), packet.timestamp(), packet.marker(),
          packet.payloadType(), packet.ssrc(), packet.payload(), absSendTime, repaired, now));
      payloadOctets += packet.payloadLength();
      if (highest < 0) {
        firstSequence = extended;
        nextToDeliver = extended;
      } else if (extended > highest + 1) {
        List<Integer> lost = new ArrayList<>();
        for (long s = highest + 1; s < extended; s++) {
          Gap gap = new Gap(now);
          missing.put(s, gap);
          if (nackGenerator) {
            gap.nacks = 1;
            gap.lastNackNanos = now;
            lost.add((int) (s & 0xFFFF));
          }
        }
        nack = lost;
      }
      highest = Math.max(highest, extended);
      if (extended >= nextToDeliver) pending.put(extended, packet);
      deliver(now);
    }
    if (!nack.isEmpty()) sendNack(nack);
  }

  private int absSendTime(RtpPacket packet) {
    if (absSendTimeId == 0) return -1;
    try {
      return AbsSendTime.read(packet, absSendTimeId);
    } catch (MalformedPacketException e) {
      return -1;
    }
  }

  /** Under lock: hands the packets in sequence to the depacketizer, waiting at a gap while it may be repaired. */
  private void deliver(long now) {
    while (!pending.isEmpty()) {
      if (!pending.containsKey(nextToDeliver)) {
        Gap gap = missing.get(nextToDeliver);
        boolean wait = gap != null && nackGenerator && now - gap.sinceNanos < GIVE_UP_AFTER.toNanos();
        if (wait) return;
        long next = pending.firstKey();
        for (long s = nextToDeliver; s < next; s++) {
          if (missing.remove(s) != null) packetsGivenUp++;
        }
        nextToDeliver = next;
      }
      RtpPacket packet = pending.remove(nextToDeliver);
      nextToDeliver++;
      depacketize(packet, now);
    }
  }

  private void depacketize(RtpPacket packet, long now) {
    askForKeyframeWhileNoneArrived(now);
    if (packet.timestamp() != frameTimestamp) {
      frameTimestamp = packet.timestamp();
      frameFirstSequence = packet.sequenceNumber();
      framePackets = 0;
    }
    framePackets++;
    Optional<byte[]> frame = codec == VideoCodec.VP8 ? vp8.push(packet) : h264.push(packet);
    if (frame.isPresent()) {
      byte[] data = frame.get();
      boolean keyframe = codec == VideoCodec.VP8 ? Vp8Frame.isKeyframe(data) : hasIdr(data);
      Instant wall = Instant.now();
      frames.add(new ReceivedFrame(packet.timestamp(), data.length, keyframe, frameFirstSequence,
          packet.sequenceNumber(), framePackets, absSendTime(packet), now,
          wall.getEpochSecond() * 1_000_000_000L + wall.getNano()));
      if (keyframe) milestones.get(Milestone.FIRST_KEYFRAME).complete(now);
    }
    if (packet.marker()) frameTimestamp = -1;
  }

  /**
   * As Chromium does, asks with PLI again and again until a keyframe completes: a lost first
   * packet of the first keyframe leaves no gap to NACK, so only a new keyframe can start the
   * picture.
   */
  private void askForKeyframeWhileNoneArrived(long now) {
    if (milestones.get(Milestone.FIRST_KEYFRAME).isDone()) return;
    if (firstPacketNanos == 0) firstPacketNanos = now;
    if (now - firstPacketNanos > KEYFRAME_PATIENCE_NANOS && now - lastPliNanos > KEYFRAME_PATIENCE_NANOS) {
      lastPliNanos = now;
      sendPli();
    }
  }

  /** Whether an Annex-B access unit holds an IDR slice (NAL unit type 5). */
  private static boolean hasIdr(byte[] au) {
    for (int i = 0; i + 3 < au.length; i++) {
      if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1 && (au[i + 3] & 0x1F) == 5) return true;
    }
    return false;
  }

  private void onRtcp(byte[] compound) {
    long now = System.nanoTime();
    Instant wall = Instant.now();
    List<RtcpPacket> parsed;
    try {
      parsed = RtcpParser.parseCompound(compound);
    } catch (MalformedRtcpException e) {
      parsed = e.parsed();
    }
    synchronized (lock) {
      for (RtcpPacket p : parsed) {
        if (p instanceof SenderReport report) {
          long wallNanos = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
          senderReports.add(new ReceivedSenderReport(report, now, wallNanos, packets.size(), payloadOctets));
          lastSrMiddle = NtpTime.middle32(report.ntpTime());
          lastSrArrivalNanos = now;
        }
      }
    }
  }

  // --- the control data channel (SCTP over DTLS, DCEP), as Chromium opens it ------------------

  /**
   * Connects SCTP over the DTLS connection and opens {@code control} (PROTOCOL.md 6), as the
   * browser does once DTLS is up (stream 0: the DTLS client takes even ids, RFC 8832 6).
   */
  public void openControlChannel() {
    synchronized (channelLock) {
      if (channels != null) throw new IllegalStateException("the control channel is open already");
      channels = new DataChannels(SctpSettings.webrtc().withMaxPacketSize(dtlsSettings.applicationDataLimit()),
          new DataChannels.Listener() {
            @Override
            public void onPacket(byte[] packet) {
              transport.sendApplicationData(packet);
            }

            @Override
            public void onChannelOpened(DataChannel channel) {}

            @Override
            public void onTextMessage(DataChannel channel, String text) {
              controlReceived.add(text);
            }

            @Override
            public void onBinaryMessage(DataChannel channel, byte[] data) {}

            @Override
            public void onChannelClosed(DataChannel channel) {}

            @Override
            public void onAssociationClosed(CloseReason reason, String detail) {}
          });
      long now = nowMillis();
      channels.association().connect(now);
      control = channels.open(0, "control", "", ChannelType.RELIABLE, 256, 0, now);
    }
  }

  /** Sends a message on {@code control}; false when the association takes no more. */
  public boolean sendControl(String json) {
    synchronized (channelLock) {
      if (control == null) throw new IllegalStateException("no control channel: openControlChannel first");
      return channels.send(control, json, nowMillis());
    }
  }

  /** What the instance sent on {@code control}, in order. */
  public List<String> controlReceived() {
    synchronized (channelLock) {
      return List.copyOf(controlReceived);
    }
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  /** On the timer thread: NACKs a second time what is still missing, and gives gaps up. */
  private void onTick() {
    synchronized (channelLock) {
      if (channels != null && channels.nextTimeout() != SctpAssociation.NO_TIMEOUT
          && channels.nextTimeout() <= nowMillis()) {
        channels.handleTimeout(nowMillis());
      }
    }
    long now = System.nanoTime();
    List<Integer> again = new ArrayList<>();
    synchronized (lock) {
      if (nackGenerator) {
        for (Map.Entry<Long, Gap> e : missing.entrySet()) {
          Gap gap = e.getValue();
          if (gap.nacks == 1 && now - gap.lastNackNanos >= RENACK_AFTER.toNanos()) {
            gap.nacks = 2;
            gap.lastNackNanos = now;
            again.add((int) (e.getKey() & 0xFFFF));
          }
        }
      }
      deliver(now);
    }
    if (!again.isEmpty()) sendNack(again);
  }

  // --- RTCP out -------------------------------------------------------------------------------

  /** Turns the minimal NACK generator on or off (see the class comment). */
  public void nackGenerator(boolean on) {
    synchronized (lock) {
      nackGenerator = on;
    }
  }

  /** RFC 4585 6.3.1. */
  public boolean sendPli() {
    return sendFeedback(new PictureLossIndication(RTCP_SSRC, videoSsrc()));
  }

  /** RFC 5104 4.3.1, with a new command sequence number each time. */
  public boolean sendFir() {
    return sendFeedback(new FullIntraRequest(RTCP_SSRC, 0,
        List.of(new FullIntraRequest.Entry(videoSsrc(), firSequence.getAndIncrement() & 0xFF))));
  }

  /** RFC 4585 6.2.1. */
  public boolean sendNack(List<Integer> sequenceNumbers) {
    boolean sent = sendFeedback(new GenericNack(RTCP_SSRC, videoSsrc(), sequenceNumbers));
    if (sent) {
      synchronized (lock) {
        nacksSent++;
      }
    }
    return sent;
  }

  /** draft-alvestrand-rmcat-remb: the browser's receive estimate for the video stream. */
  public boolean sendRemb(long bitsPerSecond) {
    return sendFeedback(new Remb(RTCP_SSRC, bitsPerSecond, List.of(videoSsrc())));
  }

  /** A receiver report alone. */
  public boolean sendReceiverReport() {
    return transport.sendRtcp(RtcpCompound.write(List.of(receiverReport())));
  }

  /** A compound packet as Chromium sends feedback: a receiver report first (RFC 4585 3.1). */
  private boolean sendFeedback(RtcpPacket feedback) {
    return transport.sendRtcp(RtcpCompound.write(List.of(receiverReport(), feedback)));
  }

  /** RFC 3550 6.4.1 and A.3, without jitter. */
  private ReceiverReport receiverReport() {
    synchronized (lock) {
      if (highest < 0) return new ReceiverReport(RTCP_SSRC, List.of());
      long expected = highest - firstSequence + 1;
      long lost = expected - received.size();
      long expectedInterval = expected - expectedAtLastReport;
      long lostInterval = expectedInterval - (received.size() - receivedAtLastReport);
      expectedAtLastReport = expected;
      receivedAtLastReport = received.size();
      int fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0
          : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
      long delay = lastSrMiddle == 0 ? 0 : NtpTime.toDelayUnits(System.nanoTime() - lastSrArrivalNanos);
      int cumulative = (int) Math.max(ReportBlock.MIN_CUMULATIVE_LOST, Math.min(ReportBlock.MAX_CUMULATIVE_LOST, lost));
      return new ReceiverReport(RTCP_SSRC, List.of(new ReportBlock(videoSsrc, fraction, cumulative,
          highest & 0xFFFF_FFFFL, 0, lastSrMiddle, delay & 0xFFFF_FFFFL)));
    }
  }

  /** Sends bytes as they are from our connected ICE socket to the peer: garbage, forgeries. */
  public boolean sendRaw(byte[] datagram) {
    return ice.get().send(datagram, 0, datagram.length);
  }

  // --- queries --------------------------------------------------------------------------------

  /** Waits for a milestone; returns its System.nanoTime(). */
  public long await(Milestone milestone, Duration timeout) {
    try {
      return milestones.get(milestone).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(milestone + " not reached within " + timeout + "; " + this);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  public OptionalLong milestone(Milestone milestone) {
    Long at = milestones.get(milestone).getNow(null);
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /**
   * When the peer sent the first RTP packet, read from its abs-send-time (System.nanoTime(); valid
   * only with the peer in this process), or empty before it arrived.
   */
  public OptionalLong firstRtpSentNanos() {
    synchronized (lock) {
      return firstRtpSentNanos < 0 ? OptionalLong.empty() : OptionalLong.of(firstRtpSentNanos);
    }
  }

  public VideoCodec codec() {
    return codec;
  }

  /** The transport, for its counters and state. */
  public WebRtcTransport transport() {
    return transport;
  }

  /** The offered video SSRC, or -1 before the offer. */
  public long videoSsrc() {
    synchronized (lock) {
      return videoSsrc;
    }
  }

  public List<ReceivedPacket> packets() {
    synchronized (lock) {
      return List.copyOf(packets);
    }
  }

  public List<WirePacket> wirePackets() {
    synchronized (lock) {
      return List.copyOf(wire);
    }
  }

  public List<ReceivedFrame> frames() {
    synchronized (lock) {
      return List.copyOf(frames);
    }
  }

  public int frameCount() {
    synchronized (lock) {
      return frames.size();
    }
  }

  public List<ReceivedSenderReport> senderReports() {
    synchronized (lock) {
      return List.copyOf(senderReports);
    }
  }

  /** Frames the depacketizer dropped because a packet of theirs was missing or malformed. */
  public long framesDropped() {
    synchronized (lock) {
      return codec == VideoCodec.VP8 ? vp8.droppedFrames() : h264.droppedAccessUnits();
    }
  }

  /** Sequence numbers given up on (never repaired). */
  public long packetsGivenUp() {
    synchronized (lock) {
      return packetsGivenUp;
    }
  }

  /** Sequence numbers seen missing and filled later. */
  public long packetsRepaired() {
    synchronized (lock) {
      return packetsRepaired;
    }
  }

  /** Sequence numbers missing now. */
  public int packetsMissing() {
    synchronized (lock) {
      return missing.size();
    }
  }

  public long nacksSent() {
    synchronized (lock) {
      return nacksSent;
    }
  }

  public List<String> signalingErrors() {
    synchronized (lock) {
      return List.copyOf(signalingErrors);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "TestBrowser[" + codec + ", transport " + transport.state() + ", " + packets.size() + " packets, "
          + frames.size() + " frames, " + framesDropped() + " dropped, " + missing.size() + " missing, "
          + packetsRepaired + " repaired, " + packetsGivenUp + " given up, " + nacksSent + " NACKs, "
          + duplicates + " duplicates, " + foreign + " foreign, " + malformed + " malformed, "
          + senderReports.size() + " SRs, errors " + signalingErrors + "]";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    transport.close();
  }

  private static String base64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }
}
