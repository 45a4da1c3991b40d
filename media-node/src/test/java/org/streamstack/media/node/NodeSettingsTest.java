package org.streamstack.media.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.streamstack.protocol.nats.Subjects;

/** The node's bus settings: its name must be a subject token, whatever the host is called. */
class NodeSettingsTest {

  private static NodeSettings settings(String overrides) {
    return NodeSettings.from(ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve());
  }

  @Test
  void theDefaultNameIsTheHostAndThePort() {
    NodeSettings node = settings("streamstack.media.node.id = \"\"");
    String id = node.nodeId(10000);
    assertTrue(id.endsWith("-10000"), id);
    assertEquals(id, Subjects.token(id));
    assertEquals("gpu-7", NodeSettings.hostToken("GPU-7.example.org"));
    assertEquals("media-node", NodeSettings.hostToken(""));
    assertEquals("a-b", NodeSettings.hostToken("a+b"));
  }

  @Test
  void aConfiguredNameAndRegionAreUsedAsGiven() {
    NodeSettings node = settings("""
        streamstack.media.node { id = "gpu-a", region = "eu-west", nats-url = "", heartbeat-interval = 250ms }
        """);
    assertEquals("gpu-a", node.nodeId(10000));
    assertEquals("eu-west", node.region());
    assertFalse(node.natsEnabled());
    assertEquals(Duration.ofMillis(250), node.heartbeatInterval());
  }

  @Test
  void namesThatCannotBeSubjectTokensAreRefusedAtStart() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("streamstack.media.node.id = \"a.b\""))
        .getMessage().contains("streamstack.media.node.id"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("streamstack.media.node.region = \"*\""))
        .getMessage().contains("streamstack.media.node.region"));
    assertThrows(IllegalArgumentException.class, () -> settings("streamstack.media.node.encoder-slots = -1"));
  }
}
