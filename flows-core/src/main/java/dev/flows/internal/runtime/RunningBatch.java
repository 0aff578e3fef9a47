package dev.flows.internal.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A batch running on one of the flow's batch threads, and how it ends. */
final class RunningBatch {
  private final Batch batch;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean started;
  private Future<?> result;

  private RunningBatch(Batch batch) {
    this.batch = batch;
  }

  /**
   * Starts {@code batch} on {@code worker} after {@code previous} (the batch still running before
   * it, or {@code null}); {@code signal} is called when it lets the next start and once it is done
   * (ended or cancelled: {@link #isDone()} holds by then).
   */
  static RunningBatch start(
      ExecutorService worker,
      BatchHandler handler,
      Batch batch,
      RunningBatch previous,
      Runnable signal) {
    RunningBatch running = new RunningBatch(batch);
    batch.overlap().follow(previous == null ? null : previous.result, signal);
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              running.started = true;
              try {
                batch.cancellation().check("start");
                handler.process(batch);
              } finally {
                running.ended.countDown();
              }
              return null;
            }) {
          @Override
          protected void done() {
            signal.run(); // only now is it done: the poll loop, woken, finds it so
          }
        };
    running.result = task;
    worker.execute(task);
    return running;
  }

  Batch batch() {
    return batch;
  }

  boolean isDone() {
    return result.isDone();
  }

  /** Whether the next batch may start beside it ({@link Overlap#startNext()}). */
  boolean nextMayStart() {
    return batch.overlap().nextMayStart();
  }

  /**
   * Whether its thread is free of it: it ended, or was cancelled before it started (then it never
   * does anything).
   */
  boolean hasLeftItsThread() {
    return ended.getCount() == 0 || (!started && result.isCancelled());
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
      cancel();
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      return e;
    }
  }

  /**
   * Gives it up because the batch before it failed: cancels it (its thread interrupted) and waits
   * up to {@code timeout} for its thread to be free of it.
   */
  void abandon(Duration timeout) {
    cancel();
    try {
      ended.await(started ? timeout.toMillis() : 0, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void cancel() {
    batch.cancellation().cancel();
    result.cancel(true);
  }
}
