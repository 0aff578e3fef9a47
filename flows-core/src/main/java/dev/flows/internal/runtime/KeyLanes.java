package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.Message;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs the records of a batch with bounded parallelism across keys and strict offset order within a
 * key (parallel-consumer's KEY ordering). With no executor, everything runs in order on the caller.
 */
public final class KeyLanes {
  private static final ByteBuffer NULL_KEY = ByteBuffer.allocate(0);

  private final ExecutorService executor;

  private KeyLanes(ExecutorService executor) {
    this.executor = executor;
  }

  /** Sequential lanes: one record after another, in fetch order. */
  public static KeyLanes sequential() {
    return new KeyLanes(null);
  }

  /** Parallel lanes on {@code executor}, whose thread count bounds the concurrency. */
  public static KeyLanes parallel(ExecutorService executor) {
    return new KeyLanes(executor);
  }

  /** Stops the lane threads, if any. */
  public void shutdown() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /**
   * Applies {@code action} to every record; returns when all are done, rethrowing the first
   * failure.
   */
  public void run(List<Message<byte[], byte[]>> records, Consumer<Message<byte[], byte[]>> action) {
    if (executor == null) {
      records.forEach(action);
      return;
    }
    Collection<List<Message<byte[], byte[]>>> groups = groupByKey(records).values();
    LaneTasks tasks = new LaneTasks(groups.size());
    List<Future<?>> running = new ArrayList<>();
    for (List<Message<byte[], byte[]>> sameKey : groups) {
      running.add(executor.submit(() -> tasks.run(() -> sameKey.forEach(action))));
    }
    awaitAll(running, tasks);
  }

  /** Groups records by key bytes, keeping offset order inside each group. */
  static Map<ByteBuffer, List<Message<byte[], byte[]>>> groupByKey(
      List<Message<byte[], byte[]>> records) {
    Map<ByteBuffer, List<Message<byte[], byte[]>>> groups = new LinkedHashMap<>();
    for (Message<byte[], byte[]> record : records) {
      ByteBuffer key = record.key() == null ? NULL_KEY : ByteBuffer.wrap(record.key());
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
    }
    return groups;
  }

  private static void awaitAll(List<Future<?>> running, LaneTasks tasks) {
    RuntimeException first = null;
    for (Future<?> future : running) {
      try {
        future.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new FlowsException("lane failed", e.getCause());
        }
      } catch (InterruptedException e) {
        tasks.cancelAndAwait(); // no lane of this batch may still run when the next batch starts
        Thread.currentThread().interrupt();
        throw new BatchCancelledException("interrupted while processing a batch", e);
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
