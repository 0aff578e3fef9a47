package dev.flows.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The lane tasks of one batch, so a cancelled batch can stop them and wait until none runs: a key
 * never runs in two batches at once. A task not started yet when the batch is cancelled skips its
 * work; one running is interrupted and waited for.
 */
final class LaneTasks {
  private final CountDownLatch ended;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  LaneTasks(int tasks) {
    this.ended = new CountDownLatch(tasks);
  }

  /** Runs one task's work unless the batch was cancelled; counts it as ended either way. */
  void run(Runnable work) {
    running.add(Thread.currentThread());
    try {
      if (!cancelled) {
        work.run();
      }
    } finally {
      running.remove(Thread.currentThread());
      if (cancelled) {
        Thread.interrupted(); // the pool thread goes back clean
      }
      ended.countDown();
    }
  }

  /** Skips the tasks not started, interrupts the running ones and waits until every one ended. */
  void cancelAndAwait() {
    cancelled = true;
    running.forEach(Thread::interrupt);
    boolean interrupted = false;
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
