package dev.flows.internal.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A purge that runs beside a flow's loop, on a thread of its own, one {@link #round} every {@link
 * #interval} of its retention: the deleted markers of a materialised table ({@link MarkerPurger})
 * and the expired rows of a state table ({@link RowPurger}). A round deletes in bounded calls until
 * nothing is left or the job stops; stopping lets the current call end (bounded), then ends the
 * thread.
 */
abstract class PeriodicPurge implements SideJob {
  /** The longest wait between two rounds: 5 minutes. */
  static final Duration LONGEST_INTERVAL = Duration.ofMinutes(5);

  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final Duration retention;
  private volatile boolean stopping;
  private ScheduledExecutorService timer;

  PeriodicPurge(Duration retention) {
    this.retention = retention;
  }

  /** Half the retention, at most {@link #LONGEST_INTERVAL}, at least 100 ms. */
  static Duration interval(Duration retention) {
    Duration half = retention.dividedBy(2);
    if (half.compareTo(LONGEST_INTERVAL) > 0) {
      return LONGEST_INTERVAL;
    }
    return half.toMillis() < 100 ? Duration.ofMillis(100) : half;
  }

  /** One round; how many it deleted. Failures are logged, not thrown. */
  abstract long round();

  /** Whether the job is stopping: a round ends after its current call. */
  final boolean stopping() {
    return stopping;
  }

  /** The wait between two rounds. */
  final Duration interval() {
    return interval(retention);
  }

  @Override
  public String role() {
    return "purge";
  }

  @Override
  public synchronized void start(ThreadFactory threads) {
    long every = interval().toMillis();
    timer = Executors.newSingleThreadScheduledExecutor(threads);
    timer.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    stopping = true;
    if (timer == null) {
      return;
    }
    timer.shutdown();
    try {
      if (!timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
