package dev.flows.rabbitmq.internal;

import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs attempts of tasks under the task timeout, on the caller's thread: an attempt that outlives
 * it has its thread interrupted and fails with a {@link TimeoutException}, whatever the handler did
 * then. One watchdog checks the running attempts every {@link #tick(Duration) tick} (a twentieth of
 * the timeout, between 1 and 100 ms), so an attempt is interrupted at most one tick after its
 * timeout, and starting an attempt schedules nothing (a timer per attempt cost 7 % of the task
 * executor's CPU in the tasks benchmark's profile). The interrupt is cleared before returning, so
 * settling the delivery is not disturbed. Closing stops the watchdog.
 */
final class AttemptRunner implements AutoCloseable {
  private final TaskHandler handler;
  private final Duration timeout;
  private final Set<Attempt> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;

  /**
   * Runs {@code handler} within {@code timeout}; the watchdog runs on a thread of {@code threads}.
   */
  AttemptRunner(TaskHandler handler, Duration timeout, ThreadFactory threads) {
    this.handler = handler;
    this.timeout = timeout;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(threads);
    long tick = tick(timeout).toNanos();
    watchdog.scheduleAtFixedRate(this::interruptOverdue, tick, tick, TimeUnit.NANOSECONDS);
  }

  /** How often the watchdog looks: a twentieth of {@code timeout}, between 1 and 100 ms. */
  static Duration tick(Duration timeout) {
    long millis = Math.max(1, Math.min(100, timeout.toMillis() / 20));
    return Duration.ofMillis(millis);
  }

  /** Runs one attempt of {@code task} and reports how it ended. */
  AttemptOutcome run(IncomingTask task) {
    Attempt attempt = new Attempt(Thread.currentThread(), System.nanoTime() + timeout.toNanos());
    running.add(attempt);
    Exception failure = null;
    try {
      handler.handle(task);
    } catch (Exception e) {
      failure = e;
    } finally {
      running.remove(attempt);
      boolean late = attempt.finish();
      Thread.interrupted(); // clear the watchdog's interrupt: the ack that follows must not see it
      if (late) {
        failure =
            new TimeoutException(
                "task ran longer than its timeout of " + timeout.toMillis() + " ms");
      }
    }
    return failure == null ? new AttemptOutcome.Succeeded() : new AttemptOutcome.Failed(failure);
  }

  private void interruptOverdue() {
    long now = System.nanoTime();
    for (Attempt attempt : running) {
      attempt.interruptIfOverdue(now);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }

  /**
   * One running attempt. Its thread is interrupted (at most once) and marked late under the
   * attempt's lock, and {@link #finish()} takes the same lock, so an attempt that finishes is never
   * interrupted after it cleared its interrupt.
   */
  private static final class Attempt {
    private final Thread thread;
    private final long deadlineNanos;
    private boolean finished;
    private boolean late;

    Attempt(Thread thread, long deadlineNanos) {
      this.thread = thread;
      this.deadlineNanos = deadlineNanos;
    }

    synchronized void interruptIfOverdue(long nowNanos) {
      if (!finished && !late && nowNanos - deadlineNanos >= 0) {
        late = true;
        thread.interrupt();
      }
    }

    /** Ends the attempt; whether it had outlived its timeout. */
    synchronized boolean finish() {
      finished = true;
      return late;
    }
  }
}
