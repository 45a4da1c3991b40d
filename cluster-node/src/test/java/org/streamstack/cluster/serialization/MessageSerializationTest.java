package org.streamstack.cluster.serialization;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.gateway.accounts.AccountRegistry;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.gateway.session.SessionIndex;
import org.streamstack.cluster.gateway.session.SessionRecord;
import org.streamstack.cluster.gateway.session.Shares;
import org.streamstack.cluster.gateway.signaling.Side;
import org.streamstack.cluster.gateway.signaling.SignalingChannel;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.protocol.gateway.Screen;
import org.streamstack.protocol.gateway.SessionStatus;

/**
 * Every message that crosses members and every event that reaches the journal survives the
 * serializer it is bound to (Jackson CBOR), with equality.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageSerializationTest {

  private ActorTestKit testKit;
  private SerializationTestKit serialization;

  @BeforeAll
  void start() {
    testKit = ActorTestKit.create(NodeOptions.defaults().arteryPort(FreePorts.next())
        .with("pekko.actor.serialize-messages = off").toConfig());
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private void roundTrip(Object... messages) {
    for (Object message : messages) serialization.verifySerialization(message, true);
  }

  @Test
  void sessionCommandsRepliesEventsAndState() {
    ActorRef<SessionEntity.Reply> replyTo = testKit.<SessionEntity.Reply>createTestProbe().getRef();
    Instant now = Instant.parse("2026-11-21T10:15:30.123456Z");
    Screen screen = new Screen(1920, 1080, 30, 240);
    SessionRecord record = new SessionRecord("0b6f3c9e-4a55-4b7c-9d7e-2d1c8a4f0e11", "acme", "demo", 2, "local",
        true, false, 5, screen, "{\"level\":3}", now, SessionStatus.ACTIVE, "fine", "ZGlnZXN0", now.plusSeconds(300),
        "aW5zdGFuY2U", null, "instance-7");
    roundTrip(
        new SessionEntity.Create(new SessionEntity.Spec("acme", "demo", null, "local", true, false, 0, screen, null, null), replyTo),
        new SessionEntity.Create(new SessionEntity.Spec("acme", "demo", 3, "eu", true, false, 0, screen, null, "i-1"), replyTo),
        new SessionEntity.Get("acme", replyTo),
        new SessionEntity.Get(null, replyTo),
        new SessionEntity.IssueClientCredential("acme", true, new Screen(800, null, null, null), replyTo),
        new SessionEntity.IssueInstanceCredential(replyTo),
        new SessionEntity.AuthorizeSocket(Side.INSTANCE, "secret", replyTo),
        new SessionEntity.DetachClient("ICE failed", replyTo),
        new SessionEntity.DetachClient(null, replyTo),
        new SessionEntity.AssignInstance("instance-7", replyTo),
        new SessionEntity.InstanceStopped("its instance stopped", replyTo),
        new SessionEntity.Fail("gone", replyTo),
        new SessionEntity.Terminate("acme", "deleted", replyTo),
        new SessionEntity.Accepted(record, "secret"),
        new SessionEntity.Refused(SessionEntity.Refusal.NOT_JOINABLE, "no"),
        new SessionEntity.Created(record),
        new SessionEntity.ClientCredentialIssued("ZGln", now, screen),
        new SessionEntity.ClientCredentialIssued("ZGln", now, null),
        new SessionEntity.InstanceCredentialIssued("ZGln"),
        new SessionEntity.InstanceConnected(now),
        new SessionEntity.ClientAttached(now),
        new SessionEntity.ClientDetached(now),
        new SessionEntity.Failed("why", now),
        new SessionEntity.InstanceAssigned("instance-7"),
        new SessionEntity.TerminationStarted("why", now),
        new SessionEntity.Terminated("why", now),
        new SessionEntity.Live(record),
        new SessionEntity.NotCreated());
  }

  @Test
  void shareCommandsRepliesEventsAndState() {
    ActorRef<SessionEntity.Reply> replyTo = testKit.<SessionEntity.Reply>createTestProbe().getRef();
    Instant now = Instant.parse("2026-11-21T10:15:30.123456Z");
    String shareId = "0b6f3c9e-4a55-4b7c-9d7e-2d1c8a4f0e11-0a1b2c3d4e5f";
    Shares.Peer peer = new Shares.Peer(shareId + ".1", "ZGln", now.plusSeconds(300));
    Shares.Share share = new Shares.Share(shareId, "view", "for Ann", now.plusSeconds(3600), now, "c2VjcmV0", 1,
        List.of(peer));
    Shares.Share fresh = new Shares.Share(shareId, "control", "", now.plusSeconds(60), now, "c2VjcmV0", 0, List.of());
    Shares shares = new Shares(List.of(share, fresh), List.of(new Shares.Ended("x-1", "share x-1 expired")));
    SessionRecord record = new SessionRecord("0b6f3c9e-4a55-4b7c-9d7e-2d1c8a4f0e11", "acme", "demo", null, "local",
        false, false, 0, new Screen(1280, 720, 60, 240), null, now, SessionStatus.ACTIVE, null, "ZGln",
        now.plusSeconds(300), "aW5z", null, null);
    roundTrip(
        new SessionEntity.CreateShare("acme", "view", "for Ann", now.plusSeconds(3600), replyTo),
        new SessionEntity.CreateShare("acme", "control", null, now, replyTo),
        new SessionEntity.ListShares("acme", replyTo),
        new SessionEntity.ChangeShare("acme", shareId, "new", null, replyTo),
        new SessionEntity.ChangeShare("acme", shareId, null, now, replyTo),
        new SessionEntity.EndShare("acme", shareId, replyTo),
        new SessionEntity.JoinShare(shareId, "c2VjcmV0", replyTo),
        new SessionEntity.SharePeerSocketClosed(shareId + ".1"),
        new SessionEntity.ShareAccepted(share, "c2VjcmV0"),
        new SessionEntity.ShareAccepted(fresh, null),
        new SessionEntity.SharesListed(List.of(share, fresh)),
        new SessionEntity.SharesListed(List.of()),
        new SessionEntity.PeerAdmitted(share, shareId + ".2", shareId + ".2.c2Vj"),
        new SessionEntity.PeerSocketAccepted(shareId + ".2", "control"),
        new SessionEntity.ShareCreated(share),
        new SessionEntity.ShareChanged(shareId, "d", now),
        new SessionEntity.ShareChanged(shareId, null, null),
        new SessionEntity.ShareEnded(shareId, "deleted"),
        new SessionEntity.SharePeerJoined(shareId, peer, List.of(shareId + ".0")),
        new SessionEntity.SharePeerJoined(shareId, peer, List.of()),
        new SessionEntity.Live(record, shares),
        new SessionEntity.Live(record, Shares.NONE));
  }

  @Test
  void sharePeerSignalingMessages() {
    TestProbe<SignalingChannel.Outbound> socket = testKit.createTestProbe();
    SignalingChannel.Connection peerConnection = new SignalingChannel.Connection("c-2", 1795305823928L, socket.getRef(),
        new SignalingChannel.Peer("s-1.1", "view"));
    roundTrip(
        peerConnection,
        new SignalingChannel.Attach(Side.CLIENT, peerConnection),
        new SignalingChannel.Relay(Side.CLIENT, peerConnection, "{\"type\":\"discover\"}"),
        new SignalingChannel.AdmitPeer("s-1.1", "control"),
        new SignalingChannel.CutPeers(List.of("s-1.1", "s-1.2"), "share s-1 expired"),
        new SignalingChannel.FromGateway("{\"type\":\"gateway:peer-left\",\"peer\":\"s-1.1\"}"));
  }

  @Test
  void indexAccountAndSignalingMessages() {
    TestProbe<SignalingChannel.Outbound> socket = testKit.createTestProbe();
    Instant now = Instant.parse("2026-11-21T10:15:30Z");
    SignalingChannel.Connection connection = new SignalingChannel.Connection("c-1", 1795305823928L, socket.getRef());
    HashMap<String, Instant> sessions = new HashMap<>(Map.of("a", now));
    roundTrip(
        new SessionIndex.Register("a", now, testKit.<org.apache.pekko.Done>createTestProbe().getRef()),
        new SessionIndex.Forget("a"),
        new SessionIndex.ListSessions(testKit.<SessionIndex.Entries>createTestProbe().getRef()),
        new SessionIndex.Entries(Map.of("a", now)),
        new SessionIndex.Registered("a", now),
        new SessionIndex.Forgotten("a"),
        new SessionIndex.State(sessions),
        new AccountRegistry.CreateAccount("acme", Duration.ofDays(30), testKit.<AccountRegistry.Reply>createTestProbe().getRef()),
        new AccountRegistry.CreateAccount("acme", null, testKit.<AccountRegistry.Reply>createTestProbe().getRef()),
        new AccountRegistry.Verify("ZGln", testKit.<AccountRegistry.Verification>createTestProbe().getRef()),
        new AccountRegistry.Verification("acme", now),
        new AccountRegistry.Verification(null, null),
        new AccountRegistry.AccountCreated(new AccountRegistry.AccountSummary("acme", now, null), "token"),
        new AccountRegistry.Accounts(List.of(new AccountRegistry.AccountSummary("acme", now, now))),
        new AccountRegistry.Refused(true, "exists"),
        new AccountRegistry.AccountOpened("acme", "ZGln", now, null),
        new AccountRegistry.AccountClosed("acme"),
        new SignalingChannel.Attach(Side.CLIENT, connection),
        new SignalingChannel.Relay(Side.INSTANCE, connection, "{\"type\":\"offer\",\"sdp\":\"dj0w\"}"),
        new SignalingChannel.Detach(Side.CLIENT, "c-1"),
        new SignalingChannel.Close("ended"),
        new SignalingChannel.Frame("{\"type\":\"answer\"}"),
        new SignalingChannel.Closing("replaced"));
  }
}
