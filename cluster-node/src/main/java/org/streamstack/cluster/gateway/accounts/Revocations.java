package org.streamstack.cluster.gateway.accounts;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.streamstack.cluster.serialization.CborSerializable;

/**
 * Tells every member that an account was deleted, so that each {@link TokenVerifier} forgets its
 * cached answers at once rather than when they age out.
 */
public final class Revocations {

  public record AccountRevoked(String account) implements CborSerializable {}

  private final ActorRef<Topic.Command<AccountRevoked>> topic;

  private Revocations(ActorRef<Topic.Command<AccountRevoked>> topic) {
    this.topic = topic;
  }

  /** Joins the cluster-wide topic; revocations published anywhere reach {@code tokens}. */
  public static Revocations start(ActorSystem<?> system, TokenVerifier tokens) {
    ActorRef<Topic.Command<AccountRevoked>> topic =
        system.systemActorOf(Topic.create(AccountRevoked.class, "account-revocations"), "account-revocations",
            org.apache.pekko.actor.typed.Props.empty());
    Behavior<AccountRevoked> listener = Behaviors.receiveMessage(revoked -> {
      tokens.forget(revoked.account());
      return Behaviors.same();
    });
    ActorRef<AccountRevoked> subscriber =
        system.systemActorOf(listener, "account-revocation-listener", org.apache.pekko.actor.typed.Props.empty());
    topic.tell(Topic.subscribe(subscriber));
    return new Revocations(topic);
  }

  public void publish(String account) {
    topic.tell(Topic.publish(new AccountRevoked(account)));
  }
}
