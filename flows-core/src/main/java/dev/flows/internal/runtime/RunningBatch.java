package dev.flows.internal.runtime;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A batch running on the flow's batch thread, and how it ends. */
final class RunningBatch {
  private final Batch batch;
  private final Future<?> result;

  private RunningBatch(Batch batch, Future<?> result) {
    this.batch = batch;
    this.result = result;
  }

  /** Starts {@code batch} on {@code worker}. */
  static RunningBatch start(ExecutorService worker, BatchHandler handler, Batch batch) {
    return new RunningBatch(batch, worker.submit(() -> handler.process(batch)));
  }

  Batch batch() {
    return batch;
  }

  boolean isDone() {
    return result.isDone();
  }

  /** Waits up to {@code millis} for it to end, however it ends. */
  void awaitEnd(long millis) {
    try {
      result.get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // still running, or failed: the caller looks at the outcome later
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits up to {@code timeout} for it to end: {@code null} if it succeeded, else its failure. One
   * still running then is cancelled (its thread interrupted) and fails with the {@link
   * TimeoutException}.
   */
  Throwable outcome(Duration timeout) {
    try {
      result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      batch.cancellation().cancel();
      result.cancel(true);
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.cancellation().cancel();
      result.cancel(true);
      return e;
    }
  }
}
