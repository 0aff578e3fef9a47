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
 * have none (its lag, unknown before its first fetch), holds the batch, since its next record may
 * be the oldest: a batch stops before the first record it would take after that partition ran
 * empty, and none is taken while it is empty, at most {@value #MAX_HOLD_MILLIS} ms (a partition
 * that cannot be fetched must not stop the flow). Meanwhile the buffered partitions are paused once
 * a full batch is buffered, so the consumer returns the others' records. A partition known to be
 * read to its end holds nothing. It orders by the record's timestamp, which a timestamp extractor
 * may differ from. Used by the polling thread only.
 */
final class EventTimeBatcher implements Batcher {
  /** Longest a partition known to have records, none fetched yet, holds the batch: {@value} ms. */
  static final long MAX_HOLD_MILLIS = 1_000;

  private static final ByteBuffer NULL_KEY = ByteBuffer.allocate(0);

  private final int maxRecords;
  private final long maxWaitMillis;
  private final int maxPerKey;
  private final Supplier<Set<SourcePartition>> unread;
  private final Clock clock;
  private final Map<SourcePartition, ArrayDeque<Fetched>> queues = new LinkedHashMap<>();
  private int size;
  private long heldSince = -1;

  /** A buffered record and when it arrived. */
  private record Fetched(Message<byte[], byte[]> record, long arrivedMillis) {}

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
    for (Message<byte[], byte[]> record : records) {
      queues
          .computeIfAbsent(
              new SourcePartition(record.topic(), record.partition()), p -> new ArrayDeque<>())
          .addLast(new Fetched(record, now));
    }
    size += records.size();
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
    if (holding(unread.get()).isEmpty()) {
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
   * maxPerKey, and where a partition with records known on the broker ran empty (unless it held the
   * batch too long already).
   */
  @Override
  public Batch drain() {
    Set<SourcePartition> unfetched = heldTooLong() ? Set.of() : unread.get();
    heldSince = -1;
    unfetched.forEach(p -> queues.computeIfAbsent(p, q -> new ArrayDeque<>()));
    List<Message<byte[], byte[]>> taken = new ArrayList<>(Math.min(size, maxRecords));
    Map<ByteBuffer, Integer> perKey = maxPerKey > 0 ? new HashMap<>() : null;
    while (taken.size() < maxRecords) {
      ArrayDeque<Fetched> next = oldestHead(unfetched);
      if (next == null) {
        break;
      }
      Message<byte[], byte[]> record = next.peekFirst().record();
      if (perKey != null && perKey.merge(keyOf(record), 1, Integer::sum) > maxPerKey) {
        break;
      }
      next.pollFirst();
      taken.add(record);
      size--;
    }
    return Batch.of(taken);
  }

  @Override
  public void drop(Collection<SourcePartition> partitions) {
    for (SourcePartition partition : partitions) {
      ArrayDeque<Fetched> gone = queues.remove(partition);
      if (gone != null) {
        size -= gone.size();
      }
    }
  }

  /** The partitions buffered, while a full batch is: the empty ones are fetched meanwhile. */
  @Override
  public Set<SourcePartition> toPause(Supplier<Set<SourcePartition>> assigned) {
    if (size < maxRecords) {
      return Set.of();
    }
    Set<SourcePartition> buffered = new HashSet<>();
    queues.forEach(
        (partition, queue) -> {
          if (!queue.isEmpty()) {
            buffered.add(partition);
          }
        });
    return buffered;
  }

  /**
   * The queue whose head has the smallest timestamp; {@code null} if none is buffered, or if the
   * queue of an {@code unfetched} partition is empty.
   */
  private ArrayDeque<Fetched> oldestHead(Set<SourcePartition> unfetched) {
    ArrayDeque<Fetched> oldest = null;
    for (Map.Entry<SourcePartition, ArrayDeque<Fetched>> entry : queues.entrySet()) {
      ArrayDeque<Fetched> queue = entry.getValue();
      if (queue.isEmpty()) {
        if (unfetched.contains(entry.getKey())) {
          return null;
        }
      } else if (oldest == null
          || queue.peekFirst().record().timestamp() < oldest.peekFirst().record().timestamp()) {
        oldest = queue;
      }
    }
    return oldest;
  }

  /** The {@code unfetched} partitions with none buffered. */
  private Set<SourcePartition> holding(Set<SourcePartition> unfetched) {
    Set<SourcePartition> holding = new HashSet<>();
    for (SourcePartition partition : unfetched) {
      ArrayDeque<Fetched> queue = queues.get(partition);
      if (queue == null || queue.isEmpty()) {
        holding.add(partition);
      }
    }
    return holding;
  }

  private boolean heldTooLong() {
    return heldSince >= 0 && clock.millis() >= heldSince + MAX_HOLD_MILLIS;
  }

  private long oldestArrival() {
    long oldest = Long.MAX_VALUE;
    for (ArrayDeque<Fetched> queue : queues.values()) {
      if (!queue.isEmpty()) {
        oldest = Math.min(oldest, queue.peekFirst().arrivedMillis());
      }
    }
    return oldest;
  }

  private static ByteBuffer keyOf(Message<byte[], byte[]> message) {
    return message.key() == null ? NULL_KEY : ByteBuffer.wrap(message.key());
  }
}
