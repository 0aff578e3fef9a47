package dev.flows.internal.runtime;

import java.util.concurrent.atomic.AtomicLong;

/** What health checks read about one running flow; written by its polling thread. */
public final class FlowState {
  private final AtomicLong lastLoopMillis = new AtomicLong();
  private volatile boolean assigned;
  private volatile boolean healthy = true;
  private volatile boolean running;
  private volatile boolean connected = true;
  private volatile Throwable failure;
  private volatile Throwable retrying;

  /** The polling thread went round its loop at {@code millis}. */
  public void loopedAt(long millis) {
    lastLoopMillis.set(millis);
  }

  /** When the polling thread last went round its loop. */
  public long lastLoopMillis() {
    return lastLoopMillis.get();
  }

  void assigned(boolean hasPartitions) {
    this.assigned = hasPartitions;
  }

  /** Whether partitions are assigned. */
  public boolean isAssigned() {
    return assigned;
  }

  void healthy(boolean ok) {
    this.healthy = ok;
  }

  /** Whether the last batch (or commit) succeeded; false while infrastructure is failing. */
  public boolean isHealthy() {
    return healthy;
  }

  void connected(boolean value) {
    this.connected = value;
  }

  /**
   * Whether the flow reached its brokers when the loop last went round: its source and where it
   * publishes (for task, cron and http flows: the task queue or sink).
   */
  public boolean isConnected() {
    return connected;
  }

  void running(boolean value) {
    this.running = value;
  }

  /** Whether the polling thread is running. */
  public boolean isRunning() {
    return running;
  }

  void failed(Throwable cause) {
    this.failure = cause;
  }

  /** Why the flow stopped, or {@code null}. */
  public Throwable failure() {
    return failure;
  }

  void retrying(Throwable cause) {
    this.retrying = cause;
  }

  /**
   * The failure the flow's loop is retrying (a rewound batch, a cron claim, a task flow's
   * subscription), or {@code null} once an attempt succeeded.
   */
  public Throwable retrying() {
    return retrying;
  }
}
