package org.streamstack.cluster.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.NatsServer;
import org.streamstack.cluster.testing.PrometheusText;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.protocol.nats.AgentHeartbeat;
import org.streamstack.protocol.nats.NatsConnector;
import org.streamstack.protocol.nats.NatsJson;
import org.streamstack.protocol.nats.Subjects;

/**
 * streamstack_agents_total from the region directory of a gateway member that launches through
 * agents: the test plays two agents on a real nats-server, one of which falls silent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private NatsServer nats;
  private RunningNode node;
  private Connection bus;
  private ApiClient management;

  @BeforeAll
  void start() throws Exception {
    nats = NatsServer.start();
    node = RunningNode.withAgents(List.of("gateway"), nats.clusterNodeSettings() + """
        streamstack.gateway {
          agent-timeout = 1s
          region-forget-after = 30s
        }
        """);
    bus = NatsConnector.connect(nats.settings("agent-metrics-test"));
    management = new ApiClient("http://127.0.0.1:" + node.node.managementPort());
  }

  @AfterAll
  void stop() throws Exception {
    if (bus != null) bus.close();
    if (node != null) node.stop();
    if (nats != null) nats.close();
  }

  private double agents(String state) {
    ApiClient.Reply reply = management.get("/metrics", null);
    assertEquals(200, reply.status(), reply.body());
    return PrometheusText.parse(reply.body()).value("streamstack_agents_total", "state", state);
  }

  private void heartbeat(String region, String agentId) throws Exception {
    bus.publish(Subjects.agentHeartbeat(region),
        NatsJson.write(new AgentHeartbeat(region, agentId, true, 4, List.of("demo"), System.currentTimeMillis())));
    bus.flush(Duration.ofSeconds(2));
  }

  @Test
  void agentsAreActiveWhileHeardAndUnresponsiveWhenSilent() throws Exception {
    assertEquals(0.0, agents("active"));
    heartbeat("eu", "eu-1");
    heartbeat("us", "us-1");
    Await.until("two active agents", WAIT, () -> agents("active") == 2 && agents("unresponsive") == 0);

    // eu-1 keeps beating, us-1 falls silent for longer than the agent timeout.
    long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    while (System.nanoTime() < until) {
      heartbeat("eu", "eu-1");
      Thread.sleep(200);
    }
    assertEquals(1.0, agents("active"));
    assertEquals(1.0, agents("unresponsive"));
  }
}
