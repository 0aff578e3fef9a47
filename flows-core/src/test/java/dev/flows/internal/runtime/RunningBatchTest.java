package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RunningBatchTest {

  /**
   * The poll loop wakes on the signal and looks whether the oldest batch is done: a batch that
   * signalled its end before it counted as done left the loop waiting for a signal that had come
   * (up to 100 ms a batch, stateless throughput at a third of the run before).
   */
  @Test
  void shouldBeDoneWhenItSignalsItsEnd() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try {
      AtomicReference<RunningBatch> running = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch signalled = new CountDownLatch(1);
      List<Boolean> doneWhenSignalled = new CopyOnWriteArrayList<>();
      BatchHandler handler =
          batch -> {
            try {
              assertTrue(started.await(10, TimeUnit.SECONDS), "the test let the batch run");
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          };
      running.set(
          RunningBatch.start(
              worker,
              handler,
              Batch.of(List.of()),
              null,
              () -> {
                doneWhenSignalled.add(running.get().isDone());
                signalled.countDown();
              }));
      started.countDown();

      assertTrue(signalled.await(10, TimeUnit.SECONDS), "the batch signalled its end");
      assertEquals(List.of(true), doneWhenSignalled, "done when it signalled its end");
    } finally {
      worker.shutdownNow();
    }
  }
}
