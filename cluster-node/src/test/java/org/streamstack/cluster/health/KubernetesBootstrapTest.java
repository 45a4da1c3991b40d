package org.streamstack.cluster.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.KubernetesApiStandIn;
import org.streamstack.cluster.testing.KubernetesApiStandIn.Pod;

/**
 * Two cluster-node processes configured as in deploy/k8s (STREAMSTACK_DISCOVERY=kubernetes-api,
 * the pod label selector, the service account files) find each other through a stand-in Kubernetes
 * API and form one cluster by Pekko Management's cluster bootstrap; then both are ready.
 */
class KubernetesBootstrapTest {

  private static final String SELECTOR = "app.kubernetes.io/name=cluster-node-" + UUID.randomUUID();

  private static KubernetesApiStandIn api;
  private static final List<Process> members = new ArrayList<>();
  private static final List<Integer> managementPorts = new ArrayList<>();
  private static Path logs;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("k8s-stand-in");
    logs = Path.of("target", "kubernetes-bootstrap-test");
    Files.createDirectories(logs);
    managementPorts.add(FreePorts.next());
    managementPorts.add(FreePorts.next());
    api = KubernetesApiStandIn.start(dir, SELECTOR,
        List.of(new Pod("cluster-node-a", managementPorts.get(0)), new Pod("cluster-node-b", managementPorts.get(1))));
    for (int i = 0; i < 2; i++) members.add(startMember("member-" + i, managementPorts.get(i)));
  }

  /** A cluster-node process with the environment of deploy/k8s/cluster-node.yaml, on loopback. */
  private static Process startMember(String name, int managementPort) throws Exception {
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        // Where a pod finds its service account; the stand-in's CA signs its certificate.
        "-Dpekko.discovery.kubernetes-api.api-ca-path=" + api.caCertificate,
        "-Dpekko.discovery.kubernetes-api.api-token-path=" + api.tokenFile,
        "-Dpekko.discovery.kubernetes-api.pod-namespace-path=" + api.namespaceFile,
        // Shorter than in production, where pods start seconds apart.
        "-Dpekko.management.cluster.bootstrap.contact-point-discovery.stable-margin=1s",
        "-Dpekko.management.cluster.bootstrap.contact-point-discovery.interval=300ms",
        "-Dpekko.management.cluster.bootstrap.contact-point.probe-interval=300ms",
        "-Dpekko.cluster.jmx.enabled=off",
        "org.streamstack.cluster.Main", "cluster-node");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("STREAMSTACK_") || key.startsWith("KUBERNETES_"));
    env.put("KUBERNETES_SERVICE_HOST", "127.0.0.1");
    env.put("KUBERNETES_SERVICE_PORT", String.valueOf(api.port()));
    env.put("STREAMSTACK_DISCOVERY", "kubernetes-api");
    env.put("STREAMSTACK_POD_LABEL_SELECTOR", SELECTOR);
    env.put("STREAMSTACK_REQUIRED_CONTACT_POINTS", "2");
    env.put("STREAMSTACK_ROLES", "gateway");
    env.put("STREAMSTACK_INSTANCE_LAUNCH", "manual");
    env.put("STREAMSTACK_JOURNAL", "h2:mem");
    env.put("STREAMSTACK_GATEWAY_INTERFACE", "127.0.0.1");
    env.put("STREAMSTACK_GATEWAY_PORT", "0");
    env.put("STREAMSTACK_ADMIN_PORT", "0");
    env.put("STREAMSTACK_ARTERY_HOST", "127.0.0.1");
    env.put("STREAMSTACK_ARTERY_PORT", String.valueOf(FreePorts.next()));
    env.put("STREAMSTACK_MANAGEMENT_PORT", String.valueOf(managementPort));
    return builder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process member : members) member.destroy();
    for (Process member : members) {
      if (!member.waitFor(20, TimeUnit.SECONDS)) member.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    if (api != null) api.close();
  }

  @Test
  void membersFoundThroughTheKubernetesApiFormOneClusterAndAreReady() {
    List<ApiClient> management = managementPorts.stream().map(port -> new ApiClient("http://127.0.0.1:" + port)).toList();
    for (int i = 0; i < management.size(); i++) {
      ApiClient member = management.get(i);
      Process process = members.get(i);
      Await.until("member " + i + " is ready (log: " + logs.toAbsolutePath() + File.separator + "member-" + i + ".log)",
          Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) throw new IllegalStateException("member exited with " + process.exitValue());
            return member.get("/ready", null).status() == 200;
          });
    }
    for (ApiClient member : management) {
      JsonNode view = member.get("/cluster/members", null).json();
      List<String> up = new ArrayList<>();
      view.path("members").forEach(m -> {
        if (m.path("status").asText().equals("Up")) up.add(m.path("node").asText());
      });
      assertEquals(2, up.size(), "both members Up in one cluster: " + view);
      assertTrue(view.path("unreachable").isEmpty(), view.toString());
    }
    // The members asked the API for their pods, with their service account token and the selector.
    List<KubernetesApiStandIn.Request> requests = api.requests();
    assertFalse(requests.isEmpty(), "nobody asked the Kubernetes API");
    for (KubernetesApiStandIn.Request request : requests) {
      assertEquals("/api/v1/namespaces/" + api.namespace + "/pods", request.path());
      assertEquals(SELECTOR, request.labelSelector());
      assertEquals("Bearer " + api.token, request.authorization());
    }
  }
}
