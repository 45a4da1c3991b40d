package org.streamstack.media.instance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.streamstack.protocol.gateway.ApiJson;

/**
 * A real websocket server in the gateway's place at the instance socket of one session, speaking
 * the instance-socket half of the shares contract (shares-contract.md, PROTOCOL.md 4): the test
 * sends what the gateway would relay (the owner's frames as they are, a share peer's with
 * {@code "peer"} added, the gateway's {@code gateway:peer-*} notices), and reads what the instance
 * sends, sorted by the peer it names ({@link #OWNER} for frames without one). It stands in for
 * the gateway's side so that the media node's half is tested on its own; the browser tests run
 * both halves together.
 */
final class InstanceSocketStandIn implements AutoCloseable {

  /** The key of the owner's frames (they name no peer). */
  static final String OWNER = "";

  private final ServerBinding binding;
  private final AtomicReference<SourceQueueWithComplete<Message>> toInstance = new AtomicReference<>();
  private final Map<String, BlockingQueue<String>> fromInstance = new ConcurrentHashMap<>();

  InstanceSocketStandIn(ActorSystem<?> system) {
    Materializer materializer = Materializer.matFromSystem(system);
    Flow<Message, Message, ?> socket = Flow.fromSinkAndSource(
        Flow.of(Message.class)
            .mapAsync(1, message -> message.asTextMessage().toStrict(5_000, materializer))
            .to(Sink.foreach(text -> sort(text.getStrictText()))),
        Source.<Message>queue(256, OverflowStrategy.dropNew()).mapMaterializedValue(queue -> {
          toInstance.set(queue);
          return queue;
        }));
    try {
      binding = Http.get(system).newServerAt("127.0.0.1", 0)
          .bind(Directives.path("instance", () -> Directives.handleWebSocketMessages(socket)))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the stand-in could not bind", e);
    }
  }

  String url() {
    return "ws://127.0.0.1:" + binding.localAddress().getPort() + "/instance";
  }

  boolean connected() {
    return toInstance.get() != null;
  }

  /** One frame to the instance, as the gateway sends it. */
  void send(String frame) {
    SourceQueueWithComplete<Message> queue = toInstance.get();
    if (queue == null) throw new IllegalStateException("the instance has not connected");
    queue.offer(TextMessage.create(frame)).toCompletableFuture().join();
  }

  /** What the instance sent to {@code peer} ({@link #OWNER}: to the owner's client), in order. */
  BlockingQueue<String> framesFor(String peer) {
    return fromInstance.computeIfAbsent(peer, p -> new LinkedBlockingQueue<>());
  }

  /** The next frame for {@code peer} within {@code timeout}, or null. */
  String next(String peer, Duration timeout) throws InterruptedException {
    return framesFor(peer).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sort(String frame) {
    String peer;
    try {
      JsonNode json = ApiJson.MAPPER.readTree(frame);
      peer = json.has("peer") ? json.path("peer").asText() : OWNER;
    } catch (IOException e) {
      throw new UncheckedIOException("the instance sent a frame that is not JSON: " + frame, e);
    }
    framesFor(peer).add(frame);
  }

  @Override
  public void close() {
    binding.unbind();
  }
}
