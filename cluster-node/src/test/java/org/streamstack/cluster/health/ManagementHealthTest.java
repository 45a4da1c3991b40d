package org.streamstack.cluster.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.util.List;
import java.util.UUID;
import org.streamstack.cluster.ClusterNode;
import org.streamstack.cluster.NodeOptions;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.FreePorts;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.RunningNode;

/** The health checks Kubernetes probes: Pekko Management's /alive and /ready on a real member. */
class ManagementHealthTest {

  private static RunningNode member;
  private static ApiClient management;

  @BeforeAll
  static void start() {
    member = RunningNode.standalone();
    management = new ApiClient("http://127.0.0.1:" + member.node.managementPort());
  }

  @AfterAll
  static void stop() {
    member.close();
  }

  @Test
  void aMemberThatIsUpWithItsGatewayBoundIsAliveAndReady() {
    assertTrue(member.node.managementPort() > 0, "management listens on a real port");
    assertEquals(200, management.get("/alive", null).status());
    Await.until("the member is ready", Duration.ofSeconds(10), () -> management.get("/ready", null).status() == 200);
  }

  @Test
  void aServiceOfTheMemberThatIsNotBoundMakesItUnready() {
    BoundServices services = BoundServices.get(member.node.system());
    Await.until("the member is ready", Duration.ofSeconds(10), () -> management.get("/ready", null).status() == 200);
    services.expect("late-api");
    try {
      ApiClient.Reply notReady = management.get("/ready", null);
      assertEquals(500, notReady.status(), notReady.body());
      assertEquals(200, management.get("/alive", null).status(), "unready is still alive");
      services.bound("late-api");
      assertEquals(200, management.get("/ready", null).status());
    } finally {
      services.bound("late-api");
    }
  }

  @Test
  void aBusyManagementPortIsExplained() {
    NodeOptions options = NodeOptions.defaults().gatewayPort(0).adminPort(0).roles(List.of("gateway"))
        .arteryHost("127.0.0.1").arteryPort(FreePorts.next()).journal("h2:mem:" + UUID.randomUUID())
        .with(RunningNode.TEST_SETTINGS)
        .managementPort(member.node.managementPort());
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ClusterNode.start(options).close());
    assertTrue(refused.getMessage().contains("could not listen on 127.0.0.1:" + member.node.managementPort()
        + " (--management-port, STREAMSTACK_MANAGEMENT_PORT)"), refused.getMessage());
  }
}
