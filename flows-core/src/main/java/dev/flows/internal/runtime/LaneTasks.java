package dev.flows.internal.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One round of lane work for a batch: a few lanes each take the next item not taken yet until none
 * is left, so a slow item holds up only its own lane. A failure stops the lanes from taking more; a
 * cancelled batch stops them and waits until none runs, so a key never runs in two batches at once.
 * An item not started when the batch is cancelled is skipped; one running is interrupted and waited
 * for. The caller may be handed the items done so far while the lanes still run ({@link
 * Completed}), as the stateful batch writes the rows of the ids applied while the lanes apply the
 * others.
 */
final class LaneTasks<T, R> {
  /** What a lane puts on the queue of done items when it ends. */
  private static final Done<Object> LANE_ENDED = new Done<>(-1, null);

  /** An item done: its index in the items, and its result. */
  record Done<R>(int item, R result) {}

  /**
   * Takes the items done so far, on the caller's thread, in the order they were done. A failure it
   * throws stops the lanes, as an item's failure does.
   */
  interface Completed<R> {
    void take(List<Done<R>> done);
  }

  private final List<T> items;
  private final Function<? super T, ? extends R> work;
  private final Object[] results;
  private final Throwable[] failures;
  private final AtomicInteger next = new AtomicInteger();
  private final int lanes;
  private final CountDownLatch ended;
  private final BlockingQueue<Done<?>> done = new LinkedBlockingQueue<>();
  private Completed<R> completed; // set before the lanes start; null: nothing is handed over
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private volatile boolean failed;
  private volatile boolean cancelled;

  LaneTasks(List<T> items, Function<? super T, ? extends R> work, int lanes) {
    this.items = items;
    this.work = work;
    this.results = new Object[items.size()];
    this.failures = new Throwable[items.size()];
    this.lanes = lanes;
    this.ended = new CountDownLatch(lanes);
  }

  /**
   * Runs every item on {@code executor} and returns the results in item order, or rethrows the
   * failure of the earliest item that failed.
   *
   * @throws BatchCancelledException when the calling batch thread is interrupted meanwhile
   */
  List<R> runOn(ExecutorService executor) {
    return runOn(executor, Integer.MAX_VALUE, null);
  }

  /**
   * As {@link #runOn(ExecutorService)}, and hands {@code completed} the items done whenever at
   * least {@code chunk} are waiting while lanes still run, then the rest once every lane ended;
   * after a failure, nothing more. Without {@code completed} (null) the lanes report only their
   * end.
   */
  List<R> runOn(ExecutorService executor, int chunk, Completed<R> completed) {
    this.completed = completed;
    for (int lane = 0; lane < lanes; lane++) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        for (int notStarted = lane; notStarted < lanes; notStarted++) {
          ended.countDown();
        }
        cancelAndAwait();
        throw e;
      }
    }
    try {
      handOver(chunk);
    } catch (InterruptedException e) {
      cancelAndAwait(); // no lane of this batch may still run when the next batch starts
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("interrupted while processing a batch", e);
    } catch (RuntimeException | Error e) {
      cancelAndAwait();
      throw e;
    }
    return results();
  }

  /**
   * Hands over the items done, by at least {@code chunk} while lanes run, until every lane ended.
   */
  @SuppressWarnings("unchecked") // the queue holds this round's items and the lanes' end marks
  private void handOver(int chunk) throws InterruptedException {
    List<Done<R>> waiting = new ArrayList<>();
    List<Done<?>> taken = new ArrayList<>();
    int lanesEnded = 0;
    while (lanesEnded < lanes) {
      taken.add(done.take());
      done.drainTo(taken);
      for (Done<?> item : taken) {
        if (item == LANE_ENDED) {
          lanesEnded++;
        } else {
          waiting.add((Done<R>) item);
        }
      }
      taken.clear();
      if (!failed && !waiting.isEmpty() && (waiting.size() >= chunk || lanesEnded == lanes)) {
        completed.take(List.copyOf(waiting));
        waiting.clear();
      }
    }
  }

  /** One lane: takes items until none is left, one failed or the batch was cancelled. */
  private void drain() {
    running.add(Thread.currentThread());
    try {
      while (!failed && !cancelled) {
        int item = next.getAndIncrement();
        if (item >= items.size()) {
          break;
        }
        try {
          R result = work.apply(items.get(item));
          results[item] = result;
          if (completed != null) {
            done.add(new Done<>(item, result));
          }
        } catch (RuntimeException | Error e) {
          failures[item] = e;
          failed = true;
        }
      }
    } finally {
      running.remove(Thread.currentThread());
      if (cancelled) {
        Thread.interrupted(); // the pool thread goes back clean
      }
      ended.countDown();
      done.add(LANE_ENDED);
    }
  }

  /** The results in item order (read after every lane ended), or the earliest failure. */
  @SuppressWarnings("unchecked")
  private List<R> results() {
    for (Throwable failure : failures) {
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
    }
    return (List<R>) new ArrayList<>(Arrays.asList(results));
  }

  /** Skips the items not started, interrupts the running ones and waits until every lane ended. */
  private void cancelAndAwait() {
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
