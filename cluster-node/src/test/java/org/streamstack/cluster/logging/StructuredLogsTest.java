package org.streamstack.cluster.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.testing.Await;
import org.streamstack.cluster.testing.RunningNode;
import org.streamstack.protocol.logging.LogEncoder;

/**
 * JSON logs (STREAMSTACK_LOG_FORMAT=json): the encoder writes one object per line with the MDC as
 * fields, and the gateway's session entity and signalling channel log with the session id in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StructuredLogsTest {

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private RunningNode node;

  @BeforeAll
  void start() {
    captured.setContext(logging);
    captured.start();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
    node = RunningNode.standalone();
  }

  @AfterAll
  void stop() {
    if (node != null) node.stop();
    logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
  }

  private LogEncoder encoder(String format) {
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(logging);
    encoder.setFormat(format);
    encoder.start();
    return encoder;
  }

  private static LoggingEvent event(Map<String, String> mdc) {
    LoggingEvent event = new LoggingEvent();
    event.setLoggerName("org.streamstack.cluster.gateway.session.SessionEntity");
    event.setLevel(Level.INFO);
    event.setMessage("Session {} ends: its client left");
    event.setArgumentArray(new Object[] {"s-1"});
    event.setThreadName("test");
    event.setTimeStamp(System.currentTimeMillis());
    event.setMDCPropertyMap(mdc);
    return event;
  }

  @Test
  void jsonLinesCarryTheMdcAsFields() throws Exception {
    LogEncoder json = encoder("JSON");
    assertEquals(LogEncoder.JSON, json.format());
    String line = new String(json.encode(event(Map.of("sessionId", "s-1"))), StandardCharsets.UTF_8);
    assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
    JsonNode parsed = new ObjectMapper().readTree(line);
    assertEquals("s-1", parsed.path("sessionId").asText(), line);
    assertEquals("INFO", parsed.path("level").asText(), line);
    assertEquals("Session s-1 ends: its client left", parsed.path("message").asText(), line);
    assertEquals("org.streamstack.cluster.gateway.session.SessionEntity", parsed.path("logger_name").asText(), line);
    assertTrue(parsed.has("@timestamp"), line);
  }

  @Test
  void anUnknownFormatLogsText() {
    LogEncoder encoder = encoder("xml");
    assertEquals(LogEncoder.TEXT, encoder.format());
    String line = new String(encoder.encode(event(Map.of())), StandardCharsets.UTF_8);
    assertTrue(line.contains("INFO") && line.contains("Session s-1 ends: its client left"), line);
  }

  @Test
  void theSessionsLinesCarryItsId() {
    String token = node.createAccount("logs");
    String id = node.createSession(token, Map.of("app", "demo")).path("id").asText();
    assertEquals(200, node.api.delete("/1.0/sessions/" + id, token).status());
    Await.until("the session's end to be logged", Duration.ofSeconds(10), () -> !linesAbout(id).isEmpty());
    for (ILoggingEvent event : linesAbout(id)) {
      assertEquals(id, event.getMDCPropertyMap().get("sessionId"), event.getLoggerName() + ": " + event.getFormattedMessage());
    }
  }

  /** The lines of the session's own entities (session, signalling channel) that name it. */
  private List<ILoggingEvent> linesAbout(String sessionId) {
    synchronized (captured) {
      return List.copyOf(captured.list).stream()
          .filter(event -> event.getFormattedMessage().startsWith("Session " + sessionId))
          .toList();
    }
  }
}
