package org.streamstack.media.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The subscribers of an encoder actor: each output goes to every one, in subscription order; a
 * subscriber that stops is forgotten (the actor is told through {@code terminated}). Used on the
 * owning actor's thread only.
 */
public final class Subscribers<T, C> {

  private final ActorContext<C> context;
  private final Function<ActorRef<T>, C> terminated;
  private final List<ActorRef<T>> subscribers = new ArrayList<>();

  public Subscribers(ActorContext<C> context, Function<ActorRef<T>, C> terminated) {
    this.context = context;
    this.terminated = terminated;
  }

  public void add(ActorRef<T> subscriber) {
    if (subscribers.contains(subscriber)) return;
    subscribers.add(subscriber);
    context.watchWith(subscriber, terminated.apply(subscriber));
  }

  public void remove(ActorRef<T> subscriber) {
    if (subscribers.remove(subscriber)) context.unwatch(subscriber);
  }

  /** The subscriber stopped: it is no longer watched, only forgotten. */
  public void forget(ActorRef<T> subscriber) {
    subscribers.remove(subscriber);
  }

  public boolean contains(ActorRef<T> subscriber) {
    return subscribers.contains(subscriber);
  }

  public void publish(T output) {
    for (ActorRef<T> subscriber : subscribers) subscriber.tell(output);
  }
}
