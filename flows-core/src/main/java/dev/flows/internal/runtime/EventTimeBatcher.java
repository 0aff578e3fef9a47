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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The batcher of a flow whose outputs wait for stream time (windows or sessions closing, timers
 * firing): it buffers records per partition and takes a batch in event-time order across them, the
 * record with the smallest timestamp at the head of its partition first, as Kafka Streams does
 * within a task. A consumer catching up returns one partition's fetch (thousands of records) before
 * the next one's; in arrival order, that partition's stream time would run far ahead, and windows
 * fed by several partitions would close before the others' records reached them.
 *
 * <p>A partition with nothing buffered and records on the broker not fetched yet, or not known to
 * have none (its lag, unknown before its first fetch), holds back every record later than the
 * latest it had taken (as far as the others' records go, its stream time), since its next record
 * may be older: a batch stops before the first such record, and none is taken while that would be
 * the first or, with a full batch buffered, while the batch would stop short; at most {@value
 * #MAX_HOLD_MILLIS} ms (a partition that cannot be fetched must not stop the flow). A partition
 * known to be read to its end holds nothing. So that each partition has records buffered, a
 * partition is paused while it holds a batch's worth (so the buffer holds up to that much per
 * partition); the consumer then returns the others' records. It orders by the record's timestamp,
 * which a timestamp extractor may differ from. Used by the polling thread only.
 */
final class EventTimeBatcher implements Batcher {
  /** Longest a partition known to have records, none fetched yet, holds the batch: {@value} ms. */
  static final long MAX_HOLD_MILLIS = 1_000;

  private final int maxRecords;
  private final long maxWaitMillis;
  private final int maxPerKey;
  private final Supplier<Set<SourcePartition>> unread;
  private final Clock clock;
  private final Map<SourcePartition, Queue> queues = new LinkedHashMap<>();
  private int size;
  private long heldSince = -1;
  private long version; // of the buffer: its changes
  private long takeableVersion = -1;
  private Set<SourcePartition> takeableUnfetched = Set.of();
  private int takeableCount;

  /** A buffered record and when it arrived. */
  private record Fetched(Message<byte[], byte[]> record, long arrivedMillis) {}

  /** A partition's buffered records, and the latest timestamp taken of it so far. */
  private static final class Queue {
    final ArrayDeque<Fetched> records = new ArrayDeque<>();
    long latestTaken = Long.MIN_VALUE;

    long headTime() {
      return records.peekFirst().record().timestamp();
    }
  }

  /**
   * A batcher with the flow's limits, the source's {@code unread} partitions (the assigned ones
   * with records on the broker not fetched yet, or not known to have none) and a clock to measure
   * the waits.
   */
  EventTimeBatcher(FlowOptions options, Supplier<Set<SourcePartition>> unread, Clock clock) {
    this.maxRecords = options.maxRecords();
    this.maxWaitMillis = options.maxWait().toMillis();
    this.maxPerKey = options.maxPerKey();
    this.unread = unread;
    this.clock = clock;
  }

  @Override
  public void add(List<Message<byte[], byte[]>> records) {
    long now = clock.millis();
    Queue queue = null;
    Message<byte[], byte[]> previous = null;
    for (Message<byte[], byte[]> record : records) {
      if (previous == null
          || previous.partition() != record.partition()
          || !previous.topic().equals(record.topic())) {
        queue = queue(partitionOf(record)); // a partition's records come in runs
      }
      queue.records.addLast(new Fetched(record, now));
      previous = record;
    }
    size += records.size();
    version++;
  }

  @Override
  public int size() {
    return size;
  }

  /** Whether a full batch is buffered and no partition holds it. */
  @Override
  public boolean isFull() {
    return size >= maxRecords && millisUntilReady() == 0;
  }

  /**
   * Milliseconds until a batch should be taken: once full or waited for, and no partition holds it,
   * or it held it {@value #MAX_HOLD_MILLIS} ms.
   */
  @Override
  public long millisUntilReady() {
    if (size == 0) {
      return Long.MAX_VALUE;
    }
    long now = clock.millis();
    long due = size >= maxRecords ? now : oldestArrival() + maxWaitMillis;
    if (due > now) {
      return due - now;
    }
    int takeable = takeable(unread.get());
    if (size < maxRecords ? takeable > 0 : takeable >= maxRecords) {
      heldSince = -1;
      return 0;
    }
    if (heldSince < 0) {
      heldSince = now;
    }
    return Math.max(0, heldSince + MAX_HOLD_MILLIS - now);
  }

  /**
   * Up to maxRecords, oldest timestamp first across partitions; stopping before a key would exceed
   * maxPerKey, and before a record a partition with records on the broker, none buffered, holds
   * back (unless it held the batch too long already).
   */
  @Override
  public Batch drain() {
    Set<SourcePartition> unfetched = heldTooLong() ? Set.of() : unread.get();
    heldSince = -1;
    version++;
    List<Message<byte[], byte[]>> taken = new ArrayList<>(Math.min(size, maxRecords));
    Map<ByteBuffer, Integer> perKey = maxPerKey > 0 ? new HashMap<>() : null;
    long heldBack = heldBack(unfetched);
    while (taken.size() < maxRecords) {
      Queue next = oldestHead(heldBack);
      if (next == null) {
        break;
      }
      Message<byte[], byte[]> record = next.records.peekFirst().record();
      if (perKey != null && perKey.merge(Batcher.keyOf(record), 1, Integer::sum) > maxPerKey) {
        break;
      }
      next.records.pollFirst();
      next.latestTaken = Math.max(next.latestTaken, record.timestamp());
      taken.add(record);
      size--;
      if (next.records.isEmpty() && unfetched.contains(partitionOf(record))) {
        heldBack = Math.min(heldBack, next.latestTaken);
      }
    }
    return Batch.of(taken);
  }

  @Override
  public void drop(Collection<SourcePartition> partitions) {
    version++;
    for (SourcePartition partition : partitions) {
      Queue gone = queues.remove(partition);
      if (gone != null) {
        size -= gone.records.size();
      }
    }
  }

  /**
   * The partitions holding a batch's worth: the others are fetched meanwhile, so the buffer holds
   * up to a batch's worth (and a poll's) per partition.
   */
  @Override
  public Set<SourcePartition> toPause(Supplier<Set<SourcePartition>> assigned) {
    if (size < maxRecords) {
      return Set.of();
    }
    Set<SourcePartition> paused = new HashSet<>();
    queues.forEach(
        (partition, queue) -> {
          if (queue.records.size() >= maxRecords) {
            paused.add(partition);
          }
        });
    return paused;
  }

  /**
   * How many records a batch could take now with the {@code unfetched} partitions (up to
   * maxRecords): counted again only after a change of the buffer or of those partitions.
   */
  private int takeable(Set<SourcePartition> unfetched) {
    if (takeableVersion == version && unfetched.equals(takeableUnfetched)) {
      return takeableCount;
    }
    long heldBack = Long.MAX_VALUE; // where the first unfetched partition would run empty
    for (SourcePartition partition : unfetched) {
      Queue queue = queue(partition);
      long last =
          queue.records.isEmpty() ? Long.MIN_VALUE : queue.records.peekLast().record().timestamp();
      heldBack = Math.min(heldBack, Math.max(queue.latestTaken, last));
    }
    int count = 0;
    for (Queue queue : queues.values()) {
      for (Fetched fetched : queue.records) {
        if (fetched.record().timestamp() > heldBack || count >= maxRecords) {
          break;
        }
        count++;
      }
    }
    takeableCount = count;
    takeableVersion = version;
    takeableUnfetched = unfetched;
    return count;
  }

  /**
   * The latest timestamp no {@code unfetched} partition holds back: the smallest latest taken of
   * those with nothing buffered ({@link Long#MAX_VALUE} if none).
   */
  private long heldBack(Set<SourcePartition> unfetched) {
    long heldBack = Long.MAX_VALUE;
    for (SourcePartition partition : unfetched) {
      Queue queue = queue(partition);
      if (queue.records.isEmpty()) {
        heldBack = Math.min(heldBack, queue.latestTaken);
      }
    }
    return heldBack;
  }

  /**
   * The queue whose head has the smallest timestamp, if it is not later than {@code heldBack};
   * {@code null} if none is buffered.
   */
  private Queue oldestHead(long heldBack) {
    Queue oldest = null;
    for (Queue queue : queues.values()) {
      if (!queue.records.isEmpty() && (oldest == null || queue.headTime() < oldest.headTime())) {
        oldest = queue;
      }
    }
    return oldest == null || oldest.headTime() > heldBack ? null : oldest;
  }

  private Queue queue(SourcePartition partition) {
    return queues.computeIfAbsent(partition, p -> new Queue());
  }

  private boolean heldTooLong() {
    return heldSince >= 0 && clock.millis() >= heldSince + MAX_HOLD_MILLIS;
  }

  private long oldestArrival() {
    long oldest = Long.MAX_VALUE;
    for (Queue queue : queues.values()) {
      if (!queue.records.isEmpty()) {
        oldest = Math.min(oldest, queue.records.peekFirst().arrivedMillis());
      }
    }
    return oldest;
  }

  private static SourcePartition partitionOf(Message<byte[], byte[]> record) {
    return new SourcePartition(record.topic(), record.partition());
  }
}
