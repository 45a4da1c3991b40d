package org.streamstack.media.signaling;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.model.ws.WebSocketRequest;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgradeResponse;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance side's websocket to the gateway (PROTOCOL.md 4): text frames in to a consumer,
 * text frames out in order. It connects again with backoff when the socket drops, until closed;
 * frames sent while disconnected wait (bounded) for the next connection.
 */
public final class SignalingLink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SignalingLink.class);
  private static final int OUTBOX = 1024;
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);

  private final ActorSystem<?> system;
  private final String url;
  private final Consumer<String> onFrame;
  private final Materializer materializer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean refused = new AtomicBoolean();
  private final CompletableFuture<Integer> refusal = new CompletableFuture<>();
  private final AtomicReference<SourceQueueWithComplete<Message>> outbox = new AtomicReference<>();
  private final java.util.concurrent.ConcurrentLinkedQueue<String> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();

  public SignalingLink(ActorSystem<?> system, String url, Consumer<String> onFrame) {
    this.system = system;
    this.url = url;
    this.onFrame = onFrame;
    this.materializer = Materializer.matFromSystem(system);
  }

  /** Connects; the stage completes when the first connection is up or refused. */
  public CompletionStage<Done> connect() {
    return connect(INITIAL_BACKOFF);
  }

  /** True once the gateway refused the socket (4xx): the link stays down for good. */
  public boolean refused() {
    return refused.get();
  }

  /**
   * Completes with the HTTP status once the gateway refuses the socket (4xx: a wrong credential,
   * or the session has ended); never completes for a link that keeps (re)connecting.
   */
  public CompletionStage<Integer> whenRefused() {
    return refusal;
  }

  private CompletionStage<Done> connect(Duration backoff) {
    Source<Message, SourceQueueWithComplete<Message>> out = Source.queue(OUTBOX, OverflowStrategy.dropNew());
    Sink<Message, CompletionStage<Done>> in = Sink.foreach(message -> {
      if (message.isText()) {
        TextMessage text = message.asTextMessage();
        if (text.isStrict()) {
          onFrame.accept(text.getStrictText());
        } else {
          text.getStreamedText().runFold(new StringBuilder(), StringBuilder::append, materializer)
              .thenAccept(all -> onFrame.accept(all.toString()));
        }
      } else {
        message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      }
    });
    Flow<Message, Message, Pair<CompletionStage<Done>, SourceQueueWithComplete<Message>>> flow =
        Flow.fromSinkAndSourceMat(in, out, Keep.both());
    Pair<CompletionStage<WebSocketUpgradeResponse>, Pair<CompletionStage<Done>, SourceQueueWithComplete<Message>>> result =
        Http.get(system).singleWebSocketRequest(WebSocketRequest.create(url), flow, materializer);
    SourceQueueWithComplete<Message> queue = result.second().second();
    result.second().first().whenComplete((done, failure) -> {
      outbox.compareAndSet(queue, null);
      if (closed.get()) return;
      result.first().whenComplete((upgrade, upgradeFailure) -> {
        int status = upgrade == null ? 0 : upgrade.response().status().intValue();
        if (status >= 400 && status < 500) {
          // A wrong credential or an ended session does not get better by asking again.
          refused.set(true);
          log.error("The gateway refuses the signalling socket {} ({}): not connecting again", redacted(), status);
          refusal.complete(status);
          return;
        }
        // After a connection that worked, start again from the shortest wait.
        Duration wait = status == 101 ? INITIAL_BACKOFF : backoff;
        log.warn("Signalling socket to {} dropped{}; connecting again in {} ms", redacted(),
            failure == null ? "" : " (" + failure.getMessage() + ")", wait.toMillis());
        system.scheduler().scheduleOnce(wait, () -> connect(next(wait)), system.executionContext());
      });
    });
    return result.first().thenApply(upgrade -> {
      if (!upgrade.response().status().equals(StatusCodes.SWITCHING_PROTOCOLS)) {
        throw new IllegalStateException("gateway refused the instance socket: " + upgrade.response().status());
      }
      synchronized (this) {
        // Frames that waited for this connection go first, in order.
        String frame;
        while ((frame = waiting.poll()) != null) queue.offer(TextMessage.create(frame));
        outbox.set(queue);
      }
      log.info("Signalling socket connected to {}", redacted());
      return Done.getInstance();
    });
  }

  private static Duration next(Duration backoff) {
    return backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
  }

  /** Sends one text frame now, or on the next connection. */
  public synchronized void send(String frame) {
    SourceQueueWithComplete<Message> queue = outbox.get();
    if (queue == null) {
      if (waiting.size() < OUTBOX) waiting.add(frame);
      else log.warn("Signalling outbox full while disconnected: dropped a frame");
      return;
    }
    queue.offer(TextMessage.create(frame));
  }

  /** The URL without its credential, for logs. */
  private String redacted() {
    return url.replaceAll("token=[^&]*", "token=…");
  }

  @Override
  public void close() {
    closed.set(true);
    SourceQueueWithComplete<Message> queue = outbox.getAndSet(null);
    if (queue != null) queue.complete();
  }

}
