package org.streamstack.cluster.gateway.signaling;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.streamstack.cluster.Failures;
import org.streamstack.cluster.gateway.GatewaySettings;
import org.streamstack.cluster.gateway.http.TokenBucket;
import org.streamstack.cluster.gateway.signaling.SignalingChannel.Closing;
import org.streamstack.cluster.gateway.signaling.SignalingChannel.Connection;
import org.streamstack.cluster.gateway.signaling.SignalingChannel.Frame;
import org.streamstack.cluster.gateway.signaling.SignalingChannel.Outbound;
import org.streamstack.protocol.signaling.SignalingFrame;

/**
 * The stream behind one signalling websocket: frames in are checked (envelope, size, rate) and
 * sent to the session's {@link SignalingChannel}; frames out come from it. A frame that breaks a
 * limit closes the socket with an error frame; a malformed one is answered with an error frame
 * and dropped. Every rejection is counted and logged.
 */
public final class SignalingSocket {

  private static final Logger log = LoggerFactory.getLogger(SignalingSocket.class);

  /** Frames rejected by all sockets of this JVM, by any rule. */
  public static final AtomicLong REJECTED_FRAMES = new AtomicLong();

  private final ActorSystem<?> system;
  private final GatewaySettings.Signaling settings;

  public SignalingSocket(ActorSystem<?> system, GatewaySettings.Signaling settings) {
    this.system = system;
    this.settings = settings;
  }

  /** What the socket received, read whole. */
  private sealed interface Incoming {}

  private record Text(String text) implements Incoming {}

  private record Unreadable(String reason) implements Incoming {}

  public Flow<Message, Message, NotUsed> open(String sessionId, Side side) {
    return open(sessionId, side, null);
  }

  /** {@code peer} names the share peer a client socket belongs to; null for the owner and the instance. */
  public Flow<Message, Message, NotUsed> open(String sessionId, Side side, SignalingChannel.Peer peer) {
    EntityRef<SignalingChannel.Command> channel =
        ClusterSharding.get(system).entityRefFor(SignalingChannel.TYPE_KEY, sessionId);
    Pair<ActorRef<Outbound>, Source<Outbound, NotUsed>> outbound =
        ActorSource.<Outbound>actorRef(
                message -> message instanceof Closing,
                message -> Optional.empty(),
                settings.maxPendingFrames() * 4,
                OverflowStrategy.fail())
            .preMaterialize(system);
    ActorRef<Outbound> self = outbound.first();
    Connection connection = new Connection(UUID.randomUUID().toString(), System.currentTimeMillis(), self, peer);
    channel.tell(new SignalingChannel.Attach(side, connection));
    Cancellable reattach =
        system.scheduler().scheduleAtFixedRate(settings.reattachInterval(), settings.reattachInterval(),
            () -> channel.tell(new SignalingChannel.Attach(side, connection)), system.executionContext());
    TokenBucket rate = new TokenBucket(settings.rateLimit(), settings.rateBurst());
    Materializer materializer = Materializer.matFromSystem(system);
    java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    Sink<Message, NotUsed> in =
        Flow.of(Message.class)
            .mapAsync(1, message -> read(message, materializer))
            .map(incoming -> {
              // After a fatal rejection the socket is closing: what still arrives is dropped.
              if (closing.get()) return Boolean.FALSE;
              if (incoming instanceof Unreadable unreadable) {
                return reject(sessionId, side, self, unreadable.reason(), closing);
              }
              String text = ((Text) incoming).text();
              if (!rate.tryTake(System.nanoTime())) {
                return reject(sessionId, side, self,
                    "more than " + (long) settings.rateLimit() + " frames a second", closing);
              }
              // Client frames may not carry the "peer" tag, which only the gateway sets (issue 6).
              String problem = side == Side.CLIENT
                  ? SignalingFrame.clientProblem(text, settings.maxFrameBytes())
                  : SignalingFrame.problem(text, settings.maxFrameBytes());
              // An oversized frame closes the socket however it arrived (whole or in parts, which
              // read() already treats as fatal); a frame that is merely not signalling is dropped.
              if (problem != null) {
                boolean oversized = SignalingFrame.oversized(text, settings.maxFrameBytes());
                return reject(sessionId, side, self, problem, oversized ? closing : null);
              }
              channel.tell(new SignalingChannel.Relay(side, connection, text));
              return Boolean.TRUE;
            })
            .watchTermination((notUsed, done) -> {
              done.whenComplete((ok, failure) -> {
                reattach.cancel();
                channel.tell(new SignalingChannel.Detach(side, connection.id()));
              });
              return NotUsed.getInstance();
            })
            .to(Sink.ignore());

    Source<Message, NotUsed> out =
        outbound.second().map(message -> (Message) TextMessage.create(((Frame) message).text()));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /**
   * Answers the sender with an error frame. A fatal rejection (given the socket's closing flag)
   * closes the socket after that frame.
   */
  private Boolean reject(String sessionId, Side side, ActorRef<Outbound> self, String reason,
      java.util.concurrent.atomic.AtomicBoolean closing) {
    boolean fatal = closing != null;
    if (fatal) closing.set(true);
    long count = REJECTED_FRAMES.incrementAndGet();
    log.warn("Session {}: rejected a frame from the {} socket ({}{}); {} rejected so far",
        sessionId, side.pathName(), reason, fatal ? ", closing it" : "", count);
    self.tell(new Frame(SignalingFrame.error(reason)));
    if (fatal) self.tell(new Closing(reason));
    return !fatal;
  }

  private CompletionStage<Incoming> read(Message message, Materializer materializer) {
    if (!message.isText()) {
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      return CompletableFuture.completedFuture(new Unreadable("binary frames are not signalling; send JSON text"));
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) return CompletableFuture.completedFuture(new Text(text.getStrictText()));
    int limit = settings.maxFrameBytes();
    return text.getStreamedText()
        .limitWeighted(limit, chunk -> (long) chunk.length())
        .runFold(new StringBuilder(), StringBuilder::append, materializer)
        .<Incoming>thenApply(builder -> new Text(builder.toString()))
        .exceptionally(failure -> {
          Throwable cause = Failures.cause(failure);
          return new Unreadable(cause instanceof StreamLimitReachedException
              ? "frame is larger than " + limit + " bytes"
              : "frame could not be read: " + cause.getMessage());
        });
  }

}
