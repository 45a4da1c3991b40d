package org.streamstack.cluster.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.gateway.SessionStatus;

class SessionRecordTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(30);

  private static SessionRecord record(boolean joinable, int idleMin, SessionStatus status, Instant unattendedSince) {
    return new SessionRecord("id", "acme", "demo", null, "local", joinable, false, idleMin, Screen.DEFAULT, null, T0,
        status, null, "d", T0, "i", unattendedSince, null);
  }

  @Test
  void joinableSessionEndsAfterTheGracePeriod() {
    assertEquals(T0.plus(GRACE), record(true, 0, SessionStatus.ACTIVE, T0).unattendedDeadline(GRACE));
  }

  @Test
  void idleTimeEndsAnySessionAndTheEarlierDeadlineWins() {
    assertEquals(T0.plusSeconds(600), record(false, 10, SessionStatus.CREATED, T0).unattendedDeadline(GRACE));
    assertEquals(T0.plusSeconds(600), record(true, 10, SessionStatus.CREATED, T0).unattendedDeadline(GRACE));
    assertEquals(T0.plus(GRACE), record(true, 60, SessionStatus.CREATED, T0).unattendedDeadline(GRACE));
    assertEquals("no client attached for 10 minutes (idle_time_min)",
        record(true, 10, SessionStatus.CREATED, T0).unattendedReason(GRACE));
  }

  @Test
  void noDeadlineWhileAttendedEndedOrNeitherJoinableNorIdleLimited() {
    assertNull(record(true, 10, SessionStatus.ACTIVE, null).unattendedDeadline(GRACE));
    assertNull(record(true, 10, SessionStatus.TERMINATED, T0).unattendedDeadline(GRACE));
    assertNull(record(false, 0, SessionStatus.ACTIVE, T0).unattendedDeadline(GRACE));
  }
}
