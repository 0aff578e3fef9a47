package dev.flows.internal.runtime;

import dev.flows.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the work of a batch with bounded parallelism across keys and strict order within a key
 * (parallel-consumer's KEY ordering): a stateless flow's records grouped by record key, a stateful
 * flow's records grouped by persistence id. Sequential lanes run everything in order on the caller,
 * with no thread hop.
 */
public final class KeyLanes {
  private static final ByteBuffer NULL_KEY = ByteBuffer.allocate(0);

  private final ExecutorService executor;
  private final int threads;

  private KeyLanes(ExecutorService executor, int threads) {
    this.executor = executor;
    this.threads = threads;
  }

  /** Sequential lanes: one record after another, in fetch order, on the caller. */
  public static KeyLanes sequential() {
    return new KeyLanes(null, 1);
  }

  /** {@code threads} parallel lanes, on threads made by {@code factory}. */
  public static KeyLanes parallel(int threads, ThreadFactory factory) {
    return new KeyLanes(Executors.newFixedThreadPool(threads, factory), threads);
  }

  /** Stops the lane threads, if any. */
  public void shutdown() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /**
   * Applies {@code action} to every record, the records of one key in offset order; returns when
   * all are done, rethrowing the failure of the earliest key in the batch that failed.
   */
  public void run(List<Message<byte[], byte[]>> records, Consumer<Message<byte[], byte[]>> action) {
    if (executor == null) {
      records.forEach(action);
      return;
    }
    map(
        new ArrayList<>(groupByKey(records).values()),
        sameKey -> {
          sameKey.forEach(action);
          return null;
        });
  }

  /**
   * Applies {@code work} to every item, one key's work each, items running at once on different
   * lanes; returns the results in the order of {@code items} once all are done. A failure stops the
   * lanes from starting more items; the failure of the earliest item that failed is rethrown.
   * Sequential lanes, and a single item, run on the caller.
   */
  public <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> work) {
    if (executor == null || items.size() < 2) {
      List<R> results = new ArrayList<>(items.size());
      for (T item : items) {
        results.add(work.apply(item));
      }
      return results;
    }
    LaneTasks<T, R> tasks = new LaneTasks<>(items, work, Math.min(threads, items.size()));
    return tasks.runOn(executor);
  }

  /**
   * As {@link #map(List, Function)}, and hands {@code completed} the items done with their results,
   * on the caller's thread while the lanes still run, at least {@code chunk} at a time, then the
   * rest; each item once, none after a failure. Sequential lanes hand over every item at the end.
   */
  <T, R> List<R> map(
      List<T> items,
      Function<? super T, ? extends R> work,
      int chunk,
      LaneTasks.Completed<R> completed) {
    if (executor == null || items.size() < 2) {
      List<R> results = map(items, work);
      List<LaneTasks.Done<R>> done = new ArrayList<>(results.size());
      for (int item = 0; item < results.size(); item++) {
        done.add(new LaneTasks.Done<>(item, results.get(item)));
      }
      if (!done.isEmpty()) {
        completed.take(done);
      }
      return results;
    }
    LaneTasks<T, R> tasks = new LaneTasks<>(items, work, Math.min(threads, items.size()));
    return tasks.runOn(executor, chunk, completed);
  }

  /** Whether items run on more than one lane. */
  boolean parallel() {
    return executor != null;
  }

  /** Groups records by key bytes, keeping offset order inside each group. */
  static Map<ByteBuffer, List<Message<byte[], byte[]>>> groupByKey(
      List<Message<byte[], byte[]>> records) {
    Map<ByteBuffer, List<Message<byte[], byte[]>>> groups = new LinkedHashMap<>();
    for (Message<byte[], byte[]> record : records) {
      groups.computeIfAbsent(keyOf(record), k -> new ArrayList<>()).add(record);
    }
    return groups;
  }

  /** What a record's lane is chosen by: its key bytes, all records without a key alike. */
  static ByteBuffer keyOf(Message<byte[], byte[]> record) {
    return record.key() == null ? NULL_KEY : ByteBuffer.wrap(record.key());
  }
}
