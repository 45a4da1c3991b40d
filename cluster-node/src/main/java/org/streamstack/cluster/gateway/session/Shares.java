package org.streamstack.cluster.gateway.session;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.gateway.ShareRules;

/**
 * The shares of one session (issue 6), part of the state of {@link SessionEntity}: the live ones,
 * and the ids of the last few that ended with why, so that joining one says "share expired"
 * rather than "no such share". Secrets and peer credentials are kept as digests only.
 *
 * <p>A share's id starts with its session's id ({@code <session id>-<12 hex>}), so that the
 * gateway finds the session of a share from the id alone, with no index to keep; a peer's id is
 * {@code <share id>.<n>} and its socket credential {@code <peer id>.<secret>}.
 */
public record Shares(List<Share> live, List<Ended> ended) implements CborSerializable {

  public static final Shares NONE = new Shares(List.of(), List.of());

  /** How many ended shares are remembered, for their message. */
  private static final int ENDED_KEPT = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One share. {@code joins} counts every join, for the next peer's number; {@code peers} are the
   * peers that joined and have not been cut.
   */
  public record Share(
      String id,
      String type,
      String description,
      Instant expiryAt,
      Instant createdAt,
      String secretDigest,
      int joins,
      List<Peer> peers)
      implements CborSerializable {

    public boolean control() {
      return ShareRules.CONTROL.equals(type);
    }

    public List<String> peerIds() {
      return peers.stream().map(Peer::id).toList();
    }

    Share withPeers(int newJoins, List<Peer> newPeers) {
      return new Share(id, type, description, expiryAt, createdAt, secretDigest, newJoins, List.copyOf(newPeers));
    }
  }

  /** A peer of a share: the digest of its socket credential and until when that connects. */
  public record Peer(String id, String credentialDigest, Instant credentialExpiresAt) implements CborSerializable {}

  public record Ended(String id, String reason) implements CborSerializable {}

  public static String newShareId(String sessionId) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return sessionId + "-" + HexFormat.of().formatHex(bytes);
  }

  /** The session a share id belongs to (its first 36 characters), or null when it is no share id. */
  public static String sessionOf(String shareId) {
    if (shareId == null || shareId.length() != 36 + 1 + 12 || shareId.charAt(36) != '-') return null;
    for (int i = 37; i < shareId.length(); i++) {
      if (Character.digit(shareId.charAt(i), 16) < 0) return null;
    }
    return shareId.substring(0, 36);
  }

  /** The share a peer id belongs to, or null when it is none. */
  public static String shareOfPeer(String peerId) {
    int dot = peerId == null ? -1 : peerId.lastIndexOf('.');
    return dot < 0 ? null : peerId.substring(0, dot);
  }

  /** The peer a socket credential names, or null when it is the owner's (which has no dot). */
  public static String peerOfCredential(String credential) {
    int dot = credential == null ? -1 : credential.lastIndexOf('.');
    return dot < 0 ? null : credential.substring(0, dot);
  }

  public Share find(String shareId) {
    for (Share share : live) {
      if (share.id().equals(shareId)) return share;
    }
    return null;
  }

  public String endedReason(String shareId) {
    for (Ended e : ended) {
      if (e.id().equals(shareId)) return e.reason();
    }
    return null;
  }

  Shares with(Share share) {
    List<Share> next = new ArrayList<>(live.size() + 1);
    boolean replaced = false;
    for (Share s : live) {
      if (s.id().equals(share.id())) {
        next.add(share);
        replaced = true;
      } else {
        next.add(s);
      }
    }
    if (!replaced) next.add(share);
    return new Shares(List.copyOf(next), ended);
  }

  Shares without(String shareId, String reason) {
    List<Share> next = live.stream().filter(s -> !s.id().equals(shareId)).toList();
    List<Ended> endedNext = new ArrayList<>(ended);
    endedNext.add(new Ended(shareId, reason));
    while (endedNext.size() > ENDED_KEPT) endedNext.remove(0);
    return new Shares(next, List.copyOf(endedNext));
  }

  Shares peerJoined(String shareId, Peer peer, Set<String> dropped) {
    Share share = find(shareId);
    if (share == null) return this;
    List<Peer> peers = new ArrayList<>();
    for (Peer p : share.peers()) {
      if (!dropped.contains(p.id())) peers.add(p);
    }
    peers.add(peer);
    return with(share.withPeers(share.joins() + 1, peers));
  }
}
