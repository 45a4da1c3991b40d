package org.streamstack.cluster.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.NodeProcess;
import org.streamstack.cluster.testing.Postgres;

/**
 * kill -9 of one of three cluster-node processes (journal on PostgreSQL) while clients create
 * sessions and signal through them, retrying on any member when a request fails. No session the
 * gateway acknowledged (201) is lost, the two others take the dead member's shards over once the
 * failure detector and the split brain resolver have downed it, and the clients get through.
 */
class MemberFailureTest {

  /**
   * Downing made short for the test (production: cluster-node.conf, STREAMSTACK_SBR_STABLE_AFTER):
   * a member is unreachable after {@value #HEARTBEAT_PAUSE_S} s without heartbeats, and the split
   * brain resolver (keep-majority) downs it once membership has been stable for
   * {@value #STABLE_AFTER_S} s; the shards of a downed member move after that margin again, at
   * the coordinators' next attempt to write their state (every 5 s, updating-state-timeout) once
   * it is removed. The bound allows 12 s beyond the two timeouts for that and for a loaded machine.
   */
  private static final int HEARTBEAT_PAUSE_S = 3;
  private static final int STABLE_AFTER_S = 3;
  private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(HEARTBEAT_PAUSE_S + 2 * STABLE_AFTER_S + 12);
  private static final String DOWNING = """
      pekko.cluster.failure-detector.acceptable-heartbeat-pause = %ds
      pekko.cluster.split-brain-resolver.active-strategy = keep-majority
      pekko.cluster.split-brain-resolver.stable-after = %ds
      streamstack.gateway.sessions.ask-timeout = 3s
      """.formatted(HEARTBEAT_PAUSE_S, STABLE_AFTER_S);
  private static final int CLIENTS = 4;

  private static Postgres postgres;
  private static final List<NodeProcess> members = new ArrayList<>();

  @BeforeAll
  static void start() {
    postgres = Postgres.start();
    int seedPort = FreePorts.next();
    for (int i = 0; i < 3; i++) {
      NodeProcess.Builder builder = NodeProcess.builder("member-failure-test").journal(postgres).seedNodes(seedPort)
          .settings(DOWNING);
      if (i == 0) builder.arteryPort(seedPort);
      members.add(builder.start("cluster-node-" + (char) ('a' + i)));
    }
    for (NodeProcess member : members) member.awaitReady(Duration.ofSeconds(60));
    Await.until("three members up", Duration.ofSeconds(30), () -> members.stream().allMatch(m -> {
      Map<String, String> view = m.members();
      return view.size() == 3 && view.values().stream().allMatch("Up"::equals);
    }));
    // Members being Up is not the shard coordinators having started: a token check reaches the
    // account registry through sharding.
    Await.until("every member to reach the account registry", Duration.ofSeconds(30), () -> members.stream()
        .allMatch(member -> member.api.get("/1.0/sessions", "no-such-token").status() == 401));
  }

