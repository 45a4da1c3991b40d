package org.streamstack.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {

  @Test
  void flagsBecomeSettings() {
    Config config = NodeOptions.fromArgs(new String[] {
        "--gateway-port", "4100", "--admin-port=4101", "--roles", "gateway,agent", "--journal", "h2:file:/tmp/j",
        "--seed-nodes", "10.0.0.1:2551,10.0.0.2:2551", "--nats", "nats://n:4222", "--artery-port", "2600"}).toConfig();
    assertEquals(4100, config.getInt("streamstack.gateway.port"));
    assertEquals(4101, config.getInt("streamstack.gateway.admin-port"));
    assertEquals(List.of("gateway", "agent"), config.getStringList("pekko.cluster.roles"));
    assertEquals(List.of("pekko://streamstack@10.0.0.1:2551", "pekko://streamstack@10.0.0.2:2551"),
        config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("jdbc:h2:file:/tmp/j;DB_CLOSE_ON_EXIT=FALSE",
        config.getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
    assertEquals("nats://n:4222", config.getString("streamstack.node.nats-url"));
    assertEquals(2600, config.getInt("pekko.remote.artery.canonical.port"));
  }

  @Test
  void iceUrlsBecomeTheSessionsStunServers() {
    Config config = NodeOptions.fromArgs(new String[] {
        "--stun-urls", "stun:127.0.0.1:3478", "--turn-urls", "turn:127.0.0.1:3478?transport=udp,turns:t.example:5349"})
        .toConfig();
    assertEquals(List.of("stun:127.0.0.1:3478"), config.getStringList("streamstack.gateway.ice.stun-urls"));
    assertEquals(List.of("turn:127.0.0.1:3478?transport=udp", "turns:t.example:5349"),
        config.getStringList("streamstack.gateway.ice.turn-urls"));
    assertEquals("--turn-urls takes URLs starting with turn: or turns:, not '127.0.0.1:3478'",
        assertThrows(IllegalArgumentException.class,
            () -> NodeOptions.fromArgs(new String[] {"--turn-urls", "127.0.0.1:3478"})).getMessage());
  }

  @Test
  void aLoneMemberSeedsItself() {
    Config config = NodeOptions.fromArgs(new String[] {"--artery-port", "2700"}).toConfig();
    assertEquals(List.of("pekko://streamstack@127.0.0.1:2700"), config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("slick.jdbc.H2Profile$", config.getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
  }

  @Test
  void kubernetesDiscoveryBootstrapsWithoutSeedNodes() {
    Config config = NodeOptions.fromArgs(new String[] {
        "--discovery", "kubernetes-api", "--seed-nodes", "10.0.0.1:2551", "--management-port", "8600",
        "--artery-host", "10.1.2.3"}).toConfig();
    assertEquals(List.of(), config.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("kubernetes-api",
        config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
    assertEquals("app.kubernetes.io/name=cluster-node", config.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
    assertEquals(2, config.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
    assertEquals("management", config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name"));
    assertEquals(8600, config.getInt("pekko.management.http.port"));
    assertEquals("10.1.2.3", config.getString("pekko.management.http.hostname"));
  }

  @Test
  void seedNodeDiscoveryByDefaultWithManagementOn8558() {
    Config config = NodeOptions.fromArgs(new String[] {"--artery-port", "2700"}).toConfig();
    assertEquals("seed-nodes", config.getString("streamstack.node.discovery"));
    assertEquals(8558, config.getInt("pekko.management.http.port"));
    assertEquals("pekko.discovery",
        config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"));
  }

  @Test
  void postgresJournal() {
    Config config = NodeOptions.fromArgs(new String[] {"--journal", "jdbc:postgresql://db:5432/stream"}).toConfig();
    assertEquals("slick.jdbc.PostgresProfile$", config.getString("pekko-persistence-jdbc.shared-databases.slick.profile"));
    assertEquals("org.postgresql.Driver", config.getString("pekko-persistence-jdbc.shared-databases.slick.db.driver"));
  }

  @Test
  void badFlagsAreExplained() {
    assertEquals("unknown role 'web'; roles are [gateway, agent, ams]",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--roles", "gateway,web"})).getMessage());
    assertEquals("--gateway-port must be a port number (0-65535), not 'x'",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--gateway-port", "x"})).getMessage());
    assertEquals("seed nodes are host:port, not 'host'",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--seed-nodes", "host"})).getMessage());
    assertEquals("--journal must be h2:mem, h2:file:PATH or jdbc:postgresql://HOST:PORT/DB, not 'mysql://x'",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--journal", "mysql://x"})).getMessage());
    assertEquals("unknown flag --bogus (see --help)",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--bogus", "1"})).getMessage());
    assertEquals("discovery (--discovery, STREAMSTACK_DISCOVERY) is seed-nodes or kubernetes-api, not 'dns'",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--discovery", "dns"})).getMessage());
    assertEquals("--nats needs a value",
        assertThrows(IllegalArgumentException.class, () -> NodeOptions.fromArgs(new String[] {"--nats"})).getMessage());
  }
}
