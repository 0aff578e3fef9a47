package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.longs;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.state.InMemoryStateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A collector with {@code concurrency > 1} at the processor, with real lane threads: keys fold at
 * once, each key's records in offset order, and the batch publishes exactly what, and in the order,
 * concurrency 1 publishes: results, fold failures, undecodable records and results that cannot be
 * built.
 */
class CollectorLanesTest {
  /**
   * Long enough never to expire on a slow machine; only reached if the lanes do not run together.
   */
  private static final long TIMEOUT_SECONDS = 30;

  private static final Topic<String, Long> IN = topic("in", string(), longs());
  private static final Topic<String, String> OUT = topic("out", string(), string());

  private final RealLanes lanes = new RealLanes();

  @AfterEach
  void shutdownLanes() {
    lanes.close();
  }

  @Test
  void shouldPublishWhatConcurrencyOnePublishesInItsOrderWhenConcurrencyIsEight() {
    List<List<Message<byte[], byte[]>>> batches = mixedBatches();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    List<String> one = run(1, batches, ConcurrentHashMap.newKeySet());
    List<String> eight = run(8, batches, threads);

    assertEquals(one, eight, "results and dead letters, in order");
    assertTrue(threads.size() > 1, "ran on lanes: " + threads);
    assertTrue(eight.stream().anyMatch(r -> r.contains("flows.error.stage:decode")), "undecodable");
    assertTrue(eight.stream().anyMatch(r -> r.contains("poison")), "a fold failed");
    assertTrue(eight.stream().anyMatch(r -> r.contains("cannot collect k13")), "a result failed");
    for (String result : eight) {
      if (result.startsWith("out ")) {
        String[] offsets =
            result.substring(result.indexOf(':') + 1, result.indexOf(' ', 4)).split(",");
        long[] folded = Arrays.stream(offsets).mapToLong(Long::parseLong).toArray();
        long[] sorted = folded.clone();
        Arrays.sort(sorted);
        assertTrue(Arrays.equals(sorted, folded), "folded in offset order: " + result);
      }
    }
  }

  @Test
  void shouldFoldEightKeysAtOnceWhenConcurrencyIsEight() {
    CyclicBarrier allEight = new CyclicBarrier(8);
    Flow flow =
        Flows.collector("test-lanes-collect", FlowOptions.defaults().withConcurrency(8))
            .from(IN)
            .aggregate(
                () -> "",
                (key, value, folded) -> {
                  if (folded.isEmpty()) {
                    await(
                        allEight); // each key's first record: passes only if all eight fold at once
                  }
                  return folded.isEmpty() ? Long.toString(value) : folded + "," + value;
                })
            .collect((key, folded) -> folded)
            .to(OUT);
    List<Message<byte[], byte[]>> batch = new ArrayList<>();
    for (long offset = 0; offset < 16; offset++) {
      batch.add(msg(offset, "k" + (offset % 8), Long.toString(offset)));
    }
    RecordingSink sink = new RecordingSink();

    lanes.handler(flow, InMemoryStateStore.create(), sink).process(Batch.of(batch));

    assertEquals(
        List.of(
            "k0=0,8", "k1=1,9", "k2=2,10", "k3=3,11", "k4=4,12", "k5=5,13", "k6=6,14", "k7=7,15"),
        sink.keyValues(OUT.name()));
  }

  /** Everything the collector sent over {@code batches} at {@code concurrency}. */
  private List<String> run(
      int concurrency, List<List<Message<byte[], byte[]>>> batches, Set<Thread> threads) {
    Flow flow =
        Flows.collector("test-lanes-collect", FlowOptions.defaults().withConcurrency(concurrency))
            .from(IN)
            .aggregate(
                () -> "",
                (key, value, folded) -> {
                  threads.add(Thread.currentThread());
                  if (value < 0) {
                    throw new IllegalArgumentException("poison " + value);
                  }
                  LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000)); // jitter
                  return folded.isEmpty() ? Long.toString(value) : folded + "," + value;
                })
            .collect(
                (key, folded) -> {
                  if (key.equals("k13")) {
                    throw new IllegalStateException("cannot collect " + key);
                  }
                  return key + ":" + folded;
                })
            .to(OUT);
    RecordingSink sink = new RecordingSink();
    BatchHandler handler = lanes.handler(flow, InMemoryStateStore.create(), sink);
    batches.forEach(records -> handler.process(Batch.of(records)));
    return sink.all();
  }

  /**
   * Three batches of 300 records over 30 keys in a shuffled but fixed order; the value is the
   * offset, some negative (the fold fails), some not a number (they do not decode).
   */
  private static List<List<Message<byte[], byte[]>>> mixedBatches() {
    Random random = new Random(8);
    List<List<Message<byte[], byte[]>>> batches = new ArrayList<>();
    long offset = 0;
    for (int b = 0; b < 3; b++) {
      List<Message<byte[], byte[]>> batch = new ArrayList<>();
      for (int i = 0; i < 300; i++, offset++) {
        int odd = random.nextInt(40);
        String value = odd == 0 ? "-" + offset : odd == 1 ? "not a number" : Long.toString(offset);
        batch.add(msg(offset, "k" + random.nextInt(30), value));
      }
      batches.add(batch);
    }
    return batches;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the other keys' lanes did not fold at the same time", e);
    }
  }

  private static Message<byte[], byte[]> msg(long offset, String key, String value) {
    return new Message<>(
        "in",
        0,
        offset,
        0L,
        key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8),
        Headers.empty());
  }
}
