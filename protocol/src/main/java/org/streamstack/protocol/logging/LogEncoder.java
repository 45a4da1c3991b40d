package org.streamstack.protocol.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The log encoder of every streamstack process: human-readable lines, or with format {@code json}
 * (STREAMSTACK_LOG_FORMAT=json) one JSON object per line for a log collector, with the MDC (the
 * session id, the instance id) as fields of their own. An unknown format falls back to text and
 * says so, rather than leaving the process without logs.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {

  public static final String TEXT = "text";
  public static final String JSON = "json";

  private String format = TEXT;
  private String pattern = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format == null ? TEXT : format.trim().toLowerCase(Locale.ROOT);
  }

  /** The pattern of text lines. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public String format() {
    return JSON.equals(format) ? JSON : TEXT;
  }

  @Override
  public void start() {
    if (JSON.equals(format)) {
      LogstashEncoder json = new LogstashEncoder();
      json.setContext(getContext());
      json.start();
      delegate = json;
    } else {
      if (!TEXT.equals(format) && !format.isEmpty()) {
        addWarn("log format '" + format + "' is neither text nor json (STREAMSTACK_LOG_FORMAT); logging text");
      }
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(getContext());
      text.setPattern(pattern);
      text.start();
      delegate = text;
    }
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) delegate.stop();
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
