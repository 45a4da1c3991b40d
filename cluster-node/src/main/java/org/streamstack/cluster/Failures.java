package org.streamstack.cluster;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What went wrong in an asynchronous step, without the wrappers the futures put around it. */
public final class Failures {

  private Failures() {}

  /**
   * The failure itself: {@code failure} without the {@link CompletionException}s and {@link
   * ExecutionException}s that chained and joined futures wrap around it (several when stages
   * were composed). Callers match on its type: a refusal with a status, a timeout, an API error.
   */
  public static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
