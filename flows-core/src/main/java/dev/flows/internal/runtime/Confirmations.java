package dev.flows.internal.runtime;

import dev.flows.spi.Sink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Sends one record or task and blocks until the broker acknowledged it: for flows without batches.
 */
final class Confirmations {
  private Confirmations() {}

  /**
   * Calls {@code send} with an ack and waits for it. Throws {@link PublishFailedException} when the
   * broker failed or did not answer within {@code timeout}; {@link InterruptedException} when
   * interrupted.
   */
  static void await(Consumer<Sink.Ack> send, Duration timeout) throws InterruptedException {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      send.accept(
          error -> {
            if (error == null) {
              acked.complete(null);
            } else {
              acked.completeExceptionally(error);
            }
          });
      acked.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PublishFailedException(
          "publishing failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new PublishFailedException("not acknowledged within " + timeout, e);
    } catch (RuntimeException e) {
      throw e instanceof PublishFailedException p
          ? p
          : new PublishFailedException("publishing failed: " + e.getMessage(), e);
    }
  }

  /**
   * Like {@link #await} but retries broker failures with backoff ({@link
   * StopSignal#backoffMillis}), waiting with {@code sleeper}, until acknowledged or interrupted.
   */
  static void awaitRetrying(
      Consumer<Sink.Ack> send, Duration timeout, String what, Logger log, Sleeper sleeper)
      throws InterruptedException {
    for (int failures = 1; ; failures++) {
      try {
        await(send, timeout);
        return;
      } catch (PublishFailedException e) {
        long backoff = StopSignal.backoffMillis(failures);
        log.warn("{}: {}, retrying in {} ms", what, e.getMessage(), backoff);
        sleeper.sleep(Duration.ofMillis(backoff));
      }
    }
  }
}