  @AfterAll
  static void stop() {
    for (NodeProcess member : members) member.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void killingOneMemberLosesNoAcknowledgedSessionAndRetryingClientsGetThrough() throws Exception {
    String token = members.get(0).createAccount("acme");
    Load load = new Load(token);
    // The oldest member: it also runs the shard coordinators, which have to move as well.
    NodeProcess victim = members.get(0);
    List<NodeProcess> survivors = List.of(members.get(1), members.get(2));
    Set<String> victimShards;
    double takeover;
    load.start();
    try {
      Await.until("clients creating and signalling", Duration.ofSeconds(30), () -> load.cycles.get() >= 40);

      victimShards = victim.shards(SessionEntity.TYPE_KEY.name()).keySet();
      assertFalse(victimShards.isEmpty(), "the victim hosts sessions");
      long killed = System.nanoTime();
      load.killedAt.set(killed);
      victim.kill();

      Await.until("the survivors host every shard of the killed member", TAKEOVER_BOUND, () -> {
        Set<String> hosted = new HashSet<>();
        for (NodeProcess survivor : survivors) hosted.addAll(survivor.shards(SessionEntity.TYPE_KEY.name()).keySet());
        return hosted.containsAll(victimShards);
      });
      takeover = (System.nanoTime() - killed) / 1e9;
      // The leader removed the killed member before its shards moved; the other survivor may hear so a moment later.
      Await.until("both survivors to have downed and removed the killed member", Duration.ofSeconds(10),
          () -> survivors.stream().allMatch(survivor -> {
            Map<String, String> view = survivor.members();
            return view.size() == 2 && !view.containsKey(victim.address());
          }));

      // The clients keep going until every one of them has got through again.
      Await.until("every client to complete a create and a signal after the kill", Duration.ofSeconds(60),
          () -> load.throughAfterKill.size() == CLIENTS);
      long after = load.cycles.get();
      Await.until("a few more cycles", Duration.ofSeconds(30), () -> load.cycles.get() >= after + 20);
    } finally {
      load.stop();
      System.out.printf("clients: %d cycles, %d after the kill, by %s; retried: %s; gave up: %s%n", load.cycles.get(),
          load.cyclesAfterKill.get(), load.throughAfterKill, new TreeMap<>(load.retried), load.failures);
    }

    List<String> acknowledged = new ArrayList<>(load.acknowledged);
    Map<String, String> lost = new TreeMap<>();
    for (int i = 0; i < acknowledged.size(); i++) {
      String id = acknowledged.get(i);
      ApiClient.Reply read = survivors.get(i % 2).api.get("/1.0/sessions/" + id, token);
      if (read.status() != 200) lost.put(id, read.status() + " " + read.body());
    }
    System.out.printf("kill -9 of %s: its %d shards taken over in %.1f s (bound %s); %d sessions acknowledged%n",
        victim.name, victimShards.size(), takeover, TAKEOVER_BOUND, acknowledged.size());
    assertEquals(Map.of(), lost, "acknowledged sessions that do not answer");
    assertTrue(acknowledged.size() >= 60, "enough sessions created to mean something: " + acknowledged.size());
    assertTrue(load.failures.isEmpty(), "clients that gave up: " + load.failures);
  }

  /**
   * Clients that each create a session and signal through it, again and again, on members taken
   * in turn; a failed request or socket is retried on the next member for up to 60 s.
   */
  private static final class Load {
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    final String token;
    final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    final AtomicLong cycles = new AtomicLong();
    final AtomicLong cyclesAfterKill = new AtomicLong();
    final AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
    final Set<Integer> throughAfterKill = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load(String token) {
      this.token = token;
    }

    void start() {
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        Thread thread = new Thread(() -> run(client), "client-" + i);
        threads.add(thread);
        thread.start();
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) thread.join(70_000);
    }

    private void run(int client) {
      int turn = client;
      while (running.get()) {
        long began = System.nanoTime();
        String id = null;
        long deadline = began + GIVE_UP.toNanos();
        while (id == null && running.get()) {
          NodeProcess member = members.get(turn++ % 3);
          try {
            ApiClient.Reply reply = member.api.post("/1.0/sessions", Map.of("app", "demo"), token);
            if (reply.status() == 201) {
              id = reply.json().path("metadata").path("id").asText();
              acknowledged.add(id);
            } else {
              retry("create " + reply.status(), deadline);
            }
          } catch (RuntimeException | AssertionError e) {
            retry("create " + rootName(e), deadline);
          }
        }
        boolean signalled = false;
        while (id != null && !signalled && running.get()) {
          try {
            // The instance side takes its credential where its socket goes, as an agent does.
            Signalling.relayOneFrameEachWay(id, token, members.get(turn % 3), members.get((turn + 1) % 3),
                members.get((turn + 1) % 3));
            signalled = true;
          } catch (Exception | AssertionError e) {
            turn++;
            retry("signal " + rootName(e), deadline);
          }
        }
        if (signalled) {
          cycles.incrementAndGet();
          if (began > killedAt.get()) {
            cyclesAfterKill.incrementAndGet();
            throughAfterKill.add(client);
          }
        }
      }
    }

    private void retry(String what, long deadline) {
      retried.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
      if (System.nanoTime() > deadline) {
        failures.add(Thread.currentThread().getName() + " gave up after " + GIVE_UP + ": " + what);
        running.set(false);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static String rootName(Throwable e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) cause = cause.getCause();
      String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
      return cause.getClass().getSimpleName() + (message.length() > 60 ? message.substring(0, 60) : message);
    }
  }
}
