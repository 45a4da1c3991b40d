package org.streamstack.cluster.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.gateway.session.SessionEntity;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.KubernetesApiStandIn;
import org.streamstack.cluster.testing.KubernetesApiStandIn.Pod;
import org.streamstack.cluster.testing.NodeProcess;
import org.streamstack.cluster.testing.Postgres;

/**
 * Scale-out as on Kubernetes: one cluster-node holds 1,000 sessions (journal on PostgreSQL); the
 * Deployment grows to three; the two new pods find the first through the Kubernetes API (a
 * stand-in listing the pods) and join it by cluster bootstrap; shards move to them, their
 * sessions start there from the journal, and every session still answers and signals.
 */
class ScaleOutTest {

  private static final int SESSIONS = 1_000;
  private static final String SELECTOR = "app.kubernetes.io/name=cluster-node-" + UUID.randomUUID();
  /** Shorter than in production, where pods start seconds apart; same meaning. */
  private static final String BOOTSTRAP_SETTINGS = """
      pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin = 1s
      pekko.management.cluster.bootstrap.contact-point-discovery.interval = 300ms
      pekko.management.cluster.bootstrap.contact-point.probe-interval = 300ms
      """;

  private static Postgres postgres;
  private static KubernetesApiStandIn kubernetes;
  private static final List<NodeProcess> members = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    postgres = Postgres.start();
    kubernetes = KubernetesApiStandIn.start(Files.createTempDirectory("k8s-stand-in"), SELECTOR, List.of());
  }

  @AfterAll
  static void stop() {
    for (NodeProcess member : members) member.close();
    if (kubernetes != null) kubernetes.close();
    if (postgres != null) postgres.close();
  }

  private static NodeProcess pod(String name, int managementPort) {
    NodeProcess member = NodeProcess.builder("scale-out-test")
        .journal(postgres)
        .kubernetesDiscovery(kubernetes, SELECTOR, 1)
        .managementPort(managementPort)
        .settings(BOOTSTRAP_SETTINGS)
        .start(name);
    members.add(member);
    return member;
  }

  @Test
  void twoMembersJoiningThroughKubernetesDiscoveryTakeShardsAndEverySessionStillAnswersAndSignals() throws Exception {
    List<Integer> managementPorts = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next());
    List<Pod> pods = List.of(new Pod("cluster-node-a", managementPorts.get(0)),
        new Pod("cluster-node-b", managementPorts.get(1)), new Pod("cluster-node-c", managementPorts.get(2)));

    // One replica: the only pod listed forms the cluster.
    kubernetes.setPods(pods.subList(0, 1));
    NodeProcess first = pod("cluster-node-a", managementPorts.get(0)).awaitReady(Duration.ofSeconds(60));
    String token = first.createAccount("acme");
    List<String> sessions = createSessions(first.api, token);
    assertEquals(SESSIONS, sessions.size());
    Map<String, Integer> before = first.shards(SessionEntity.TYPE_KEY.name());
    assertEquals(SESSIONS, before.values().stream().mapToInt(Integer::intValue).sum(), "all sessions run on the first member");

    // Scaled to three replicas: the API lists three pods, two of them new.
    long scaled = System.nanoTime();
    int askedBeforeScaling = kubernetes.requests().size();
    kubernetes.setPods(pods);
    NodeProcess second = pod("cluster-node-b", managementPorts.get(1));
    NodeProcess third = pod("cluster-node-c", managementPorts.get(2));
    second.awaitReady(Duration.ofSeconds(60));
    third.awaitReady(Duration.ofSeconds(60));
    List<NodeProcess> all = List.of(first, second, third);
    // No seed nodes anywhere: the new members found the first by asking the API for the pods.
    assertTrue(kubernetes.requests().size() > askedBeforeScaling, "the new members listed the pods through the API");
    assertTrue(kubernetes.requests().stream().allMatch(request -> SELECTOR.equals(request.labelSelector())));
    // A member is ready once it is Up itself; the others hear of it by gossip a moment later.
    Await.until("every member to see one cluster of three members, all Up", Duration.ofSeconds(30), () -> {
      for (NodeProcess member : all) {
        Map<String, String> view = member.members();
        if (view.size() != 3 || !view.values().stream().allMatch("Up"::equals)) return false;
      }
      return true;
    });

    // The coordinator moves shards to the new members, a round every rebalance interval, until each
    // holds its share (Pekko's allocation stops once none holds fewer than the even share less one),
    // and the remembered sessions of a moved shard start on its new member.
    int shardCount = before.size();
    Await.until("shards spread evenly over the three members, every session running", Duration.ofSeconds(90), () -> {
      int entities = 0;
      for (NodeProcess member : all) {
        Map<String, Integer> shards = member.shards(SessionEntity.TYPE_KEY.name());
        if (shards.size() < shardCount / all.size()) return false;
        entities += shards.values().stream().mapToInt(Integer::intValue).sum();
      }
      return entities == SESSIONS;
    });
    List<String> distribution = new ArrayList<>();
    for (NodeProcess member : all) {
      Map<String, Integer> shards = member.shards(SessionEntity.TYPE_KEY.name());
      distribution.add(member.name + " " + shards.size() + " shards, "
          + shards.values().stream().mapToInt(Integer::intValue).sum() + " sessions");
    }
    System.out.printf("%d shards spread %.1f s after scaling: %s%n", shardCount, (System.nanoTime() - scaled) / 1e9,
        distribution);

    // Every session answers through every member.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Map<String, String> failures = new ConcurrentHashMap<>();
      List<Future<?>> reads = new ArrayList<>();
      for (int i = 0; i < sessions.size(); i++) {
        String id = sessions.get(i);
        NodeProcess member = all.get(i % 3);
        reads.add(pool.submit(() -> {
          ApiClient.Reply read = member.api.get("/1.0/sessions/" + id, token);
          if (read.status() != 200 || !id.equals(read.json().path("metadata").path("id").asText())) {
            failures.put(id, member.name + " " + read.status() + " " + read.body());
          }
        }));
      }
      for (Future<?> read : reads) read.get();
      assertEquals(Map.of(), failures, "sessions that did not answer GET");

      // Every session signals: the client socket on one member, the instance socket on another,
      // a frame each way.
      AtomicInteger signalled = new AtomicInteger();
      List<Future<?>> relays = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        String id = sessions.get(i);
        NodeProcess clientSide = all.get(i % 3);
        NodeProcess instanceSide = all.get((i + 1) % 3);
        NodeProcess credentials = all.get((i + 2) % 3);
        relays.add(pool.submit(() -> {
          try {
            Signalling.relayOneFrameEachWay(id, token, clientSide, instanceSide, credentials);
            signalled.incrementAndGet();
          } catch (Exception | AssertionError e) {
            failures.put(id, "signalling: " + e);
          }
        }));
      }
      for (Future<?> relay : relays) relay.get();
      assertEquals(Map.of(), failures, "sessions that did not signal");
      assertEquals(SESSIONS, signalled.get());
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> createSessions(ApiClient api, String token) throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> creates = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        creates.add(pool.submit(() -> {
          ApiClient.Reply reply = api.post("/1.0/sessions", Map.of("app", "demo"), token);
          if (reply.status() != 201) throw new IllegalStateException("create answered " + reply.status() + ": " + reply.body());
          ids.add(reply.json().path("metadata").path("id").asText());
        }));
      }
      for (Future<?> create : creates) create.get();
    } finally {
      pool.shutdownNow();
    }
    return new ArrayList<>(ids);
  }
}
