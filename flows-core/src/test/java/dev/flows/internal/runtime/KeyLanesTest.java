package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Headers;
import dev.flows.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyLanesTest {
  /**
   * Long enough never to expire on a slow machine; only reached if the lanes do not run together.
   */
  private static final long TIMEOUT_SECONDS = 30;

  private KeyLanes lanes;

  @AfterEach
  void shutdown() {
    if (lanes != null) {
      lanes.shutdown();
    }
  }

  @Test
  void shouldRunInFetchOrderOnTheCallerWhenSequential() {
    lanes = KeyLanes.sequential();
    List<String> seen = new ArrayList<>();
    Thread caller = Thread.currentThread();

    lanes.run(
        batch("a:0", "b:1", "a:2", "c:3", "b:4"),
        record -> {
          assertSame(caller, Thread.currentThread());
          seen.add(describe(record));
        });

    assertEquals(List.of("a:0", "b:1", "a:2", "c:3", "b:4"), seen);
  }

  @Test
  void shouldStopAtTheFailingRecordAndRethrowWhenSequential() {
    lanes = KeyLanes.sequential();
    List<String> seen = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                lanes.run(
                    batch("a:0", "b:1", "a:2"),
                    record -> {
                      seen.add(describe(record));
                      if (record.offset() == 1) {
                        throw boom;
                      }
                    }));

    assertSame(boom, thrown);
    assertEquals(List.of("a:0", "b:1"), seen);
  }

  @Test
  void shouldRunDifferentKeysConcurrentlyAndEachKeyInOffsetOrderWhenParallel() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    CyclicBarrier bothKeysRunning = new CyclicBarrier(2);
    Map<String, List<Long>> seenByKey = new ConcurrentHashMap<>();
    Map<String, Thread> threadByKey = new ConcurrentHashMap<>();

    lanes.run(
        batch("a:0", "b:1", "a:2", "b:3", "a:4", "b:5", "a:6"),
        record -> {
          String key = key(record);
          threadByKey.putIfAbsent(key, Thread.currentThread());
          if (record.offset() <= 1) {
            await(
                bothKeysRunning); // the first record of each key: only passes if both lanes run at
            // once
          }
          seenByKey
              .computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
              .add(record.offset());
        });

    assertEquals(List.of(0L, 2L, 4L, 6L), seenByKey.get("a"));
    assertEquals(List.of(1L, 3L, 5L), seenByKey.get("b"));
    assertNotSame(threadByKey.get("a"), threadByKey.get("b"));
  }

  @Test
  void shouldKeepOffsetOrderPerKeyWhenThereAreMoreKeysThanThreads() {
    lanes = KeyLanes.parallel(3, Executors.defaultThreadFactory());
    List<String> spec = new ArrayList<>();
    for (int offset = 0; offset < 200; offset++) {
      spec.add("k" + (offset % 7) + ":" + offset);
    }
    Map<String, List<Long>> seenByKey = new ConcurrentHashMap<>();

    lanes.run(
        batch(spec.toArray(String[]::new)),
        record ->
            seenByKey
                .computeIfAbsent(key(record), k -> Collections.synchronizedList(new ArrayList<>()))
                .add(record.offset()));

    assertEquals(7, seenByKey.size());
    seenByKey.forEach(
        (key, offsets) -> {
          List<Long> sorted = new ArrayList<>(offsets);
          Collections.sort(sorted);
          assertEquals(sorted, offsets, "offsets of " + key + " in order");
        });
    assertEquals(200, seenByKey.values().stream().mapToInt(List::size).sum());
  }

  @Test
  void shouldRethrowTheFailureOnlyAfterEveryLaneFinishedWhenOneLaneFails() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    IllegalStateException boom = new IllegalStateException("a failed");
    CountDownLatch bStarted = new CountDownLatch(1);
    CountDownLatch aFailing = new CountDownLatch(1);
    List<String> seen = Collections.synchronizedList(new ArrayList<>());

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                lanes.run(
                    batch("a:0", "b:1", "a:2", "b:3", "b:4"),
                    record -> {
                      String key = key(record);
                      if (record.offset() == 0) {
                        await(bStarted);
                        aFailing.countDown();
                        throw boom;
                      }
                      if (record.offset() == 1) {
                        bStarted.countDown();
                        await(aFailing); // b goes on only once a has failed
                      }
                      seen.add(describe(record));
                    }));

    assertSame(boom, thrown);
    assertEquals(
        List.of("b:1", "b:3", "b:4"),
        seen,
        "b's lane ran to its end before the failure was rethrown; a's lane stopped at its failing record");
  }

  @Test
  void shouldRethrowTheFailureOfTheEarliestKeyInTheBatchWhenSeveralLanesFail() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    CountDownLatch bFailed = new CountDownLatch(1);

    IllegalArgumentException thrown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                lanes.run(
                    batch("a:0", "b:1"),
                    record -> {
                      if (record.offset() == 0) {
                        await(bFailed); // a fails later in time than b
                        throw new IllegalArgumentException("a");
                      }
                      bFailed.countDown();
                      throw new IllegalArgumentException("b");
                    }));

    assertEquals(
        "a",
        thrown.getMessage(),
        "failures are reported in batch order, not in the order they happened");
  }

  @Test
  void shouldGiveResultsInItemOrderWhenItemsFinishInAnotherOrder() {
    lanes = KeyLanes.parallel(3, Executors.defaultThreadFactory());
    CountDownLatch laterItemsDone = new CountDownLatch(2);

    List<String> results =
        lanes.map(
            List.of("a", "b", "c"),
            item -> {
              if (item.equals("a")) {
                await(laterItemsDone); // a ends last
              } else {
                laterItemsDone.countDown();
              }
              return item.toUpperCase(Locale.ROOT);
            });

    assertEquals(List.of("A", "B", "C"), results);
  }

  @Test
  void shouldStopTakingItemsWhenOneFailed() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    CountDownLatch bStarted = new CountDownLatch(1);
    AtomicReference<Thread> aLane = new AtomicReference<>();
    List<String> items = new ArrayList<>();
    for (char item = 'a'; item <= 'z'; item++) {
      items.add(String.valueOf(item));
    }
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    IllegalStateException boom = new IllegalStateException("a failed");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                lanes.map(
                    items,
                    item -> {
                      started.add(item);
                      if (item.equals("a")) {
                        aLane.set(Thread.currentThread());
                        await(bStarted);
                        throw boom;
                      }
                      if (item.equals("b")) {
                        bStarted.countDown();
                        awaitIdle(aLane); // b holds its lane until a's lane failed and ended
                      }
                      return item;
                    }));

    assertSame(boom, thrown);
    assertEquals(List.of("a", "b"), started.stream().sorted().toList(), "c to z never started");
  }

  @Test
  void shouldSkipItemsNotStartedAndWaitForRunningOnesWhenTheBatchThreadIsInterrupted()
      throws Exception {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    CountDownLatch bothRunning = new CountDownLatch(2);
    AtomicInteger running = new AtomicInteger();
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicInteger runningWhenItEnded = new AtomicInteger(-1);
    Thread batchThread =
        new Thread(
            () -> {
              try {
                lanes.map(
                    List.of("a", "b", "c", "d"),
                    item -> {
                      started.add(item);
                      bothRunning.countDown();
                      return runUntilStopped(item, running);
                    });
              } catch (Throwable e) {
                runningWhenItEnded.set(running.get());
                thrown.set(e);
              }
            });
    batchThread.start();
    assertTrue(bothRunning.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "both lanes running");

    batchThread.interrupt();
    batchThread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));

    assertInstanceOf(BatchCancelledException.class, thrown.get());
    assertEquals(0, runningWhenItEnded.get(), "no lane ran on once the batch thread gave up");
    assertEquals(List.of("a", "b"), started.stream().sorted().toList(), "c and d skipped");
  }

  @Test
  void shouldHandTheCallerTheItemsDoneWhileTheLanesStillRun() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    CountDownLatch firstHandedOver = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    List<List<String>> handedOver = new ArrayList<>();

    List<String> results =
        lanes.map(
            List.of("a", "b", "c", "d"),
            item -> {
              if (item.equals("d")) {
                await(firstHandedOver); // d ends only once the caller was handed what was done
              }
              return item.toUpperCase(Locale.ROOT);
            },
            2,
            done -> {
              assertSame(caller, Thread.currentThread());
              handedOver.add(done.stream().map(LaneTasks.Done::result).sorted().toList());
              firstHandedOver.countDown();
            });

    assertEquals(List.of("A", "B", "C", "D"), results);
    assertTrue(handedOver.size() >= 2, "handed over before d was done: " + handedOver);
    assertTrue(handedOver.get(0).size() >= 2, "at least a chunk at a time: " + handedOver);
    assertEquals(
        List.of("A", "B", "C", "D"),
        handedOver.stream().flatMap(List::stream).sorted().toList(),
        "each item once");
    assertEquals(List.of("D"), handedOver.get(handedOver.size() - 1), "d last");
  }

  @Test
  void shouldStopTheLanesAndRethrowWhenTheCallerFailsOnWhatWasHandedOver() {
    lanes = KeyLanes.parallel(2, Executors.defaultThreadFactory());
    List<String> items = new ArrayList<>();
    for (char item = 'a'; item <= 'z'; item++) {
      items.add(String.valueOf(item));
    }
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    IllegalStateException refused = new IllegalStateException("the write failed");
    List<List<String>> handedOver = new ArrayList<>();
    AtomicInteger runningWhenItEnded = new AtomicInteger(-1);

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () -> {
              try {
                lanes.map(
                    items,
                    item -> {
                      started.add(item);
                      if (item.equals("a")) {
                        return item;
                      }
                      return runUntilStopped(item, running);
                    },
                    1,
                    done -> {
                      handedOver.add(done.stream().map(LaneTasks.Done::result).toList());
                      throw refused;
                    });
              } finally {
                runningWhenItEnded.set(running.get());
              }
            });

    assertSame(refused, thrown);
    assertEquals(List.of(List.of("a")), handedOver, "a handed over, then nothing more");
    assertEquals(0, runningWhenItEnded.get(), "no lane ran on once the caller failed");
    assertTrue(started.size() <= 3, "d to z never started: " + started);
  }

  /** Runs until its lane is interrupted (the lanes are stopped), counted in {@code running}. */
  private static String runUntilStopped(String item, AtomicInteger running) {
    running.incrementAndGet();
    try {
      new CountDownLatch(1).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return item;
    } catch (InterruptedException e) {
      throw new IllegalStateException("interrupted", e);
    } finally {
      running.decrementAndGet();
    }
  }

  /** Waits until the lane thread in {@code lane} is back in its pool, waiting for work. */
  private static void awaitIdle(AtomicReference<Thread> lane) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (lane.get() == null || lane.get().getState() != Thread.State.WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the failing lane did not end in " + TIMEOUT_SECONDS + " s");
      }
      LockSupport.parkNanos(100_000); // poll again shortly
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the other key's lane did not run at the same time", e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "the other key's lane did not get there in " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Records from {@code "key:offset"} specs, all of partition words-0. */
  private static List<Message<byte[], byte[]>> batch(String... specs) {
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (String spec : specs) {
      String[] parts = spec.split(":");
      records.add(
          new Message<>(
              "words",
              0,
              Long.parseLong(parts[1]),
              0L,
              parts[0].getBytes(StandardCharsets.UTF_8),
              null,
              Headers.empty()));
    }
    return records;
  }

  private static String key(Message<byte[], byte[]> record) {
    return new String(record.key(), StandardCharsets.UTF_8);
  }

  private static String describe(Message<byte[], byte[]> record) {
    return key(record) + ":" + record.offset();
  }
}
