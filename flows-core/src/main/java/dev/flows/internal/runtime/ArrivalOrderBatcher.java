package dev.flows.internal.runtime;

import dev.flows.FlowOptions;
import dev.flows.Message;
import dev.flows.spi.SourcePartition;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Buffers fetched records and closes batches by size, by wait since the first buffered record, or
 * before a key exceeds its per-key limit. A batch is always a prefix of the buffer, in the order
 * the source returned the records, so offsets stay contiguous per partition. Used by the polling
 * thread only.
 */
final class ArrivalOrderBatcher implements Batcher {
  private final int maxRecords;
  private final long maxWaitMillis;
  private final int maxPerKey;
  private final Clock clock;
  private final ArrayDeque<Message<byte[], byte[]>> buffer = new ArrayDeque<>();
  private final ArrayDeque<Arrival> arrivals = new ArrayDeque<>();

  /** How many of the buffered records (in order) arrived with one fetch, and when. */
  private static final class Arrival {
    final long millis;
    int remaining;

    Arrival(long millis, int remaining) {
      this.millis = millis;
      this.remaining = remaining;
    }
  }

  /** A batcher with the flow's limits and a clock to measure the wait. */
  ArrivalOrderBatcher(FlowOptions options, Clock clock) {
    this.maxRecords = options.maxRecords();
    this.maxWaitMillis = options.maxWait().toMillis();
    this.maxPerKey = options.maxPerKey();
    this.clock = clock;
  }

  /**
   * Buffers fetched records, stamped with their arrival: the wait of a batch starts with its oldest
   * record.
   */
  @Override
  public void add(List<Message<byte[], byte[]>> records) {
    if (records.isEmpty()) {
      return;
    }
    buffer.addAll(records);
    arrivals.addLast(new Arrival(clock.millis(), records.size()));
  }

  @Override
  public int size() {
    return buffer.size();
  }

  /** Whether the buffer holds at least a full batch. */
  @Override
  public boolean isFull() {
    return buffer.size() >= maxRecords;
  }

  /** Every assigned partition while the buffer is full. */
  @Override
  public Set<SourcePartition> toPause(Supplier<Set<SourcePartition>> assigned) {
    return isFull() ? assigned.get() : Set.of();
  }

  @Override
  public long millisUntilReady() {
    if (buffer.isEmpty()) {
      return Long.MAX_VALUE;
    }
    if (isFull()) {
      return 0;
    }
    return Math.max(0, arrivals.peekFirst().millis + maxWaitMillis - clock.millis());
  }

  /**
   * Takes the next batch off the buffer: up to maxRecords, stopping before a key would exceed
   * maxPerKey.
   */
  @Override
  public Batch drain() {
    List<Message<byte[], byte[]>> taken = new ArrayList<>(Math.min(buffer.size(), maxRecords));
    Map<ByteBuffer, Integer> perKey = maxPerKey > 0 ? new HashMap<>() : null;
    while (!buffer.isEmpty() && taken.size() < maxRecords) {
      Message<byte[], byte[]> next = buffer.peekFirst();
      if (perKey != null && perKey.merge(Batcher.keyOf(next), 1, Integer::sum) > maxPerKey) {
        break;
      }
      taken.add(buffer.pollFirst());
      if (--arrivals.peekFirst().remaining == 0) {
        arrivals.pollFirst();
      }
    }
    return Batch.of(taken);
  }

  @Override
  public void drop(Collection<SourcePartition> partitions) {
    Set<SourcePartition> gone = new HashSet<>(partitions);
    ArrayDeque<Message<byte[], byte[]>> kept = new ArrayDeque<>(buffer.size());
    for (Arrival arrival : arrivals) {
      int fetched = arrival.remaining;
      for (int i = 0; i < fetched; i++) {
        Message<byte[], byte[]> record = buffer.pollFirst();
        if (gone.contains(new SourcePartition(record.topic(), record.partition()))) {
          arrival.remaining--;
        } else {
          kept.addLast(record);
        }
      }
    }
    arrivals.removeIf(a -> a.remaining == 0);
    buffer.addAll(kept);
  }
}
