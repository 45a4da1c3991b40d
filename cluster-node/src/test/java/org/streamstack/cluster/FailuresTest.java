package org.streamstack.cluster;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void theFailureComesOutOfEveryWrapperOfComposedFutures() {
    IllegalStateException refusal = new IllegalStateException("refused");
    CompletableFuture<Object> composed = CompletableFuture.failedFuture(refusal)
        .thenCompose(CompletableFuture::completedFuture)
        .thenApply(value -> value);
    Throwable seen = composed.handle((value, failure) -> failure).join();
    assertSame(refusal, Failures.cause(seen));
    assertSame(refusal, Failures.cause(new ExecutionException(new CompletionException(refusal))));
  }

  @Test
  void aFailureWithoutWrapperOrCauseIsItself() {
    RuntimeException plain = new RuntimeException("plain", new IllegalArgumentException("inner"));
    assertSame(plain, Failures.cause(plain));
    CompletionException empty = new CompletionException("no cause", null);
    assertSame(empty, Failures.cause(empty));
  }
}
