package dev.flows.internal.runtime;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * How a batch overlaps the one before it (docs/semantics.md, pipelined batches). A batch whose
 * processor allows it lets the next one {@linkplain #startNext() start} once nothing it still does
 * can be overtaken by the next batch's work: a plain stateful batch once its first results are
 * applied (the next one loads and applies on them, and writes once this one is {@linkplain #sent()
 * sent}: its state committed and every output sent), a stateful batch with windows or timers and a
 * collector once sent, a materialise batch once its changes are checked (the next one writes after
 * this one ended). Before a batch counts its outputs as published it {@linkplain #awaitPrevious()
 * waits} for the batch before it to end, so outputs become known published in batch order only. A
 * batch run on its own (no poll loop, or nothing before it) never waits. Thread-safe.
 */
public final class Overlap {
  private final CountDownLatch nextMayStart = new CountDownLatch(1);
  private final CountDownLatch sent = new CountDownLatch(1);
  private final CountDownLatch sentOrEnded = new CountDownLatch(1);
  private volatile Future<?> previous;
  private volatile Overlap before;
  private volatile Runnable onStartNext = () -> {};

  /**
   * Makes the batch follow the one whose run is {@code previous} and whose overlap is {@code
   * before} (both {@code null} if none) and call {@code onStartNext} when it lets the next batch
   * start. Called by the poll loop before the batch starts.
   */
  void follow(Future<?> previous, Overlap before, Runnable onStartNext) {
    this.previous = previous;
    this.before = before;
    this.onStartNext = onStartNext;
  }

  /** Nothing the batch still does can be overtaken by the next one's work: it may start. */
  void startNext() {
    nextMayStart.countDown();
    onStartNext.run();
  }

  /** The batch's state is committed and its outputs sent; the next batch may start. */
  void sent() {
    sent.countDown();
    sentOrEnded.countDown();
    startNext();
  }

  /** The batch's run ended, whether it was sent or failed. */
  void ended() {
    sentOrEnded.countDown();
  }

  /** Whether the batch let the next one start ({@link #startNext()} or {@link #sent()}). */
  boolean nextMayStart() {
    return nextMayStart.getCount() == 0;
  }

  /** The overlap of the batch before this one, {@code null} if it runs on its own. */
  Overlap before() {
    return before;
  }

  /**
   * Waits until the batch before this one is {@linkplain #sent() sent}. Throws {@link
   * BatchCancelledException} if it ended without (it failed; the poll loop rewinds both) or if this
   * thread is interrupted (this batch is given up).
   */
  void awaitPreviousSent() {
    Overlap last = before;
    if (last == null) {
      return;
    }
    try {
      last.sentOrEnded.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("interrupted while awaiting the batch before", e);
    }
    if (last.sent.getCount() > 0) {
      throw new BatchCancelledException(
          "the batch before this one failed before it was sent; both are read again", null);
    }
  }

  /**
   * Waits until the batch before this one ended. Throws {@link BatchCancelledException} if it
   * failed (this batch's outputs cannot be known published before its are; the poll loop rewinds
   * both) or if this thread is interrupted.
   */
  void awaitPrevious() {
    Future<?> last = previous;
    if (last == null) {
      return;
    }
    try {
      last.get();
    } catch (ExecutionException | CancellationException e) {
      throw new BatchCancelledException("the batch before this one failed; both are read again", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchCancelledException("interrupted while awaiting the batch before", e);
    }
  }
}
