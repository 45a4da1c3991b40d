package org.streamstack.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything an offer depends on that is not fixed by PROTOCOL.md 5: our ICE credentials and
 * candidates (from the ICE agent), our DTLS certificate's fingerprint, the client's settings
 * ({@code enable_speaker}, {@code video.preferred_decoder_codecs}) and our stream identities.
 * Build it with {@link #builder()}.
 *
 * <ul>
 *   <li>{@code iceUfrag}, {@code icePwd}: RFC 8839 5.4, 4-256 and 22-256 ice-chars;
 *   <li>{@code fingerprint}: of our DTLS certificate, normally {@link Fingerprint#sha256Of};
 *   <li>{@code candidates}: our gathered candidates, possibly none (trickled later);
 *       {@code endOfCandidates} adds {@code a=end-of-candidates} (RFC 8840) after them;
 *   <li>{@code preferredVideoCodecs}: the client's {@code preferred_decoder_codecs}, any names;
 *   <li>{@code sendableVideoCodecs}: the codecs the instance's application may be sent in (its
 *       configuration); empty means every codec we support;
 *   <li>{@code audioActive}: false when the client said {@code enable_speaker: false};
 *   <li>SSRCs (RFC 3550, 32 bits, distinct), {@code cname} (RFC 7022: random per session),
 *       {@code streamId} and track ids (RFC 8830 2: 1-64 token chars);
 *   <li>{@code includeDataChannel}: the {@code m=application} section for the control channel.
 * </ul>
 */
public record OfferParameters(
    String iceUfrag,
    String icePwd,
    Fingerprint fingerprint,
    List<IceCandidate> candidates,
    boolean endOfCandidates,
    List<String> preferredVideoCodecs,
    List<String> sendableVideoCodecs,
    boolean audioActive,
    long audioSsrc,
    long videoSsrc,
    String cname,
    String streamId,
    String audioTrackId,
    String videoTrackId,
    boolean includeDataChannel) {

  public OfferParameters {
    Objects.requireNonNull(fingerprint, "fingerprint");
    candidates = List.copyOf(candidates);
    preferredVideoCodecs = List.copyOf(preferredVideoCodecs);
    sendableVideoCodecs = List.copyOf(sendableVideoCodecs);
    if (!Tokens.isIceChars(iceUfrag) || iceUfrag.length() < 4 || iceUfrag.length() > 256) {
      throw new IllegalArgumentException("ice-ufrag must be 4-256 ice-chars (RFC 8839 5.4): " + iceUfrag);
    }
    if (!Tokens.isIceChars(icePwd) || icePwd.length() < 22 || icePwd.length() > 256) {
      throw new IllegalArgumentException("ice-pwd must be 22-256 ice-chars (RFC 8839 5.4)");
    }
    checkSsrc("audioSsrc", audioSsrc);
    checkSsrc("videoSsrc", videoSsrc);
    if (audioSsrc == videoSsrc) throw new IllegalArgumentException("audio and video need distinct SSRCs: " + audioSsrc);
    if (cname == null || cname.isEmpty() || cname.length() > 255 || cname.chars().anyMatch(c -> c <= ' ' || c == 0x7F)) {
      throw new IllegalArgumentException("cname must be 1-255 visible characters (RFC 5576 6.1): " + cname);
    }
    checkMsidId("streamId", streamId);
    checkMsidId("audioTrackId", audioTrackId);
    checkMsidId("videoTrackId", videoTrackId);
  }

  public static Builder builder() {
    return new Builder();
  }

  private static void checkSsrc(String what, long ssrc) {
    if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) throw new IllegalArgumentException(what + " must fit 32 bits: " + ssrc);
  }

  private static void checkMsidId(String what, String id) {
    if (!Tokens.isToken(id) || id.length() > 64) {
      throw new IllegalArgumentException(what + " must be 1-64 token chars (RFC 8830 2): " + id);
    }
  }

  /**
   * Defaults: no candidates and no end-of-candidates (trickle), no preferred codecs (H.264,
   * VP8), audio active, data channel included, stream "streamstack" with tracks "audio" and
   * "video". Credentials, fingerprint, SSRCs and cname have no default.
   */
  public static final class Builder {
    private String iceUfrag;
    private String icePwd;
    private Fingerprint fingerprint;
    private final List<IceCandidate> candidates = new ArrayList<>();
    private boolean endOfCandidates;
    private List<String> preferredVideoCodecs = List.of();
    private List<String> sendableVideoCodecs = List.of();
    private boolean audioActive = true;
    private long audioSsrc = -1;
    private long videoSsrc = -1;
    private String cname;
    private String streamId = "streamstack";
    private String audioTrackId = "audio";
    private String videoTrackId = "video";
    private boolean includeDataChannel = true;

    private Builder() {}

    public Builder ice(String ufrag, String pwd) {
      this.iceUfrag = ufrag;
      this.icePwd = pwd;
      return this;
    }

    public Builder fingerprint(Fingerprint fingerprint) {
      this.fingerprint = fingerprint;
      return this;
    }

    public Builder candidates(List<IceCandidate> candidates) {
      this.candidates.clear();
      this.candidates.addAll(candidates);
      return this;
    }

    public Builder candidate(IceCandidate candidate) {
      this.candidates.add(candidate);
      return this;
    }

    public Builder endOfCandidates(boolean endOfCandidates) {
      this.endOfCandidates = endOfCandidates;
      return this;
    }

    public Builder preferredVideoCodecs(List<String> names) {
      this.preferredVideoCodecs = List.copyOf(names);
      return this;
    }

    /** Names of the codecs the application may be sent in; empty (the default): all we support. */
    public Builder sendableVideoCodecs(List<String> names) {
      this.sendableVideoCodecs = List.copyOf(names);
      return this;
    }

    public Builder audioActive(boolean audioActive) {
      this.audioActive = audioActive;
      return this;
    }

    public Builder ssrcs(long audioSsrc, long videoSsrc) {
      this.audioSsrc = audioSsrc;
      this.videoSsrc = videoSsrc;
      return this;
    }

    public Builder cname(String cname) {
      this.cname = cname;
      return this;
    }

    public Builder stream(String streamId, String audioTrackId, String videoTrackId) {
      this.streamId = streamId;
      this.audioTrackId = audioTrackId;
      this.videoTrackId = videoTrackId;
      return this;
    }

    public Builder includeDataChannel(boolean includeDataChannel) {
      this.includeDataChannel = includeDataChannel;
      return this;
    }

    /** @throws IllegalArgumentException when a value breaks the rules above */
    public OfferParameters build() {
      return new OfferParameters(iceUfrag, icePwd, fingerprint, candidates, endOfCandidates, preferredVideoCodecs,
          sendableVideoCodecs, audioActive, audioSsrc, videoSsrc, cname, streamId, audioTrackId, videoTrackId, includeDataChannel);
    }
  }
}
