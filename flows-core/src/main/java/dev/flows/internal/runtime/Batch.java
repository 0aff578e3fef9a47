package dev.flows.internal.runtime;

import dev.flows.Message;
import dev.flows.spi.SourceGeneration;
import dev.flows.spi.SourcePartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjIntConsumer;

/**
 * A closed microbatch: the unit of processing and of commit. Records of one partition are in offset
 * order and form a contiguous prefix of what was fetched, so committing {@link #nextOffsets()}
 * never skips a record.
 *
 * @param records the records, in fetch order
 * @param firstOffsets per partition, the first offset in the batch (where to rewind on failure)
 * @param nextOffsets per partition, the last offset in the batch plus one (what to commit)
 * @param cancellation whether the batch was given up on (no effect may follow)
 * @param generation the group generation an exactly-once batch commits under: set by the poll loop
 *     when the batch starts, and moved on at a rebalance that leaves the batch's partitions owned
 * @param overlap how the batch overlaps the one before it
 * @param commitMetadata per partition, the metadata its processing asks to commit with {@code
 *     nextOffsets} (a windowed flow's stream time), empty for most flows
 * @param idle the partitions it holds no record of, at the offset to read next: it commits them
 *     there, after its processing (a flow with wall-clock timers fires their due timers)
 */
public record Batch(
    List<Message<byte[], byte[]>> records,
    Map<SourcePartition, Long> firstOffsets,
    Map<SourcePartition, Long> nextOffsets,
    Cancellation cancellation,
    AtomicReference<SourceGeneration> generation,
    Overlap overlap,
    AtomicReference<Map<SourcePartition, String>> commitMetadata,
    Set<SourcePartition> idle) {

  /** A batch of {@code records} with its offsets computed. */
  public static Batch of(List<Message<byte[], byte[]>> records) {
    Map<SourcePartition, Long> first = new HashMap<>();
    Map<SourcePartition, Long> next = new HashMap<>();
    SourcePartition partition = null; // a partition's records come in runs
    for (Message<byte[], byte[]> record : records) {
      if (partition == null
          || partition.partition() != record.partition()
          || !partition.topic().equals(record.topic())) {
        partition = new SourcePartition(record.topic(), record.partition());
        first.putIfAbsent(partition, record.offset());
      }
      next.put(partition, record.offset() + 1);
    }
    return new Batch(
        List.copyOf(records),
        Map.copyOf(first),
        Map.copyOf(next),
        new Cancellation(),
        new AtomicReference<>(),
        new Overlap(),
        new AtomicReference<>(Map.of()),
        Set.of());
  }

  /**
   * This batch with the partitions of {@code positions} it holds no record of as idle, at the
   * offset given to read next; it must not have started.
   */
  public Batch withIdle(Map<SourcePartition, Long> positions) {
    if (positions.isEmpty()) {
      return this;
    }
    Map<SourcePartition, Long> first = new HashMap<>(firstOffsets);
    Map<SourcePartition, Long> next = new HashMap<>(nextOffsets);
    Set<SourcePartition> idle = new HashSet<>();
    positions.forEach(
        (partition, position) -> {
          if (!firstOffsets.containsKey(partition)) {
            first.put(partition, position);
            next.put(partition, position);
            idle.add(partition);
          }
        });
    return new Batch(
        records,
        Map.copyOf(first),
        Map.copyOf(next),
        cancellation,
        generation,
        overlap,
        commitMetadata,
        Set.copyOf(idle));
  }

  /** Whether the batch holds records of any of these partitions. */
  public boolean touches(Collection<SourcePartition> partitions) {
    return partitions.stream().anyMatch(firstOffsets::containsKey);
  }

  /**
   * Hands {@code count} how many records it holds of each topic (a topic's records come in runs, so
   * a topic may be handed more than once).
   */
  public void countPerTopic(ObjIntConsumer<String> count) {
    String topic = null;
    int run = 0;
    for (Message<byte[], byte[]> record : records) {
      if (!record.topic().equals(topic)) {
        if (run > 0) {
          count.accept(topic, run);
        }
        topic = record.topic();
        run = 0;
      }
      run++;
    }
    if (run > 0) {
      count.accept(topic, run);
    }
  }

  /** How many records it holds. */
  public int size() {
    return records.size();
  }
}
