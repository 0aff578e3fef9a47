package dev.flows.rabbitmq.internal;

import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs attempts of tasks under the task timeout, on the caller's thread: an attempt that outlives
 * it has its thread interrupted and fails with a {@link TimeoutException}, whatever the handler did
 * then. The interrupt is cleared before returning, so settling the delivery is not disturbed.
 * Closing stops the timeout alarms.
 */
final class AttemptRunner implements AutoCloseable {
  private final TaskHandler handler;
  private final Duration timeout;
  private final ScheduledExecutorService alarms;

  /**
   * Runs {@code handler} within {@code timeout}; alarms ring on a thread of {@code alarmThreads}.
   */
  AttemptRunner(TaskHandler handler, Duration timeout, ThreadFactory alarmThreads) {
    this.handler = handler;
    this.timeout = timeout;
    this.alarms = Executors.newSingleThreadScheduledExecutor(alarmThreads);
  }

  /** Runs one attempt of {@code task} and reports how it ended. */
  AttemptOutcome run(IncomingTask task) {
    CompletableFuture<Boolean> timedOut = new CompletableFuture<>();
    ScheduledFuture<?> alarm = interruptOnTimeout(Thread.currentThread(), timedOut);
    Exception failure = null;
    try {
      handler.handle(task);
    } catch (Exception e) {
      failure = e;
    } finally {
      alarm.cancel(false);
      boolean late = !timedOut.complete(false);
      Thread
          .interrupted(); // clear an interrupt of the timeout: the ack that follows must not see it
      if (late) {
        failure =
            new TimeoutException(
                "task ran longer than its timeout of " + timeout.toMillis() + " ms");
      }
    }
    return failure == null ? new AttemptOutcome.Succeeded() : new AttemptOutcome.Failed(failure);
  }

  /** Interrupts {@code runner} after the timeout unless {@code timedOut} was completed first. */
  private ScheduledFuture<?> interruptOnTimeout(
      Thread runner, CompletableFuture<Boolean> timedOut) {
    return alarms.schedule(
        () -> {
          if (timedOut.complete(true)) {
            runner.interrupt();
          }
        },
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    alarms.shutdownNow();
  }
}
