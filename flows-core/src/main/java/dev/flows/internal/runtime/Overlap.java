package dev.flows.internal.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a batch overlaps the one before it (docs/semantics.md, pipelined batches). A batch whose
 * processor allows it lets the next one {@linkplain #startNext() start} once nothing it still does
 * can be overtaken by the next batch's work: a stateful or collector batch once it is {@linkplain
 * #sent() sent}, its state committed and every output sent (the next batch runs while this one
 * awaits its acknowledgements), a materialise batch once its changes are checked (the next one maps
 * its records while this one writes, and writes after it ended). From then on the poll loop may
 * start the next batch. Before a batch counts its outputs as published it {@linkplain
 * #awaitPrevious() waits} for the batch before it, so outputs become known published in batch order
 * only. A batch run on its own (no poll loop, or nothing before it) never waits. Thread-safe.
 */
public final class Overlap {
  private final CountDownLatch nextMayStart = new CountDownLatch(1);
  private volatile Future<?> previous;
  private volatile Runnable onStartNext = () -> {};

  /**
   * Makes the batch follow {@code previous} (the batch before it, {@code null} if none) and call
   * {@code onStartNext} when it lets the next one start ({@link #startNext()} or {@link #sent()}).
   * Called by the poll loop before the batch starts.
   */
  void follow(Future<?> previous, Runnable onStartNext) {
    this.previous = previous;
    this.onStartNext = onStartNext;
  }

  /** Nothing the batch still does can be overtaken by the next one's work: it may start. */
  void startNext() {
    nextMayStart.countDown();
    onStartNext.run();
  }

  /** The batch's state is committed and its outputs sent: the next batch may start. */
  void sent() {
    startNext();
  }

  /** Whether the batch let the next one start ({@link #startNext()} or {@link #sent()}). */
  boolean nextMayStart() {
    return nextMayStart.getCount() == 0;
  }

  /**
   * Waits until the batch before this one ended. Throws {@link BatchCancelledException} if it
   * failed (this batch's outputs cannot be known published before its are; the poll loop rewinds
   * both) or if this thread is interrupted.
   */
  void awaitPrevious() {
    Future<?> before = previous;
    if (before == null) {
      return;
    }
    try {
      before.get();
    } catch (ExecutionException | CancellationException e) {
      throw new BatchCancelledException("the batch before this one failed; both are read again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("interrupted while awaiting the batch before", e);
    }
  }
}
