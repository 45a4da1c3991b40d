package org.streamstack.cluster.gateway.session;

import java.time.Duration;
import java.time.Instant;
import org.streamstack.cluster.serialization.CborSerializable;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.gateway.SessionStatus;

/**
 * What the gateway knows of one session: the state of {@link SessionEntity}. Credentials are kept
 * as digests only. {@code unattendedSince} is set while no client is attached; it starts the
 * grace and idle deadlines. {@code instanceId} is the AMS instance serving the session, once known
 * (null in manual mode, and until the region's agent has started it).
 */
public record SessionRecord(
    String id,
    String owner,
    String app,
    Integer appVersion,
    String region,
    boolean joinable,
    boolean ephemeral,
    int idleTimeMin,
    Screen screen,
    String extraData,
    Instant createdAt,
    SessionStatus status,
    String statusMessage,
    String clientCredentialDigest,
    Instant clientCredentialExpiresAt,
    String instanceCredentialDigest,
    Instant unattendedSince,
    String instanceId)
    implements CborSerializable {

  public boolean ended() {
    return status == SessionStatus.TERMINATING || status == SessionStatus.TERMINATED;
  }

  public boolean clientAttached() {
    return unattendedSince == null;
  }

  /**
   * When this session ends for want of a client, or null when it does not: a joinable session
   * after the grace period, any session with {@code idle_time_min} after that long.
   */
  public Instant unattendedDeadline(Duration gracePeriod) {
    if (ended() || unattendedSince == null) return null;
    Instant deadline = null;
    if (joinable) deadline = unattendedSince.plus(gracePeriod);
    if (idleTimeMin > 0) {
      Instant idle = unattendedSince.plus(Duration.ofMinutes(idleTimeMin));
      if (deadline == null || idle.isBefore(deadline)) deadline = idle;
    }
    return deadline;
  }

  /** Why {@link #unattendedDeadline} ends this session, for its status message. */
  public String unattendedReason(Duration gracePeriod) {
    Instant grace = joinable ? unattendedSince.plus(gracePeriod) : null;
    Instant idle = idleTimeMin > 0 ? unattendedSince.plus(Duration.ofMinutes(idleTimeMin)) : null;
    if (idle != null && (grace == null || !grace.isBefore(idle))) {
      return "no client attached for " + idleTimeMin + " minutes (idle_time_min)";
    }
    return "no client joined within the grace period of " + gracePeriod.toSeconds() + " s";
  }

  SessionRecord withStatus(SessionStatus newStatus, String message) {
    return new SessionRecord(id, owner, app, appVersion, region, joinable, ephemeral, idleTimeMin, screen,
        extraData, createdAt, newStatus, message, clientCredentialDigest, clientCredentialExpiresAt,
        instanceCredentialDigest, unattendedSince, instanceId);
  }

  SessionRecord withClientCredential(String digest, Instant expiresAt, Screen newScreen) {
    return new SessionRecord(id, owner, app, appVersion, region, joinable, ephemeral, idleTimeMin,
        newScreen != null ? newScreen : screen, extraData, createdAt, status, statusMessage, digest, expiresAt,
        instanceCredentialDigest, unattendedSince, instanceId);
  }

  SessionRecord withInstanceCredential(String digest) {
    return new SessionRecord(id, owner, app, appVersion, region, joinable, ephemeral, idleTimeMin, screen,
        extraData, createdAt, status, statusMessage, clientCredentialDigest, clientCredentialExpiresAt,
        digest, unattendedSince, instanceId);
  }

  SessionRecord withUnattendedSince(Instant since) {
    return new SessionRecord(id, owner, app, appVersion, region, joinable, ephemeral, idleTimeMin, screen,
        extraData, createdAt, status, statusMessage, clientCredentialDigest, clientCredentialExpiresAt,
        instanceCredentialDigest, since, instanceId);
  }

  SessionRecord withInstanceId(String newInstanceId) {
    return new SessionRecord(id, owner, app, appVersion, region, joinable, ephemeral, idleTimeMin, screen,
        extraData, createdAt, status, statusMessage, clientCredentialDigest, clientCredentialExpiresAt,
        instanceCredentialDigest, unattendedSince, newInstanceId);
  }
}
